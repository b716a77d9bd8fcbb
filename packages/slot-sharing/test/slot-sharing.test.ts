import {
  AllocationFailedError,
  type AllocationId,
  Locality,
  SlotReleasedError,
  TaskManagerLostError,
} from "@slotpool/core";
import { describe, expect, it } from "vitest";
import { assertSharingInvariants, type TaskHandle } from "../src/index.js";
import { Cluster, failure, isWaiting, leafOf, placed, rootOf } from "./harness.js";

function job(c: Cluster, vertices: string[], parallelism: number, group = "g", extra: object = {}): TaskHandle[][] {
  return vertices.map((vertexId) =>
    Array.from({ length: parallelism }, (_, subtaskIndex) =>
      c.tasks.allocate({ vertexId, subtaskIndex, slotSharingGroup: group, ...extra }),
    ),
  );
}

describe("slot sharing: one and several groups", () => {
  it("puts subtask i of every vertex of a group into one slot, one subtask per vertex per slot", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 3);
    const [a, b, d] = job(c, ["a", "b", "d"], 2) as [TaskHandle[], TaskHandle[], TaskHandle[]];
    c.check();
    expect(c.freeSlots).toBe(1);
    for (let i = 0; i < 2; i++) {
      const ids = new Set([a, b, d].map((v) => placed(v[i] as TaskHandle).allocationId));
      expect(ids.size).toBe(1);
      expect(placed(b[i] as TaskHandle).sharingGroup).toBe("g");
    }
    expect(placed(a[0] as TaskHandle).allocationId).not.toBe(placed(a[1] as TaskHandle).allocationId);
    const manager = c.tasks.sharingManager("g");
    expect([...(manager?.resolvedRoots() ?? [])]).toHaveLength(2);
    expect(manager?.size).toBe(2);
    expect([...(manager?.tasks() ?? [])]).toHaveLength(6);
  });

  it("never shares a slot between two sharing groups", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 4);
    const g1 = job(c, ["a", "b"], 2, "g1");
    const g2 = job(c, ["c"], 2, "g2");
    c.check();
    const slotsOf = (hs: TaskHandle[][]) => new Set(hs.flat().map((h) => placed(h).allocationId));
    const s1 = slotsOf(g1);
    const s2 = slotsOf(g2);
    expect(s1.size).toBe(2);
    expect(s2.size).toBe(2);
    expect([...s1].some((id) => s2.has(id))).toBe(false);
    expect(c.freeSlots).toBe(0);
  });

  it("frees the physical slot when its last task leaves, not before", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1);
    const [[a], [b]] = job(c, ["a", "b"], 1) as [[TaskHandle], [TaskHandle]];
    c.check();
    a.release();
    expect(placed(a).isAlive).toBe(false);
    expect(placed(b).isAlive).toBe(true);
    expect(c.freeSlots).toBe(0);
    c.check();
    b.release(new SlotReleasedError("b finished"));
    expect(b.released.result).toMatchObject({ ok: true, value: { message: "b finished" } });
    expect(c.freeSlots).toBe(1);
    expect(c.tasks.sharingManager("g")?.isEmpty).toBe(true);
    c.check();
  });

  it("lets a released subtask's slot take the next subtask of the same vertex", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1);
    const [[a0], [b0]] = job(c, ["a", "b"], 1) as [[TaskHandle], [TaskHandle]];
    a0.release();
    const a1 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 1, slotSharingGroup: "g", queued: false });
    expect(placed(a1).allocationId).toBe(placed(b0).allocationId);
    c.check();
  });
});

