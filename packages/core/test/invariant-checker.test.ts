import { describe, expect, it } from "vitest";
import {
  type AllocatedSlot,
  type AllocatedSlots,
  type AvailableSlots,
  allocationId,
  assertSlotPoolInvariants,
  checkSlotPoolInvariants,
  InvariantViolationError,
  PendingRequest,
  type PendingRequests,
  type ResourceId,
  ResourceProfile,
  slotRequestId,
} from "../src/index.js";
import type { LazyKeyIndex } from "../src/lazy-key-index.js";
import type { SlotDirectory } from "../src/slot-directory.js";
import { Harness, leaseOf } from "./harness.js";

/**
 * A pool with one TaskManager (tm-1), one free slot (free), one held slot (held, by `holder`),
 * one request sent to the resource manager (`sent`) and, after a disconnect, one stashed request.
 */
function populated() {
  // the tests corrupt the pool on purpose: only explicit checks
  const h = new Harness({ autoCheck: "off" });
  const tm = h.taskManager("tm-1");
  h.offer(tm, "held");
  const holder = h.allocate();
  h.offer(tm, "free");
  const sent = h.allocate({ profile: { cpu: 64, memoryMb: 1 } });
  h.pool.disconnectResourceManager();
  const stashed = h.allocate({ profile: { cpu: 64, memoryMb: 1 } });
  const s = h.pool.inspect();
  // the mutable indexes behind the read-only view, to corrupt them on purpose
  const raw = {
    available: s.available as unknown as AvailableSlots,
    allocated: s.allocated as unknown as AllocatedSlots,
    pending: s.pending as unknown as PendingRequests,
    waiting: s.waitingForResourceManager as unknown as PendingRequests,
    registered: s.registeredTaskManagers as Set<ResourceId>,
  };
  expect(checkSlotPoolInvariants(h.pool, { resourceManager: h.rm })).toEqual([]);
  return { h, tm, holder, sent, stashed, raw };
}

function problems(h: Harness): string[] {
  return checkSlotPoolInvariants(h.pool, { resourceManager: h.rm });
}

