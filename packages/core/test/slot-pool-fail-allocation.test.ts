import { describe, expect, it } from "vitest";
import { AllocationFailedError, allocationId } from "../src/index.js";
import { errorOf, Harness, leaseOf } from "./harness.js";

describe("SlotPool.failAllocation (§2.12)", () => {
  it("a pending request with that allocation id fails with the cause and is cancelled at the resource manager", () => {
    const h = new Harness();
    const a = h.allocate();
    const b = h.allocate();
    const cause = new AllocationFailedError("TaskExecutor refused the slot");
    h.pool.failAllocation(h.requested(0), cause);
    expect(errorOf(a)).toBe(cause);
    expect(a.released.result).toEqual({ ok: true, value: cause });
    expect(b.result.isDone).toBe(false);
    expect(h.pool.inspect().pending.size).toBe(1);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
    // the late offer for the failed allocation is a free slot now
    const tm = h.taskManager("tm-1");
    expect(h.offer(tm, h.requested(0))).toBe(true);
    expect(leaseOf(b).slot.allocationId).toBe(h.requested(0));
    expect(h.rm.cancelled).toEqual([h.requested(0), h.requested(1)]);
    h.check();
  });

  it("a free slot with that id is dropped without telling anyone", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    h.offer(tm, "s2");
    const cause = new AllocationFailedError("slot lost");
    h.pool.failAllocation(allocationId("s1"), cause);
    expect([...h.pool.inspect().available.values()].map((s) => s.allocationId)).toEqual(["s2"]);
    expect(h.eventsOf("slotDropped")).toEqual([{ type: "slotDropped", atMs: 0, allocationId: "s1", cause }]);
    expect(tm.gateway.freed).toEqual([]);
    h.check();
  });

  it("an allocated slot is dropped and its payload released with the cause; the slot is not reused", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const holder = h.allocate();
    const waiting = h.allocate();
    const cause = new AllocationFailedError("slot lost");
    h.pool.failAllocation(allocationId("s1"), cause);
    expect(holder.released.result).toEqual({ ok: true, value: cause });
    expect(holder.result.result?.ok).toBe(true);
    expect(waiting.result.isDone).toBe(false);
    expect(h.snapshot()).toMatchObject({ available: 0, allocated: 0, pending: 1 });
    h.check();
    // the holder giving the slot back later is ignored
    holder.release();
    expect(h.snapshot()).toMatchObject({ available: 0, allocated: 0, pending: 1 });
    expect(waiting.result.isDone).toBe(false);
    h.check();
  });

  it("unknown allocation ids are ignored", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    h.allocate();
    h.allocate();
    const before = h.snapshot();
    h.pool.failAllocation(allocationId("nope"), new Error("x"));
    expect(h.snapshot()).toEqual(before);
    expect(h.rm.cancelled).toEqual([]);
    h.check();
  });
});
