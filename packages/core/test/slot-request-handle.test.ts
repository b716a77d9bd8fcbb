import { describe, expect, it } from "vitest";
import {
  allocationId,
  checkSlotPoolInvariants,
  IllegalStateError,
  SlotReleasedError,
  slotRequestId,
} from "../src/index.js";
import { errorOf, Harness, leaseOf, SLOT } from "./harness.js";

describe("the handle of allocateSlot", () => {
  it("release() without a cause: released completes with a SLOT_RELEASED error naming the request (made once)", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const handle = h.allocate();
    const slot = leaseOf(handle).slot;
    handle.release();
    const cause = handle.released.result;
    expect(cause?.ok).toBe(true);
    const error = (cause as { value: Error & { code?: string } }).value;
    expect(error).toBeInstanceOf(SlotReleasedError);
    expect(error.code).toBe("SLOT_RELEASED");
    expect(error.message).toBe(`Slot of request ${handle.requestId} was released by its holder.`);
    expect(handle.released.result).toBe(cause);
    // the event carries the same cause
    expect(h.eventsOf("slotReleased").map((e) => e.cause)).toEqual([error]);
    expect(h.pool.inspect().available.get(allocationId("s1"))).toBe(slot);
    h.check();
  });

  it("release() without a cause while nobody listens still gives the slot back; the cause is made when read", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const unobserved = h.pool.allocateSlot({}); // no event subscriber other than the harness's
    unobserved.release();
    expect(h.pool.inspect().available.size).toBe(1);
    const first = unobserved.released.result;
    expect(first?.ok && first.value.message).toBe(
      `Slot of request ${unobserved.requestId} was released by its holder.`,
    );
    h.check();
  });

  it("release() without a cause on a waiting request fails it SLOT_RELEASED, caused by the holder's release", () => {
    const h = new Harness();
    const handle = h.allocate();
    handle.release();
    const error = errorOf(handle);
    expect(error.code).toBe("SLOT_RELEASED");
    expect((error.cause as Error).message).toBe(`Slot of request ${handle.requestId} was released by its holder.`);
    expect(handle.released.result).toEqual({ ok: true, value: error });
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });

  it("result and released are the same objects however often and whenever they are read", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const early = h.allocate();
    const result = early.result;
    const released = early.released;
    expect(result.isDone).toBe(false);
    h.offer(tm, "s1", undefined, 0);
    expect(early.result).toBe(result);
    expect(early.released).toBe(released);
    expect(result.result?.ok && result.result.value.slot.allocationId).toBe("s1");
    early.release(new SlotReleasedError("done"));
    // a handle read only after it ended
    const late = h.allocate();
    late.release(new SlotReleasedError("done"));
    expect(late.result.result?.ok).toBe(true);
    expect(late.result).toBe(late.result);
    expect(late.released.result?.ok && late.released.result.value.message).toBe("done");
    h.check();
  });

  it("a lease read through a promise is the same lease the result holds", async () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const handle = h.allocate();
    const lease = await handle.result.promise;
    expect(lease).toBe(leaseOf(handle));
    expect(lease.requestId).toBe(handle.requestId);
    h.check();
  });
});

describe("SlotPool.allocateAvailableSlot with a request id that already holds a slot", () => {
  it("throws IllegalStateError and the chosen slot stays free (it used to be lost)", () => {
    const h = new Harness({ autoCheck: "unoccupied" });
    const tm = h.taskManager("tm-1");
    h.offerFree(tm, 2);
    const first = h.pool.allocateAvailableSlot(slotRequestId("p"), SLOT, []);
    expect(first?.slot.allocationId).toBeDefined();
    expect(() => h.pool.allocateAvailableSlot(slotRequestId("p"), SLOT, [])).toThrow(IllegalStateError);
    expect(h.snapshot()).toMatchObject({ available: 1, allocated: 1 });
    expect(h.pool.inspect().allocated.getByRequestId(slotRequestId("p"))).toBe(first?.slot);
    expect(checkSlotPoolInvariants(h.pool, { allowUnoccupiedAllocatedSlots: true })).toEqual([]);
  });
});
