import { Locality, ResourceProfile, type ResourceSpec } from "@slotpool/core";
import { describe, expect, it } from "vitest";
import type { TaskHandle } from "../src/index.js";
import { Cluster, isWaiting, placed, rootOf } from "./harness.js";

function task(
  c: Cluster,
  vertexId: string,
  subtaskIndex: number,
  profile?: ResourceSpec,
  extra: object = {},
): TaskHandle {
  return c.tasks.allocate({
    vertexId,
    subtaskIndex,
    slotSharingGroup: "g",
    ...(profile === undefined ? {} : { profile }),
    ...extra,
  });
}

describe("resource-aware sharing on resolved roots (Flink 1.9)", () => {
  it("shares a slot up to exactly its profile, then opens another", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 2);
    const a = task(c, "a", 0, { cpu: 0.5, memoryMb: 512 });
    const b = task(c, "b", 0, { cpu: 0.5, memoryMb: 512 });
    expect(placed(b).allocationId).toBe(placed(a).allocationId);
    expect(rootOf(a).reserved()).toBe(ResourceProfile.of({ cpu: 1, memoryMb: 1024 }));
    c.check();
    const d = task(c, "d", 0, { cpu: 0.1, memoryMb: 1 });
    expect(placed(d).allocationId).not.toBe(placed(a).allocationId);
    expect(c.freeSlots).toBe(0);
    c.check();
  });

  it("adds fractional cpus without binary noise", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1);
    const hs = [0.1, 0.2, 0.7].map((cpu, i) => task(c, `v${i}`, 0, { cpu, memoryMb: 0 }));
    const ids = new Set(hs.map((h) => placed(h).allocationId));
    expect(ids.size).toBe(1);
    c.check();
  });

  it("counts tasks of UNKNOWN profile as zero", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1);
    const a = task(c, "a", 0, { cpu: 1, memoryMb: 1024 });
    const b = task(c, "b", 0);
    const d = task(c, "d", 0, undefined, { queued: false });
    expect(placed(b).allocationId).toBe(placed(a).allocationId);
    expect(placed(d).allocationId).toBe(placed(a).allocationId);
    c.check();
  });

  it("checks every extended resource a task names", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1, { cpu: 4, memoryMb: 4096, extended: { gpu: 1 } });
    c.offerFree(tm, 1, { cpu: 4, memoryMb: 4096 });
    const a = task(c, "a", 0, { cpu: 1, memoryMb: 1, extended: { gpu: 1 } });
    const b = task(c, "b", 0, { cpu: 1, memoryMb: 1, extended: { gpu: 1 } }, { queued: false });
    const d = task(c, "d", 0, { cpu: 1, memoryMb: 1 });
    expect(placed(a).allocationId).toBe("offered-1");
    expect(b.result.result?.ok).toBe(false);
    expect(placed(d).allocationId).toBe(placed(a).allocationId);
    c.check();
  });

  it("lets only UNKNOWN tasks share a slot whose own profile is UNKNOWN", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1, ResourceProfile.UNKNOWN);
    const a = task(c, "a", 0);
    const b = task(c, "b", 0, { cpu: 0.1, memoryMb: 1 });
    const d = task(c, "d", 0);
    expect(placed(a).allocationId).toBe("offered-1");
    expect(isWaiting(b)).toBe(true);
    expect(placed(d).allocationId).toBe("offered-1");
    c.check();
  });

  it("skips a full shared slot on the preferred TaskManager", () => {
    const c = new Cluster();
    const tm1 = c.addTaskManager("tm-1", "h1");
    const tm2 = c.addTaskManager("tm-2", "h2");
    c.offerFree(tm1, 1);
    c.offerFree(tm2, 1);
    const a0 = task(c, "a", 0, { cpu: 0.9, memoryMb: 1 }, { preferredLocations: [tm1] });
    const a1 = task(c, "a", 1, { cpu: 0.1, memoryMb: 1 }, { preferredLocations: [tm2] });
    const b0 = task(c, "b", 0, { cpu: 0.5, memoryMb: 1 }, { preferredLocations: [tm1] });
    expect(placed(a0).location).toEqual(tm1);
    expect(placed(b0).allocationId).toBe(placed(a1).allocationId);
    expect(placed(b0).locality).toBe(Locality.NON_LOCAL);
    c.check();
  });
});