describe("checkSlotPoolInvariants / assertSlotPoolInvariants", () => {
  it("finds nothing wrong in a consistent pool, and assert does not throw", () => {
    const { h } = populated();
    expect(problems(h)).toEqual([]);
    expect(() => assertSlotPoolInvariants(h.pool, { resourceManager: h.rm })).not.toThrow();
    expect(() => assertSlotPoolInvariants(h.pool)).not.toThrow();
  });

  it("assert throws InvariantViolationError listing every violation", () => {
    const { h, raw } = populated();
    raw.registered.delete("tm-1" as ResourceId);
    try {
      assertSlotPoolInvariants(h.pool);
      expect.unreachable("a corrupted pool passed");
    } catch (error) {
      expect(error).toBeInstanceOf(InvariantViolationError);
      const e = error as InvariantViolationError;
      expect(e.code).toBe("INVARIANT_VIOLATED");
      expect(e.violations).toEqual([
        "(7) free free@tm-1[1] belongs to unregistered TaskManager tm-1",
        "(7) allocated held@tm-1[0] belongs to unregistered TaskManager tm-1",
      ]);
      expect(e.message).toContain("2 invariant violation(s)");
    }
  });

  it("(1) a slot both free and allocated", () => {
    const { h, raw } = populated();
    const free = raw.available.get(allocationId("free"));
    free?.tryAssignPayload({ release: () => {} });
    raw.allocated.add(slotRequestId("intruder"), free!);
    free?.clearPayload();
    expect(problems(h)).toEqual(
      expect.arrayContaining([
        "(1) free@tm-1[1] is both free and allocated",
        "(6) allocated free@tm-1[1] (intruder) has no payload",
      ]),
    );
  });

  it("(2) free-slot views that disagree", () => {
    const { h, raw } = populated();
    // Empties tm-1's chain of free slots (kept in its directory record; it was a per-TaskManager Set).
    const record = (raw.available as unknown as { directory: SlotDirectory }).directory.taskManager(
      "tm-1" as ResourceId,
    );
    if (record === undefined) throw new Error("no record for tm-1");
    record.freeHead = undefined;
    record.freeTail = undefined;
    expect(problems(h)).toEqual(expect.arrayContaining([expect.stringContaining("available: views disagree")]));
  });

  it("(3) allocated views that disagree", () => {
    const { h, raw } = populated();
    // The request-id index hashes lazily now (LazyKeyIndex); this drops req-1 from its hash map.
    const index = (raw.allocated as unknown as { byRequestId: LazyKeyIndex<string, AllocatedSlot> }).byRequestId;
    (index.hashed() as Map<string, AllocatedSlot>).delete("req-1");
    expect(problems(h)).toEqual([expect.stringContaining("allocated: views disagree")]);
  });

  it("(4) a request both sent and stashed, and a stashed request with an allocation id", () => {
    const { h, raw, stashed } = populated();
    const request = raw.waiting.get(stashed.requestId)!;
    request.allocationId = allocationId("forged");
    raw.pending.add(request);
    expect(problems(h)).toEqual(
      expect.arrayContaining([
        `(4) request ${stashed.requestId} is both sent and stashed`,
        `(4) stashed request ${stashed.requestId} has allocation id forged`,
      ]),
    );
  });

  it("(4) a sent request without an allocation id, and a slot holder still queued", () => {
    const { h, raw, holder } = populated();
    raw.pending.add(new PendingRequest(slotRequestId("no-id"), ResourceProfile.UNKNOWN));
    raw.pending.add(new PendingRequest(holder.requestId, ResourceProfile.UNKNOWN));
    expect(problems(h)).toEqual(
      expect.arrayContaining([
        "(4) sent request no-id has no allocation id",
        `(4) request ${holder.requestId} holds held@tm-1[0] and is still queued`,
      ]),
    );
  });

  it("(5) a stash while a resource manager is connected", () => {
    const { h } = populated();
    const s = h.pool.inspect();
    // sneak the connection back without sending the stash
    (h.pool as unknown as { resourceManager: unknown }).resourceManager = h.rm;
    expect(s.waitingForResourceManager.size).toBe(1);
    expect(problems(h)).toEqual(["(5) 1 request(s) stashed while a resource manager is connected"]);
  });

  it("(6) a held slot without payload and a free slot with one", () => {
    const { h, raw, holder } = populated();
    leaseOf(holder).slot.clearPayload();
    raw.available.get(allocationId("free"))?.tryAssignPayload({ release: () => {} });
    expect(problems(h)).toEqual(
      expect.arrayContaining([
        "(6) allocated held@tm-1[0] (req-1) has no payload",
        expect.stringContaining("has a payload (invariant 6)"),
      ]),
    );
    expect(checkSlotPoolInvariants(h.pool, { allowUnoccupiedAllocatedSlots: true })).toEqual([
      expect.stringContaining("has a payload (invariant 6)"),
    ]);
  });

  it("(8) a completed request still queued, and (9) one cancelled at the resource manager that still waits", () => {
    const { h, raw, sent } = populated();
    const done = new PendingRequest(slotRequestId("done"), ResourceProfile.UNKNOWN);
    done.allocationId = allocationId("done-alloc");
    done.result.fail(new Error("completed behind the pool's back"));
    raw.pending.add(done);
    const sentAllocation = h.pool.inspect().pending.get(sent.requestId)?.allocationId;
    h.rm.cancelSlotRequest(sentAllocation!);
    expect(problems(h)).toEqual([
      "pending: request done is completed but still queued",
      `(9) pending request ${sent.requestId} was cancelled at the resource manager but still waits`,
    ]);
  });

  it("(9) cancellations of unknown or already cancelled allocations", () => {
    const { h } = populated();
    h.rm.cancelSlotRequest(allocationId("never-requested"));
    h.rm.cancelSlotRequest(h.requested(0));
    h.rm.cancelSlotRequest(h.requested(0));
    expect(problems(h)).toEqual(
      expect.arrayContaining([
        "(9) cancellation of never-requested, which was never requested",
        `(9) ${h.requested(0)} was cancelled more than once`,
      ]),
    );
    // without the resource manager's record, invariant 9 is not checked
    expect(checkSlotPoolInvariants(h.pool)).toEqual([]);
  });

  it("the test harness checks after every outermost pool call and every advance of time", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const raw = h.pool.inspect().registeredTaskManagers as Set<ResourceId>;
    raw.delete("tm-1" as ResourceId);
    expect(() => h.pool.disconnectResourceManager()).toThrow(InvariantViolationError);
    expect(() => h.advanceBy(1)).toThrow(InvariantViolationError);
    raw.add("tm-1" as ResourceId);
    expect(() => h.pool.disconnectResourceManager()).not.toThrow();
  });

  it("a suspended pool that still holds slots", () => {
    const { h, raw } = populated();
    const free = raw.available.get(allocationId("free"))!;
    h.pool.suspend();
    expect(problems(h)).toEqual([]);
    raw.available.add(free, 0);
    expect(problems(h)).toEqual(["suspended pool still holds slots or sent requests"]);
  });
});
