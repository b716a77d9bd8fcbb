import { Locality, ResourceProfile, type ResourceSpec } from "@slotpool/core";
import type { TaskHandle } from "@slotpool/slot-sharing";
import { describe, expect, it } from "vitest";
import { CoLocationGroup } from "../src/index.js";
import { Cluster, failure, isWaiting, placed } from "./harness.js";

function coLocated(c: Cluster, loop: CoLocationGroup, vertexId: string, i: number, extra: object = {}): TaskHandle {
  return c.tasks.allocate({
    vertexId,
    subtaskIndex: i,
    slotSharingGroup: "g",
    coLocationConstraint: loop.constraint(i),
    ...extra,
  });
}

function shared(c: Cluster, vertexId: string, i: number, extra: object = {}): TaskHandle {
  return c.tasks.allocate({ vertexId, subtaskIndex: i, slotSharingGroup: "g", ...extra });
}

describe("co-location (Flink §2.5.2, §3.6)", () => {
  it("runs subtask i of every co-located vertex in one slot; different constraints never share one", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    c.groups.push(loop);
    const tm1 = c.addTaskManager("tm-1");
    const tm2 = c.addTaskManager("tm-2");
    c.offerFree(tm1, 2);
    c.offerFree(tm2, 1);
    const heads = [0, 1, 2].map((i) => coLocated(c, loop, "head", i));
    c.check();
    const tails = [0, 1, 2].map((i) => coLocated(c, loop, "tail", i));
    c.check();
    const maps = [0, 1, 2].map((i) => shared(c, "map", i));
    c.check();
    for (let i = 0; i < 3; i++) {
      const slot = placed(heads[i] as TaskHandle).allocationId;
      expect(placed(tails[i] as TaskHandle).allocationId).toBe(slot);
      expect(placed(tails[i] as TaskHandle).locality).toBe(Locality.LOCAL);
      expect(placed(tails[i] as TaskHandle).coLocationGroup).toBe("loop");
      expect(loop.constraint(i).location).toEqual(placed(heads[i] as TaskHandle).location);
    }
    expect(new Set(heads.map((h) => placed(h).allocationId)).size).toBe(3);
    expect(new Set(maps.map((h) => placed(h).allocationId)).size).toBe(3);
    expect(c.freeSlots).toBe(0);
  });

  it("co-located tasks on a pending slot join its co-location node and lock when the slot arrives", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    c.groups.push(loop);
    const head = coLocated(c, loop, "head", 0);
    const tail = coLocated(c, loop, "tail", 0);
    const map = shared(c, "map", 0);
    expect(c.rm.requests).toHaveLength(1);
    expect(loop.constraint(0).isAssigned).toBe(false);
    c.check();
    let lockedWhenPlaced = false;
    head.result.onSettled(() => {
      lockedWhenPlaced = loop.constraint(0).isAssigned;
    });
    const tm = c.addTaskManager("tm-1");
    c.answer(tm);
    expect(lockedWhenPlaced).toBe(true);
    expect(placed(head).locality).toBe(Locality.UNKNOWN);
    expect(placed(tail).locality).toBe(Locality.LOCAL);
    expect(placed(map).allocationId).toBe(placed(head).allocationId);
    expect(loop.constraint(0).location).toEqual(tm);
    c.check();
  });

  it("after its node is gone, a locked constraint takes a free slot on its TaskManager (LOCAL)", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    c.groups.push(loop);
    const tm1 = c.addTaskManager("tm-1");
    const tm2 = c.addTaskManager("tm-2");
    c.offerFree(tm1, 1);
    const head = coLocated(c, loop, "head", 0);
    head.release();
    expect(c.freeSlots).toBe(1);
    expect(loop.constraint(0).location).toEqual(tm1);
    c.offerFree(tm2, 1);
    c.check();
    const again = coLocated(c, loop, "head", 0, { preferredLocations: [tm2] });
    expect(placed(again).location).toEqual(tm1);
    expect(placed(again).locality).toBe(Locality.LOCAL);
    c.check();
  });

  it("after its node is gone, a locked constraint joins a shared slot on its TaskManager", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    c.groups.push(loop);
    const tm1 = c.addTaskManager("tm-1");
    c.offerFree(tm1, 1);
    const head = coLocated(c, loop, "head", 0);
    const map = shared(c, "map", 0);
    head.release();
    c.check();
    const again = coLocated(c, loop, "head", 0);
    expect(placed(again).allocationId).toBe(placed(map).allocationId);
    expect(placed(again).locality).toBe(Locality.LOCAL);
    c.check();
  });

  it("documented fix: a locked constraint with nothing local fails NO_RESOURCE_AVAILABLE and releases nothing", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    c.groups.push(loop);
    const tm1 = c.addTaskManager("tm-1");
    const tm2 = c.addTaskManager("tm-2");
    c.offerFree(tm1, 1);
    c.offerFree(tm2, 1);
    const head0 = coLocated(c, loop, "head", 0, { preferredLocations: [tm1] });
    const map1 = shared(c, "map", 1, { preferredLocations: [tm2] });
    expect(placed(head0).location).toEqual(tm1);
    expect(placed(map1).location).toEqual(tm2);
    head0.release();
    // constraint 1 takes tm-1's shared slot, so constraint 0 (locked to tm-1) has nothing local left.
    const head1 = coLocated(c, loop, "head", 1, { preferredLocations: [tm1] });
    expect(placed(head1).location).toEqual(tm1);
    c.check();
    const requestsBefore = c.rm.requests.length;
    const again = coLocated(c, loop, "head", 0);
    expect(failure(again)).toBe("NO_RESOURCE_AVAILABLE");
    expect((again.result.result as { error: Error }).error.message).toMatch(/locked to TaskManager tm-1/);
    // Flink released the chosen shared slot here, failing map#1; nothing is released now.
    expect(placed(map1).isAlive).toBe(true);
    expect(placed(head1).isAlive).toBe(true);
    expect(c.rm.requests).toHaveLength(requestsBefore);
    expect(loop.constraint(0).location).toEqual(tm1);
    c.check();
  });

  it("never queues a locked constraint: even a queued task fails when nothing is local", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    c.groups.push(loop);
    const tm1 = c.addTaskManager("tm-1");
    c.offerFree(tm1, 1);
    const head = coLocated(c, loop, "head", 0);
    const other = c.tasks.allocate({ vertexId: "solo", subtaskIndex: 0 });
    head.release();
    expect(isWaiting(other)).toBe(false);
    const again = coLocated(c, loop, "head", 0, { queued: true });
    expect(failure(again)).toBe("NO_RESOURCE_AVAILABLE");
    expect(c.tasks.sharingManager("g")?.isEmpty).toBe(true);
    c.check();
  });

  it("a task that does not fit its constraint's known slot fails; the slot is never over-committed", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    c.groups.push(loop);
    const tm1 = c.addTaskManager("tm-1");
    c.offerFree(tm1, 2);
    const big: ResourceSpec = { cpu: 0.75, memoryMb: 1 };
    const head = coLocated(c, loop, "head", 0, { profile: big });
    const tail = coLocated(c, loop, "tail", 0, { profile: big });
    expect(failure(tail)).toBe("NO_RESOURCE_AVAILABLE");
    expect(placed(head).isAlive).toBe(true);
    expect(c.freeSlots).toBe(1);
    c.check();
  });

  it("moves a co-location node with all its tasks when the pending slot turns out too small", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    c.groups.push(loop);
    const map = shared(c, "map", 0, { profile: { cpu: 0.6, memoryMb: 100 } });
    const head = coLocated(c, loop, "head", 0, { profile: { cpu: 0.3, memoryMb: 100 } });
    const tail = coLocated(c, loop, "tail", 0, { profile: { cpu: 0.3, memoryMb: 100 } });
    expect(c.rm.requests).toHaveLength(1);
    c.check();
    const tm1 = c.addTaskManager("tm-1");
    c.answer(tm1);
    expect(placed(map).location).toEqual(tm1);
    expect(isWaiting(head) && isWaiting(tail)).toBe(true);
    expect(loop.constraint(0).isAssigned).toBe(false);
    expect(c.rm.requests).toHaveLength(2);
    expect(c.rm.requests[1]?.profile).toBe(ResourceProfile.of({ cpu: 0.6, memoryMb: 200 }));
    c.check();
    const tm2 = c.addTaskManager("tm-2");
    c.answer(tm2);
    expect(placed(head).allocationId).toBe(placed(tail).allocationId);
    expect(placed(head).location).toEqual(tm2);
    expect(loop.constraint(0).location).toEqual(tm2);
    c.check();
  });

  it("rejects a constraint used in two sharing groups", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    const a = coLocated(c, loop, "head", 0);
    const b = c.tasks.allocate({
      vertexId: "other",
      subtaskIndex: 0,
      slotSharingGroup: "g2",
      coLocationConstraint: loop.constraint(0),
    });
    expect(isWaiting(a)).toBe(true);
    expect(failure(b)).toBe("INVALID_ARGUMENT");
  });

  it("a released co-located task leaves its partner and the constraint's slot alone", () => {
    const c = new Cluster();
    const loop = new CoLocationGroup("loop");
    c.groups.push(loop);
    const tm1 = c.addTaskManager("tm-1");
    c.offerFree(tm1, 1);
    const head = coLocated(c, loop, "head", 0);
    const tail = coLocated(c, loop, "tail", 0);
    const node = loop.constraint(0).slotRequestId;
    head.release();
    expect(placed(tail).isAlive).toBe(true);
    expect(loop.constraint(0).slotRequestId).toBe(node);
    c.check();
    const head2 = coLocated(c, loop, "head", 0);
    expect(placed(head2).allocationId).toBe(placed(tail).allocationId);
    expect(placed(head2).locality).toBe(Locality.LOCAL);
    c.check();
  });
});
