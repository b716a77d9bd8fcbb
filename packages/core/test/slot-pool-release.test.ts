import { describe, expect, it } from "vitest";
import { allocationId, ResourceProfile, SlotReleasedError, slotRequestId } from "../src/index.js";
import { errorOf, Harness, leaseOf } from "./harness.js";

const SMALL = ResourceProfile.of({ cpu: 0.5, memoryMb: 256 });
const BIG = ResourceProfile.of({ cpu: 4, memoryMb: 8192 });

describe("SlotPool.releaseSlot (§2.8)", () => {
  it("a request sent to the resource manager fails SLOT_RELEASED and is cancelled there once", () => {
    const h = new Harness();
    const handle = h.allocate();
    const cause = new Error("task cancelled");
    h.pool.releaseSlot(handle.requestId, cause);
    const error = errorOf(handle);
    expect(error).toBeInstanceOf(SlotReleasedError);
    expect(error.code).toBe("SLOT_RELEASED");
    expect(error.message).toBe(`Pending slot request with ${handle.requestId} has been released.`);
    expect(error.cause).toBe(cause);
    expect(handle.released.result).toEqual({ ok: true, value: error });
    expect(h.pool.inspect().pending.size).toBe(0);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
    h.pool.releaseSlot(handle.requestId, cause);
    handle.release();
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });

  it("a stashed request fails SLOT_RELEASED; nothing is cancelled at a resource manager and no timer fires later", () => {
    const h = new Harness({ connect: false });
    const handle = h.allocate();
    handle.release();
    expect(errorOf(handle).code).toBe("SLOT_RELEASED");
    expect(h.pool.inspect().waitingForResourceManager.size).toBe(0);
    h.check();
    const eventsBefore = h.events.length;
    h.scheduler.flush();
    expect(h.events.length).toBe(eventsBefore);
    h.pool.connectToResourceManager(h.rm);
    expect(h.rm.requests).toEqual([]);
    expect(h.rm.cancelled).toEqual([]);
    h.check();
  });

  it("a held slot: the payload is told, then the slot becomes free when nobody waits", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const handle = h.allocate();
    const slot = leaseOf(handle).slot;
    h.advanceTo(500);
    const cause = new Error("finished");
    h.pool.releaseSlot(handle.requestId, cause);
    expect(handle.released.result).toEqual({ ok: true, value: cause });
    expect(handle.result.result?.ok).toBe(true);
    expect(h.pool.inspect().allocated.size).toBe(0);
    expect(h.pool.inspect().available.get(allocationId("s1"))).toBe(slot);
    expect(h.pool.inspect().available.since(allocationId("s1"))).toBe(500);
    expect(h.eventsOf("slotReleased")).toEqual([
      { type: "slotReleased", atMs: 500, requestId: handle.requestId, allocationId: "s1", cause },
    ]);
    h.check();
  });

  it("a held slot goes to the oldest waiting request it matches (FIFO), skipping ones it cannot serve", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1", SMALL);
    const holder = h.allocate({ profile: SMALL });
    const big = h.allocate({ profile: BIG });
    const w1 = h.allocate({ profile: SMALL });
    const w2 = h.allocate();
    h.check();
    holder.release();
    expect(big.result.isDone).toBe(false);
    expect(leaseOf(w1).slot.allocationId).toBe("s1");
    expect(w2.result.isDone).toBe(false);
    h.check();
    w1.release();
    expect(leaseOf(w2).slot.allocationId).toBe("s1");
    expect(big.result.isDone).toBe(false);
    h.check();
    // the requests served by s1 had their own RM requests cancelled (FLINK-8934), the big one did not
    expect(h.rm.cancelled).toEqual([h.requested(1), h.requested(2)]);
    expect(h.rm.outstanding.map((r) => r.allocationId)).toEqual([h.requested(0)]);
  });

  it("a held slot goes to requests sent to the resource manager before stashed ones", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const holder = h.allocate();
    const sent = h.allocate();
    h.pool.disconnectResourceManager();
    const stashed = h.allocate();
    h.check();
    holder.release();
    expect(leaseOf(sent).slot.allocationId).toBe("s1");
    expect(stashed.result.isDone).toBe(false);
    h.check();
    sent.release();
    expect(leaseOf(stashed).slot.allocationId).toBe("s1");
    expect(h.pool.inspect().waitingForResourceManager.size).toBe(0);
    // the stashed request had no resource-manager request to cancel
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });

  it("a stale handle never releases a newer request that reuses its id (regression)", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const first = h.allocate({ requestId: slotRequestId("task-1") });
    first.release();
    const second = h.allocate({ requestId: slotRequestId("task-1") });
    expect(leaseOf(second).slot.allocationId).toBe("s1");
    first.release(); // a late, "idempotent" clean-up of the old handle
    expect(second.released.isDone).toBe(false);
    expect(h.pool.inspect().allocated.getByRequestId(slotRequestId("task-1"))).toBe(leaseOf(second).slot);
    second.release();
    const third = h.allocate({ requestId: slotRequestId("task-1"), profile: BIG });
    second.release();
    first.release();
    expect(third.result.isDone).toBe(false);
    expect(h.pool.inspect().pending.get(slotRequestId("task-1"))).toBeDefined();
    h.check();
  });

  it("a holder that fails its own handle.result withdraws the request; the slot is not lost (regression)", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const handle = h.allocate();
    const cause = new Error("holder gave up");
    handle.result.fail(cause);
    expect(handle.released.result).toEqual({ ok: true, value: cause });
    expect(h.pool.inspect().pending.size).toBe(0);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
    h.offer(tm, h.requested(0));
    expect(h.pool.inspect().available.contains(h.requested(0))).toBe(true);
    h.check();
  });

  it("unknown request ids are ignored", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const handle = h.allocate();
    const before = h.snapshot();
    h.pool.releaseSlot(slotRequestId("nobody"), new Error("x"));
    expect(h.snapshot()).toEqual(before);
    expect(handle.released.isDone).toBe(false);
    h.check();
  });

  it("a payload that re-enters the pool while being released leaves the pool consistent", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const first = h.allocate();
    let retry: ReturnType<Harness["allocate"]> | undefined;
    first.released.onSettled(() => {
      // a task that is restarted at once asks for a slot again, from inside the release
      retry = h.allocate();
    });
    first.release();
    expect(retry).toBeDefined();
    const r = retry as NonNullable<typeof retry>;
    // the slot was not free yet when the retry asked, so the retry went to the resource manager…
    // …and the returned slot then served it (oldest waiting request), withdrawing that request
    expect(leaseOf(r).slot.allocationId).toBe("s1");
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    expect(h.pool.inspect().available.size).toBe(0);
    h.check();
  });

  it("a slot whose TaskManager was released meanwhile is not returned", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const handle = h.allocate();
    handle.released.onSettled(() => {
      h.pool.releaseTaskManager(tm.location.resourceId);
    });
    const waiting = h.allocate();
    handle.release();
    expect(waiting.result.isDone).toBe(false);
    expect(h.snapshot()).toMatchObject({ available: 0, allocated: 0, pending: 1 });
    h.check();
  });
});