describe("slot sharing: locality of resolved roots versus free slots", () => {
  function setup() {
    const c = new Cluster();
    const tm1 = c.addTaskManager("tm-1", "h1");
    const tm2 = c.addTaskManager("tm-2", "h2");
    const tm3 = c.addTaskManager("tm-3", "h2");
    c.offerFree(tm1, 1);
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g", preferredLocations: [tm1] });
    expect(placed(a).locality).toBe(Locality.LOCAL);
    c.offerFree(tm2, 1);
    c.check();
    return { c, tm1, tm2, tm3, a };
  }

  it("a TaskManager-local free slot beats an existing shared slot", () => {
    const { c, tm2, a } = setup();
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g", preferredLocations: [tm2] });
    expect(placed(b).locality).toBe(Locality.LOCAL);
    expect(placed(b).allocationId).not.toBe(placed(a).allocationId);
    expect(c.freeSlots).toBe(0);
    c.check();
  });

  it("an existing shared slot beats a free slot that is only host-local", () => {
    const { c, tm3, a } = setup();
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g", preferredLocations: [tm3] });
    expect(placed(b).allocationId).toBe(placed(a).allocationId);
    expect(placed(b).locality).toBe(Locality.NON_LOCAL);
    expect(c.freeSlots).toBe(1);
    c.check();
  });

  it("joins a shared slot on the preferred TaskManager without touching free slots", () => {
    const { c, tm1, a } = setup();
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g", preferredLocations: [tm1] });
    expect(placed(b).allocationId).toBe(placed(a).allocationId);
    expect(placed(b).locality).toBe(Locality.LOCAL);
    expect(c.freeSlots).toBe(1);
    c.check();
  });

  it("without preferences joins the shared slot as UNCONSTRAINED and leaves free slots free", () => {
    const { c, a } = setup();
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g" });
    expect(placed(b).allocationId).toBe(placed(a).allocationId);
    expect(placed(b).locality).toBe(Locality.UNCONSTRAINED);
    expect(c.freeSlots).toBe(1);
    c.check();
  });

  it("takes a free slot when every shared slot already runs the vertex", () => {
    const { c, tm1 } = setup();
    const a1 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 1, slotSharingGroup: "g", preferredLocations: [tm1] });
    expect(placed(a1).locality).toBe(Locality.NON_LOCAL);
    expect(c.freeSlots).toBe(0);
    c.check();
  });

  it("reports HOST_LOCAL for a shared slot on a preferred host, and honours preference order", () => {
    const c = new Cluster();
    const tm1 = c.addTaskManager("tm-1", "h1");
    const tm2 = c.addTaskManager("tm-2", "h2");
    const tm3 = c.addTaskManager("tm-3", "h2");
    c.offerFree(tm1, 1);
    c.offerFree(tm2, 1);
    const a0 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g", preferredLocations: [tm1] });
    const a1 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 1, slotSharingGroup: "g", preferredLocations: [tm2] });
    const b0 = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g", preferredLocations: [tm3] });
    expect(placed(b0).allocationId).toBe(placed(a1).allocationId);
    expect(placed(b0).locality).toBe(Locality.HOST_LOCAL);
    const b1 = c.tasks.allocate({
      vertexId: "b",
      subtaskIndex: 1,
      slotSharingGroup: "g",
      preferredLocations: [tm3, tm1],
    });
    expect(placed(b1).allocationId).toBe(placed(a0).allocationId);
    expect(placed(b1).locality).toBe(Locality.LOCAL);
    c.check();
  });
});

describe("slot sharing: queued scheduling", () => {
  it("requests one physical slot per subtask index, not per task, and serves them on arrival", () => {
    const c = new Cluster();
    const [a, b] = job(c, ["a", "b"], 2) as [TaskHandle[], TaskHandle[]];
    expect(c.rm.requests).toHaveLength(2);
    expect([...a, ...b].every(isWaiting)).toBe(true);
    expect([...(c.tasks.sharingManager("g")?.unresolvedRoots() ?? [])]).toHaveLength(2);
    c.check();
    const tm = c.addTaskManager("tm-1");
    c.answer(tm, 1);
    expect(placed(a[0] as TaskHandle).allocationId).toBe(placed(b[0] as TaskHandle).allocationId);
    expect(placed(b[0] as TaskHandle).locality).toBe(Locality.UNKNOWN);
    expect(isWaiting(a[1] as TaskHandle)).toBe(true);
    c.check();
    c.answer(tm, 1);
    expect(placed(a[1] as TaskHandle).allocationId).toBe(placed(b[1] as TaskHandle).allocationId);
    c.check();
  });

  it("a returned slot serves a waiting root; the root's own request is withdrawn", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1);
    const a0 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const a1 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 1, slotSharingGroup: "g" });
    const b1 = c.tasks.allocate({ vertexId: "b", subtaskIndex: 1, slotSharingGroup: "g", queued: false });
    expect(placed(b1).allocationId).toBe(placed(a0).allocationId);
    expect(isWaiting(a1)).toBe(true);
    expect(c.rm.requests).toHaveLength(1);
    c.check();
    a0.release();
    expect(isWaiting(a1)).toBe(true);
    b1.release();
    expect(placed(a1).allocationId).toBe(placed(a0).allocationId);
    expect(c.rm.cancelled).toEqual([c.rm.requests[0]?.allocationId]);
    c.check();
  });

  it("a non-queued task never joins a pending root", () => {
    const c = new Cluster();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g", queued: false });
    expect(isWaiting(a)).toBe(true);
    expect(failure(b)).toBe("NO_RESOURCE_AVAILABLE");
    c.check();
  });

  it("fails every task at once when the pool is not started", () => {
    const c = new Cluster();
    c.pool.suspend();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    expect(failure(a)).toBe("POOL_NOT_STARTED");
    expect(c.tasks.sharingManager("g")?.isEmpty).toBe(true);
  });
});

