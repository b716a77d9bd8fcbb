import { AllocationFailedError, Locality, ResourceProfile, TaskManagerLostError } from "@slotpool/core";
import { describe, expect, it } from "vitest";
import { TaskScheduler } from "../src/index.js";
import { Cluster, failure, isWaiting, placed } from "./harness.js";

describe("TaskScheduler: tasks without a sharing group (Flink §2.5 A)", () => {
  it("takes a free slot at once, LOCAL to a preference, and gives it back on release", () => {
    const c = new Cluster();
    const tm1 = c.addTaskManager("tm-1", "h1");
    const tm2 = c.addTaskManager("tm-2", "h2");
    c.offerFree(tm1, 1);
    c.offerFree(tm2, 1);
    c.check();

    const h = c.tasks.allocate({ vertexId: "src", subtaskIndex: 0, preferredLocations: [tm2] });
    const slot = placed(h);
    expect(slot.location).toEqual(tm2);
    expect(slot.locality).toBe(Locality.LOCAL);
    expect(slot.sharingGroup).toBeUndefined();
    expect(slot.isAlive).toBe(true);
    expect(c.freeSlots).toBe(1);
    c.check();

    const h2 = c.tasks.allocate({ vertexId: "src", subtaskIndex: 1 });
    expect(placed(h2).locality).toBe(Locality.UNCONSTRAINED);
    expect(c.freeSlots).toBe(0);
    c.check();

    h.release();
    expect(slot.isAlive).toBe(false);
    expect(h.released.result).toMatchObject({ ok: true, value: { code: "SLOT_RELEASED" } });
    expect(c.freeSlots).toBe(1);
    c.check();
    h.release();
    expect(c.freeSlots).toBe(1);
    c.check();
  });

  it("queues for a new slot (UNKNOWN locality) and reports the slot lost with its TaskManager", () => {
    const c = new Cluster();
    const h = c.tasks.allocate({ vertexId: "src", subtaskIndex: 0, profile: { cpu: 0.5, memoryMb: 128 } });
    expect(isWaiting(h)).toBe(true);
    expect(c.rm.requests).toHaveLength(1);
    expect(c.rm.requests[0]?.profile).toBe(ResourceProfile.of({ cpu: 0.5, memoryMb: 128 }));
    c.check();

    const tm = c.addTaskManager("tm-1");
    c.answer(tm);
    expect(placed(h).locality).toBe(Locality.UNKNOWN);
    c.check();

    c.pool.releaseTaskManager(tm.resourceId, new TaskManagerLostError("tm-1 died"));
    expect(h.released.result).toMatchObject({ ok: true, value: { code: "TASK_MANAGER_LOST" } });
    expect(placed(h).isAlive).toBe(false);
    c.check();
  });

  it("fails a non-queued task at once when nothing is free, leaving nothing behind", () => {
    const c = new Cluster();
    const h = c.tasks.allocate({ vertexId: "src", subtaskIndex: 0, queued: false });
    expect(failure(h)).toBe("NO_RESOURCE_AVAILABLE");
    expect(h.released.result?.ok).toBe(true);
    expect(c.rm.requests).toHaveLength(0);
    expect(c.pool.inspect().pending.size).toBe(0);
    c.check();
  });

  it("times out on virtual time through the pool and withdraws the resource-manager request", () => {
    const c = new Cluster();
    const h = c.tasks.allocate({ vertexId: "src", subtaskIndex: 0, timeoutMs: 1_000 });
    c.advance(999);
    expect(isWaiting(h)).toBe(true);
    c.check();
    c.advance(1);
    expect(failure(h)).toBe("TIMEOUT");
    expect(c.pool.inspect().pending.size).toBe(0);
    expect(c.rm.cancelled).toEqual([c.rm.requests[0]?.allocationId]);
    c.check();
  });

  it("cancel withdraws a waiting request exactly once; cancel after placement does nothing", () => {
    const c = new Cluster();
    const h = c.tasks.allocate({ vertexId: "src", subtaskIndex: 0 });
    expect(h.cancel()).toBe(true);
    expect(failure(h)).toBe("REQUEST_CANCELLED");
    expect(c.rm.cancelled).toHaveLength(1);
    expect(h.cancel()).toBe(false);
    c.check();

    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm);
    const h2 = c.tasks.allocate({ vertexId: "src", subtaskIndex: 1 });
    expect(h2.cancel()).toBe(false);
    expect(placed(h2).isAlive).toBe(true);
    c.check();
  });

  it("a failed allocation of the task's slot tells the task with that cause", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    const [id] = c.offerFree(tm);
    const h = c.tasks.allocate({ vertexId: "src", subtaskIndex: 0 });
    c.pool.failAllocation(id as never, new AllocationFailedError("disk full"));
    expect(h.released.result).toMatchObject({ ok: true, value: { code: "ALLOCATION_FAILED" } });
    c.check();
  });
});

describe("TaskScheduler: argument checks", () => {
  const bad: [string, Record<string, unknown>][] = [
    ["vertexId", { vertexId: "", subtaskIndex: 0 }],
    ["subtaskIndex", { vertexId: "v", subtaskIndex: -1 }],
    ["subtaskIndex", { vertexId: "v", subtaskIndex: 1.5 }],
    ["slotSharingGroup", { vertexId: "v", subtaskIndex: 0, slotSharingGroup: "" }],
    ["profile.cpu", { vertexId: "v", subtaskIndex: 0, profile: { cpu: -1, memoryMb: 1 } }],
    ["preferredLocations", { vertexId: "v", subtaskIndex: 0, preferredLocations: "tm-1" }],
    ["preferredLocations[0]", { vertexId: "v", subtaskIndex: 0, preferredLocations: [{ id: "x" }] }],
    ["queued", { vertexId: "v", subtaskIndex: 0, queued: "yes" }],
    ["timeoutMs", { vertexId: "v", subtaskIndex: 0, timeoutMs: -5 }],
    ["coLocationConstraint", { vertexId: "v", subtaskIndex: 0, slotSharingGroup: "g", coLocationConstraint: {} }],
  ];
  it.each(bad)("rejects a bad %s with INVALID_ARGUMENT and changes nothing", (path, task) => {
    const c = new Cluster();
    const h = c.tasks.allocate(task as never);
    expect(failure(h)).toBe("INVALID_ARGUMENT");
    expect(h.result.result).toMatchObject({ ok: false, error: { path } });
    expect(c.rm.requests).toHaveLength(0);
    expect([...c.tasks.sharingManagers()].every((m) => m.isEmpty)).toBe(true);
    c.check();
  });

  it("rejects a co-location constraint without a sharing group (Flink silently ignored it)", () => {
    const c = new Cluster();
    const constraint = { groupId: "loop", location: undefined, slotRequestId: undefined, lockLocation: () => {} };
    const h = c.tasks.allocate({ vertexId: "v", subtaskIndex: 0, coLocationConstraint: constraint });
    expect(failure(h)).toBe("INVALID_ARGUMENT");
    expect(c.rm.requests).toHaveLength(0);
  });

  it("rejects a negative default timeout", () => {
    const c = new Cluster();
    expect(() => new TaskScheduler(c.pool, { defaultTimeoutMs: -1 })).toThrow(/defaultTimeoutMs/);
  });
});
