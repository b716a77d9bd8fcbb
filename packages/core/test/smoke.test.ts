import { VirtualTimeScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  allocationId,
  assertSlotPoolInvariants,
  InMemoryResourceManager,
  InMemoryTaskExecutor,
  jobMasterId,
  Locality,
  ResourceProfile,
  SlotPool,
  taskManagerLocation,
} from "../src/index.js";

describe("smoke", () => {
  it("queues, sends to the RM, and serves the offer", () => {
    const scheduler = new VirtualTimeScheduler();
    const pool = new SlotPool({ scheduler });
    const rm = new InMemoryResourceManager();
    pool.start(jobMasterId("jm"));
    pool.connectToResourceManager(rm);
    const h = pool.allocateSlot({});
    expect(rm.requests).toHaveLength(1);
    const tm = taskManagerLocation("tm-1", "h1");
    pool.registerTaskManager(tm.resourceId);
    const te = new InMemoryTaskExecutor(tm.resourceId);
    const profile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });
    pool.offerSlots(tm, te, [{ allocationId: rm.requests[0]!.allocationId, slotIndex: 0, profile }]);
    expect(h.result.result).toMatchObject({ ok: true, value: { locality: Locality.UNKNOWN } });
    assertSlotPoolInvariants(pool, { resourceManager: rm });
    h.release();
    expect(pool.inspect().available.size).toBe(1);
    scheduler.flush();
    expect(te.freed).toEqual([allocationId("alloc-1")]);
    assertSlotPoolInvariants(pool, { resourceManager: rm });
  });
});