describe("slot sharing: failures cascade with the original cause", () => {
  it("a lost TaskManager releases every task on its shared slots", () => {
    const c = new Cluster();
    const tm1 = c.addTaskManager("tm-1");
    const tm2 = c.addTaskManager("tm-2");
    c.offerFree(tm1, 1);
    c.offerFree(tm2, 1);
    const [a, b] = job(c, ["a", "b"], 2) as [TaskHandle[], TaskHandle[]];
    const onTm1 = [...a, ...b].filter((h) => placed(h).location.resourceId === tm1.resourceId);
    const onTm2 = [...a, ...b].filter((h) => placed(h).location.resourceId === tm2.resourceId);
    expect(onTm1).toHaveLength(2);
    c.pool.releaseTaskManager(tm1.resourceId, new TaskManagerLostError("tm-1 heartbeat timeout"));
    for (const h of onTm1) {
      expect(h.released.result).toMatchObject({ ok: true, value: { message: "tm-1 heartbeat timeout" } });
    }
    for (const h of onTm2) expect(placed(h).isAlive).toBe(true);
    expect([...(c.tasks.sharingManager("g")?.resolvedRoots() ?? [])]).toHaveLength(1);
    c.check();
  });

  it("a failed physical request fails every task waiting on it", () => {
    const c = new Cluster({ autoAcknowledge: false });
    const [[a], [b]] = job(c, ["a", "b"], 1) as [[TaskHandle], [TaskHandle]];
    c.check();
    c.rm.refuse(c.rm.requests[0]?.allocationId as AllocationId, new Error("quota exceeded"));
    for (const h of [a, b]) {
      expect(failure(h)).toBe("NO_RESOURCE_AVAILABLE");
      expect((h.result.result as { error: Error }).error.cause).toMatchObject({ message: "quota exceeded" });
    }
    expect(c.tasks.sharingManager("g")?.isEmpty).toBe(true);
    c.check();
  });

  it("a failed allocation of a pending slot fails its tasks with that cause", () => {
    const c = new Cluster();
    const [[a], [b]] = job(c, ["a", "b"], 1) as [[TaskHandle], [TaskHandle]];
    const cause = new AllocationFailedError("TaskExecutor refused");
    c.pool.failAllocation(c.rm.requests[0]?.allocationId as AllocationId, cause);
    expect(a.result.result).toEqual({ ok: false, error: cause });
    expect(b.result.result).toEqual({ ok: false, error: cause });
    c.check();
  });
});

describe("slot sharing: the pool loses leadership", () => {
  it("suspend() releases every shared slot's tasks with POOL_SUSPENDED and fails those waiting", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1);
    const a0 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const b0 = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g" });
    const a1 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 1, slotSharingGroup: "g" });
    expect(placed(b0).allocationId).toBe(placed(a0).allocationId);
    expect(isWaiting(a1)).toBe(true);
    c.pool.suspend();
    expect(a0.released.result).toMatchObject({ ok: true, value: { code: "POOL_SUSPENDED" } });
    expect(b0.released.result).toMatchObject({ ok: true, value: { code: "POOL_SUSPENDED" } });
    expect(failure(a1)).toBe("POOL_SUSPENDED");
    expect(c.tasks.sharingManager("g")?.isEmpty).toBe(true);
    assertSharingInvariants(c.tasks, { pool: c.pool });
  });
});