describe("resource-aware sharing on pending roots: tasks that do not fit move, never over-commit, never fail", () => {
  it("requests the first task's profile, and moves a joined task that does not fit to a new request", () => {
    const c = new Cluster();
    const a = task(c, "a", 0, { cpu: 0.6, memoryMb: 100 });
    const b = task(c, "b", 0, { cpu: 0.6, memoryMb: 100 });
    expect(c.rm.requests).toHaveLength(1);
    expect(c.rm.requests[0]?.profile).toBe(ResourceProfile.of({ cpu: 0.6, memoryMb: 100 }));
    expect(rootOf(b)).toBe(rootOf(a));
    c.check();

    const tm = c.addTaskManager("tm-1");
    c.answer(tm);
    expect(placed(a).locality).toBe(Locality.UNKNOWN);
    expect(isWaiting(b)).toBe(true);
    expect(c.rm.requests).toHaveLength(2);
    expect(c.rm.requests[1]?.profile).toBe(ResourceProfile.of({ cpu: 0.6, memoryMb: 100 }));
    c.check();

    c.answer(tm);
    expect(placed(b).allocationId).not.toBe(placed(a).allocationId);
    expect(placed(b).locality).toBe(Locality.UNKNOWN);
    c.check();
  });

  it("moves a task that does not fit onto a resolved root with room", () => {
    const c = new Cluster();
    const gpuTask = { cpu: 0.6, memoryMb: 100, extended: { gpu: 1 } };
    const a = task(c, "a", 0, gpuTask);
    const b = task(c, "b", 0, { cpu: 0.6, memoryMb: 100 });
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1, { cpu: 2, memoryMb: 2048 }); // does not match a's request (no gpu): stays free
    expect(c.freeSlots).toBe(1);
    const x = task(c, "x", 0, { cpu: 0.1, memoryMb: 1 }, { queued: false });
    expect(placed(x).allocationId).toBe("offered-1");
    c.check();

    c.answer(tm, 1, { cpu: 1, memoryMb: 1024, extended: { gpu: 1 } });
    expect(placed(a).allocationId).toBe(c.rm.requests[0]?.allocationId);
    expect(placed(b).allocationId).toBe("offered-1");
    expect(placed(b).locality).toBe(Locality.UNCONSTRAINED);
    expect(c.rm.requests).toHaveLength(1);
    c.check();
  });

  it("a moved task never joins another pending root", () => {
    const c = new Cluster();
    const a0 = task(c, "a", 0, { cpu: 0.6, memoryMb: 100 });
    const b0 = task(c, "b", 0, { cpu: 0.6, memoryMb: 100 });
    const a1 = task(c, "a", 1, { cpu: 0.6, memoryMb: 100 });
    expect(c.rm.requests).toHaveLength(2);
    const tm = c.addTaskManager("tm-1");
    c.answer(tm, 1);
    expect(placed(a0).isAlive).toBe(true);
    expect(isWaiting(b0)).toBe(true);
    expect(c.rm.requests).toHaveLength(3);
    expect(rootOf(b0)).not.toBe(rootOf(a1));
    expect(rootOf(b0).allocatedSlotRequestId).toBe(
      c.pool.inspect().pending.getByAllocationId(c.rm.requests[2]!.allocationId)?.requestId,
    );
    c.check();
  });

  it("gives the slot back when none of a pending root's tasks fits it, and waits on", () => {
    const c = new Cluster();
    const a = task(c, "a", 0, { cpu: 0.5, memoryMb: 100 });
    const b = task(c, "b", 0, { cpu: 0.9, memoryMb: 100 });
    expect(a.cancel()).toBe(true);
    c.check();
    const tm = c.addTaskManager("tm-1");
    c.answer(tm, 1, { cpu: 0.5, memoryMb: 1024 });
    expect(isWaiting(b)).toBe(true);
    expect(c.freeSlots).toBe(1);
    expect(c.rm.requests).toHaveLength(2);
    expect(c.rm.requests[1]?.profile).toBe(ResourceProfile.of({ cpu: 0.9, memoryMb: 100 }));
    c.check();
    c.answer(tm, 1);
    expect(placed(b).isAlive).toBe(true);
    c.check();
  });

  it("keeps tasks in the order they joined: the first that fit stay", () => {
    const c = new Cluster();
    const big = task(c, "big", 0, { cpu: 0.5, memoryMb: 1 });
    const mid = task(c, "mid", 0, { cpu: 0.4, memoryMb: 1 });
    const large = task(c, "large", 0, { cpu: 0.3, memoryMb: 1 });
    const small = task(c, "small", 0, { cpu: 0.1, memoryMb: 1 });
    const tm = c.addTaskManager("tm-1");
    c.answer(tm);
    expect(placed(big).allocationId).toBe(placed(mid).allocationId);
    expect(placed(small).allocationId).toBe(placed(big).allocationId);
    expect(isWaiting(large)).toBe(true);
    expect(rootOf(big).reserved()).toBe(ResourceProfile.of({ cpu: 1, memoryMb: 3 }));
    c.check();
  });
});
