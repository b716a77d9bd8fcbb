import { describe, expect, it } from "vitest";
import {
  type AllocatedSlot,
  AvailableSlots,
  allocationId,
  Locality,
  type ResourceId,
  ResourceProfile,
  resourceId,
  SlotReleasedError,
  taskManagerLocation,
} from "../src/index.js";
import type { SlotDirectory } from "../src/slot-directory.js";
import { Harness, leaseOf } from "./harness.js";

const SMALL = ResourceProfile.of({ cpu: 1, memoryMb: 512 });

/** The pool's slot directory (private): where its per-TaskManager and per-host records live. */
function directoryOf(h: Harness): SlotDirectory {
  return (h.pool.inspect().available as unknown as { directory: SlotDirectory }).directory;
}

describe("the pool's slot directory (per-TaskManager and per-host records)", () => {
  it("keeps a TaskManager's record while it has a known slot, free or allocated, and drops it with the last", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1", "host-1");
    h.offer(tm, "s1");
    const record = directoryOf(h).taskManager(tm.location.resourceId);
    expect(record).toBeDefined();
    // an allocate + release pair moves the slot between the chains of the same record
    const handle = h.allocate();
    expect(directoryOf(h).taskManager(tm.location.resourceId)).toBe(record);
    expect([record?.freeCount, record?.usedCount]).toEqual([0, 1]);
    expect(h.pool.inspect().available.containsTaskManager(tm.location.resourceId)).toBe(false);
    expect(h.pool.inspect().allocated.containsResource(tm.location.resourceId)).toBe(true);
    handle.release(new SlotReleasedError("done"));
    expect(directoryOf(h).taskManager(tm.location.resourceId)).toBe(record);
    expect([record?.freeCount, record?.usedCount]).toEqual([1, 0]);
    h.check();
    // the slot leaves the pool: the records go with it
    h.pool.failAllocation(allocationId("s1"), new Error("gone"));
    expect(directoryOf(h).taskManager(tm.location.resourceId)).toBeUndefined();
    expect(directoryOf(h).host("host-1")).toBeUndefined();
    expect(directoryOf(h).size).toBe(0);
    h.check();
  });

  it("a released TaskManager's records are dropped with its slots", () => {
    const h = new Harness();
    const a = h.taskManager("tm-a", "host-1");
    const b = h.taskManager("tm-b", "host-1");
    h.offerFree(a, 2);
    h.offerFree(b, 1);
    const held = h.allocate({ preferredLocations: [a.location] });
    expect(leaseOf(held).locality).toBe(Locality.LOCAL);
    h.pool.releaseTaskManager(a.location.resourceId);
    expect(directoryOf(h).taskManager(a.location.resourceId)).toBeUndefined();
    expect(directoryOf(h).host("host-1")?.known).toBe(1);
    expect(errorCodeOf(held)).toBe("TASK_MANAGER_LOST");
    h.check();
  });

  it("a TaskManager whose slots report two hosts is found on each (host locality stays per slot)", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1", "host-1");
    h.offer(tm, "on-1");
    // the same TaskManager offers a slot under another host
    expect(
      h.pool.offerSlot(taskManagerLocation("tm-1", "host-2"), tm.gateway, {
        allocationId: allocationId("on-2"),
        slotIndex: 1,
        profile: ResourceProfile.of({ cpu: 1, memoryMb: 1024 }),
      }),
    ).toBe(true);
    h.check();
    const free = h.pool.inspect().available;
    expect(free.findOnHost("host-1", SMALL)?.allocationId).toBe("on-1");
    expect(free.findOnHost("host-2", SMALL)?.allocationId).toBe("on-2");
    // a request preferring another TaskManager on host-2 is served HOST_LOCAL by the slot on host-2
    const handle = h.allocate({ preferredLocations: [taskManagerLocation("tm-9", "host-2")] });
    expect([leaseOf(handle).slot.allocationId, leaseOf(handle).locality]).toEqual(["on-2", Locality.HOST_LOCAL]);
    expect(free.findOnHost("host-2", SMALL)).toBeUndefined();
    h.check();
    // its slot on host-2 leaves the pool: host-2's record goes, host-1's stays
    h.pool.failAllocation(allocationId("on-2"), new Error("gone"));
    expect(directoryOf(h).host("host-2")).toBeUndefined();
    expect(free.findOnHost("host-1", SMALL)?.allocationId).toBe("on-1");
    h.check();
    // and all of its slots on host-1 go: then a slot on host-1 again files it afresh
    h.pool.failAllocation(allocationId("on-1"), new Error("gone"));
    expect(directoryOf(h).size).toBe(0);
    h.offer(tm, "again");
    expect(free.findOnHost("host-1", SMALL)?.allocationId).toBe("again");
    h.check();
  });

  it("a TaskManager released and registered again while its slot is being handed back gets the slot back", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const handle = h.allocate();
    handle.released.onSettled(() => {
      h.pool.releaseTaskManager(tm.location.resourceId);
      h.pool.registerTaskManager(tm.location.resourceId);
    });
    handle.release();
    // registered again before the hand-back finished: the slot returns to the pool
    expect(h.pool.inspect().available.get(allocationId("s1"))).toBeDefined();
    h.check();
  });

  it("an allocation id offered again while its slot is being handed back goes to the new slot", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1", SMALL, 0);
    const handle = h.allocate();
    const old = leaseOf(handle).slot;
    handle.released.onSettled(() => {
      // the TaskExecutor offers the same allocation (same slot index) again from inside the release
      expect(h.offer(tm, "s1", SMALL, 0)).toBe(true);
    });
    handle.release();
    const now = h.pool.inspect().available.get(allocationId("s1"));
    expect(now).toBeDefined();
    expect(now).not.toBe(old);
    expect(h.pool.inspect().available.size).toBe(1);
    h.check();
  });

  it("checkConsistency reports a known slot that is neither free nor allocated (a leak)", () => {
    const h = new Harness({ autoCheck: "off" });
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const free = h.pool.inspect().available as unknown as AvailableSlots;
    const slot = free.get(allocationId("s1")) as AllocatedSlot;
    // take it out of the free-slot chains behind the pool's back, without forgetting it
    free.take(slot);
    expect(h.pool.inspect().available.checkConsistency()).toEqual(
      expect.arrayContaining(["available: s1@tm-1[0] is known but neither free nor allocated"]),
    );
  });

  it("a slot cannot be indexed by two directories", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const slot = h.pool.inspect().available.get(allocationId("s1")) as AllocatedSlot;
    expect(() => new AvailableSlots().add(slot, 0)).toThrow(/already/);
    expect(resourceIds(h)).toEqual(["tm-1"]);
    h.check();
  });
});

function errorCodeOf(handle: ReturnType<Harness["allocate"]>): string | undefined {
  const outcome = handle.released.result;
  return outcome?.ok ? (outcome.value as Error & { code?: string }).code : undefined;
}

function resourceIds(h: Harness): ResourceId[] {
  return [...h.pool.inspect().available.taskManagers()].map((id) => resourceId(id));
}