describe("slot sharing: caller-side timeouts and cancel clean up exactly what they created", () => {
  it("a timed-out task alone on a pending root withdraws the physical request", () => {
    const c = new Cluster();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g", timeoutMs: 500 });
    c.advance(499);
    expect(isWaiting(a)).toBe(true);
    c.check();
    c.advance(1);
    expect(failure(a)).toBe("TIMEOUT");
    expect(c.rm.cancelled).toEqual([c.rm.requests[0]?.allocationId]);
    expect(c.tasks.sharingManager("g")?.isEmpty).toBe(true);
    c.check();
  });

  it("a timed-out task sharing a pending root leaves the root and its request to the others", () => {
    const c = new Cluster();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g", timeoutMs: 1_000 });
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g", timeoutMs: 5_000 });
    c.advance(1_000);
    expect(failure(a)).toBe("TIMEOUT");
    expect(isWaiting(b)).toBe(true);
    expect(c.rm.cancelled).toHaveLength(0);
    c.check();
    const tm = c.addTaskManager("tm-1");
    c.answer(tm);
    expect(placed(b).locality).toBe(Locality.UNKNOWN);
    c.advance(10_000);
    expect(placed(b).isAlive).toBe(true);
    c.check();
  });

  it("the default timeout applies and Infinity waits forever", () => {
    const c = new Cluster({ defaultTimeoutMs: 2_000 });
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 1, slotSharingGroup: "g", timeoutMs: Infinity });
    c.advance(2_000);
    expect(failure(a)).toBe("TIMEOUT");
    c.advance(100_000); // well past the default; only the pool's own resource-manager timeouts still apply
    expect(isWaiting(b)).toBe(true);
    c.check();
  });

  it("cancel fails the task with REQUEST_CANCELLED and keeps what others use", () => {
    const c = new Cluster();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g" });
    expect(b.cancel()).toBe(true);
    expect(failure(b)).toBe("REQUEST_CANCELLED");
    expect(c.rm.cancelled).toHaveLength(0);
    c.check();
    expect(a.cancel()).toBe(true);
    expect(c.rm.cancelled).toHaveLength(1);
    expect(c.tasks.sharingManager("g")?.isEmpty).toBe(true);
    c.check();
  });

  it("release of a waiting task fails it with the given cause", () => {
    const c = new Cluster();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const cause = new SlotReleasedError("job cancelled");
    a.release(cause);
    expect(a.result.result).toEqual({ ok: false, error: cause });
    expect(a.released.result).toEqual({ ok: true, value: cause });
    c.check();
  });

  it("a timeout that fires after placement does nothing", () => {
    const c = new Cluster();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g", timeoutMs: 100 });
    const tm = c.addTaskManager("tm-1");
    c.answer(tm);
    c.advance(1_000);
    expect(placed(a).isAlive).toBe(true);
    c.check();
  });
});

describe("slot sharing: ordering fixes", () => {
  it("FLINK-15013: a root is resolved before its tasks hear about the slot", () => {
    const c = new Cluster();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    let late: TaskHandle | undefined;
    let seenResolved = false;
    a.result.onSettled(() => {
      const m = c.tasks.sharingManager("g");
      seenResolved = [...(m?.resolvedRoots() ?? [])].length === 1 && [...(m?.unresolvedRoots() ?? [])].length === 0;
      late = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g", queued: false });
    });
    const tm = c.addTaskManager("tm-1");
    c.answer(tm);
    expect(seenResolved).toBe(true);
    expect(placed(late as TaskHandle).allocationId).toBe(placed(a).allocationId);
    expect(placed(late as TaskHandle).locality).toBe(Locality.UNCONSTRAINED);
    c.check();
  });

  it("FLINK-13421: a root releasing its tasks is never offered to a task scheduled meanwhile", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    const [id] = c.offerFree(tm, 1);
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g" });
    const restarted: TaskHandle[] = [];
    a.released.onSettled(() => {
      // A "restart" inside the release cascade: the releasing root must not be a candidate.
      restarted.push(c.tasks.allocate({ vertexId: "c", subtaskIndex: 0, slotSharingGroup: "g" }));
    });
    c.pool.failAllocation(id as AllocationId, new AllocationFailedError("slot broken"));
    expect(b.released.result?.ok).toBe(true);
    expect(restarted).toHaveLength(1);
    expect(isWaiting(restarted[0] as TaskHandle)).toBe(true);
    expect(leafOf(restarted[0] as TaskHandle).parent).toBeDefined();
    expect(rootOf(restarted[0] as TaskHandle).isReleased).toBe(false);
    c.check();
  });
});

describe("slot sharing: vertex consistency", () => {
  it("rejects a vertex that is co-located in one task and not in another", () => {
    const c = new Cluster();
    const constraint = { groupId: "loop", location: undefined, slotRequestId: undefined, lockLocation() {} };
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const a1 = c.tasks.allocate({
      vertexId: "a",
      subtaskIndex: 1,
      slotSharingGroup: "g",
      coLocationConstraint: constraint,
    });
    expect(isWaiting(a)).toBe(true);
    expect(failure(a1)).toBe("INVALID_ARGUMENT");
    c.check();
  });
});
