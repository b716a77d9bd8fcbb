import { describe, expect, it } from "vitest";
import {
  AllocatedSlot,
  allocationId,
  assertSlotPoolInvariants,
  IllegalStateError,
  Locality,
  ResourceProfile,
  SlotPool,
  type SlotSelectionStrategy,
  slotRequestId,
} from "../src/index.js";
import { errorOf, Harness, leaseOf, SLOT } from "./harness.js";

const SMALL = ResourceProfile.of({ cpu: 0.5, memoryMb: 256 });
const BIG = ResourceProfile.of({ cpu: 4, memoryMb: 8192 });

/** Two hosts: tm-a1 and tm-a2 on host-a, tm-b1 on host-b; one free slot each unless told otherwise. */
function cluster(h: Harness) {
  const a1 = h.taskManager("tm-a1", "host-a");
  const a2 = h.taskManager("tm-a2", "host-a");
  const b1 = h.taskManager("tm-b1", "host-b");
  return { a1, a2, b1 };
}

describe("SlotPool.allocateSlot: immediate allocation and locality (§2.5 A, §2.11)", () => {
  it("LOCAL: a free slot on a preferred TaskManager", () => {
    const h = new Harness();
    const { a1, a2, b1 } = cluster(h);
    h.offer(a1, "s-a1");
    h.offer(a2, "s-a2");
    h.offer(b1, "s-b1");
    h.check();
    const handle = h.allocate({ preferredLocations: [a2.location] });
    const lease = leaseOf(handle);
    expect(lease.locality).toBe(Locality.LOCAL);
    expect(lease.slot.allocationId).toBe("s-a2");
    expect(lease.requestId).toBe(handle.requestId);
    expect(h.pool.inspect().allocated.getByRequestId(handle.requestId)).toBe(lease.slot);
    expect(lease.slot.isUsed).toBe(true);
    expect(h.rm.requests).toEqual([]);
    h.check();
  });

  it("HOST_LOCAL: no slot on the preferred TaskManager, one on its host", () => {
    const h = new Harness();
    const { a1, a2, b1 } = cluster(h);
    h.offer(b1, "s-b1");
    h.offer(a2, "s-a2");
    const lease = leaseOf(h.allocate({ preferredLocations: [a1.location] }));
    expect(lease.locality).toBe(Locality.HOST_LOCAL);
    expect(lease.slot.allocationId).toBe("s-a2");
    h.check();
  });

  it("NON_LOCAL: preferences exist but neither TaskManager nor host has a slot; the oldest slot is taken", () => {
    const h = new Harness();
    const { a1, b1 } = cluster(h);
    const c1 = h.taskManager("tm-c1", "host-c");
    h.offer(b1, "s-b1");
    h.offer(c1, "s-c1");
    const lease = leaseOf(h.allocate({ preferredLocations: [a1.location] }));
    expect(lease.locality).toBe(Locality.NON_LOCAL);
    expect(lease.slot.allocationId).toBe("s-b1");
    h.check();
  });

  it("UNCONSTRAINED: no preferences; the oldest matching slot is taken", () => {
    const h = new Harness();
    const { a1, b1 } = cluster(h);
    h.offer(b1, "s-b1");
    h.offer(a1, "s-a1");
    const first = leaseOf(h.allocate());
    const second = leaseOf(h.allocate({ preferredLocations: [] }));
    expect([first.locality, second.locality]).toEqual([Locality.UNCONSTRAINED, Locality.UNCONSTRAINED]);
    expect([first.slot.allocationId, second.slot.allocationId]).toEqual(["s-b1", "s-a1"]);
    h.check();
  });

  it("UNKNOWN: a queued request served later by an offer", () => {
    const h = new Harness();
    const { a1 } = cluster(h);
    const handle = h.allocate({ preferredLocations: [a1.location] });
    expect(handle.result.isDone).toBe(false);
    h.check();
    h.offer(a1, h.requested(0));
    expect(leaseOf(handle).locality).toBe(Locality.UNKNOWN);
    h.check();
  });

  it("checks every preferred TaskManager (in order) before any preferred host", () => {
    const h = new Harness();
    const { a1, a2, b1 } = cluster(h);
    h.offer(a2, "s-a2"); // on host-a, the host of the first preference
    h.offer(b1, "s-b1"); // the second preference itself
    const lease = leaseOf(h.allocate({ preferredLocations: [a1.location, b1.location] }));
    expect(lease.locality).toBe(Locality.LOCAL);
    expect(lease.slot.allocationId).toBe("s-b1");
    // with both TaskManagers preferred, the first preference wins
    h.offer(b1, "s-b1-2");
    h.offer(a1, "s-a1");
    expect(leaseOf(h.allocate({ preferredLocations: [a1.location, b1.location] })).slot.allocationId).toBe("s-a1");
    h.check();
  });

  it("takes the oldest matching slot on a preferred TaskManager", () => {
    const h = new Harness();
    const { a1 } = cluster(h);
    h.offer(a1, "small", SMALL);
    h.offer(a1, "big-1", BIG);
    h.offer(a1, "big-2", BIG);
    expect(leaseOf(h.allocate({ profile: BIG, preferredLocations: [a1.location] })).slot.allocationId).toBe("big-1");
    expect(leaseOf(h.allocate({ profile: SLOT, preferredLocations: [a1.location] })).slot.allocationId).toBe("big-2");
    expect(leaseOf(h.allocate({ preferredLocations: [a1.location] })).slot.allocationId).toBe("small");
    h.check();
  });

  it("a preferred TaskManager whose slots are too small is skipped for a matching slot elsewhere", () => {
    const h = new Harness();
    const { a1, a2, b1 } = cluster(h);
    h.offer(a1, "a1-small", SMALL);
    h.offer(b1, "b1-big", BIG);
    h.offer(a2, "a2-big", BIG);
    const lease = leaseOf(h.allocate({ profile: { cpu: 2, memoryMb: 2048 }, preferredLocations: [a1.location] }));
    expect(lease.locality).toBe(Locality.HOST_LOCAL);
    expect(lease.slot.allocationId).toBe("a2-big");
    expect(lease.slot.profile.isMatching(ResourceProfile.of({ cpu: 2, memoryMb: 2048 }))).toBe(true);
    h.check();
  });

  it("profile matching: an UNKNOWN-profile slot only serves UNKNOWN requests; extended resources are required", () => {
    const h = new Harness();
    const { a1 } = cluster(h);
    h.offer(a1, "unknown-slot", ResourceProfile.UNKNOWN);
    h.offer(a1, "plain", BIG);
    const gpu = h.allocate({ profile: { cpu: 1, memoryMb: 1, extended: { gpu: 1 } }, queued: false });
    expect(errorOf(gpu).code).toBe("NO_RESOURCE_AVAILABLE");
    const real = leaseOf(h.allocate({ profile: SMALL }));
    expect(real.slot.allocationId).toBe("plain");
    const unknown = leaseOf(h.allocate());
    expect(unknown.slot.allocationId).toBe("unknown-slot");
    h.check();
  });

  it("non-queued request without a matching slot fails NO_RESOURCE_AVAILABLE and changes nothing", () => {
    const h = new Harness();
    const { a1 } = cluster(h);
    h.offer(a1, "small", SMALL);
    const before = h.snapshot();
    const handle = h.allocate({ requestId: slotRequestId("r-1"), profile: BIG, queued: false });
    const error = errorOf(handle);
    expect(error.code).toBe("NO_RESOURCE_AVAILABLE");
    expect(error.message).toBe("Could not allocate a simple slot for r-1.");
    expect(handle.released.result).toEqual({ ok: true, value: error });
    expect(h.snapshot()).toEqual(before);
    expect(h.rm.requests).toEqual([]);
    h.check();
  });

  it("non-queued request with a matching slot is served at once", () => {
    const h = new Harness();
    const { a1 } = cluster(h);
    h.offer(a1, "s1");
    expect(leaseOf(h.allocate({ queued: false })).slot.allocationId).toBe("s1");
    h.check();
  });

  it("queued request without a slot asks the resource manager with the request's profile", () => {
    const h = new Harness();
    const { a1 } = cluster(h);
    h.offer(a1, "small", SMALL);
    const handle = h.allocate({ profile: BIG, preferredLocations: [a1.location] });
    expect(handle.result.isDone).toBe(false);
    expect(h.rm.requests).toEqual([{ jobMasterId: "jm-1", jobId: "test-job", allocationId: "alloc-1", profile: BIG }]);
    const pending = h.pool.inspect().pending.get(handle.requestId);
    expect(pending?.allocationId).toBe("alloc-1");
    expect(pending?.profile).toBe(BIG);
    expect(h.pool.inspect().available.size).toBe(1);
    h.check();
  });

  it("queued request with no resource manager is stashed", () => {
    const h = new Harness({ connect: false });
    const handle = h.allocate();
    expect(h.pool.inspect().waitingForResourceManager.get(handle.requestId)?.allocationId).toBeUndefined();
    expect(h.eventsOf("requestStashed").map((e) => e.requestId)).toEqual([handle.requestId]);
    expect(h.rm.requests).toEqual([]);
    h.check();
  });

  it("uses the caller's request id, or a fresh one from the pool", () => {
    const h = new Harness();
    expect(h.allocate({ requestId: slotRequestId("mine") }).requestId).toBe("mine");
    expect(h.allocate().requestId).toBe("req-1");
    expect(h.pool.nextSlotRequestId()).toBe("req-2");
    h.check();
  });

  it("a generated request id skips ids callers chose themselves (regression)", () => {
    const h = new Harness();
    const mine = h.allocate({ requestId: slotRequestId("req-1") });
    const generated = h.allocate();
    expect(generated.requestId).toBe("req-2");
    expect(generated.result.isDone).toBe(false);
    expect(mine.result.isDone).toBe(false);
    h.pool.requestNewAllocatedSlot(slotRequestId("req-3"), SLOT);
    expect(h.pool.nextSlotRequestId()).toBe("req-4");
    expect(h.snapshot().pending).toBe(3);
    h.check();
  });

  it("emits slotAllocated with the locality", () => {
    const h = new Harness();
    const { a1 } = cluster(h);
    h.offer(a1, "s1");
    const handle = h.allocate({ preferredLocations: [a1.location] });
    expect(h.eventsOf("slotAllocated")).toEqual([
      {
        type: "slotAllocated",
        atMs: 0,
        requestId: handle.requestId,
        allocationId: "s1",
        resourceId: "tm-a1",
        locality: Locality.LOCAL,
      },
    ]);
  });

  it("handle.release gives the slot back; released completes with the cause", () => {
    const h = new Harness();
    const { a1 } = cluster(h);
    h.offer(a1, "s1");
    const handle = h.allocate();
    const slot = leaseOf(handle).slot;
    expect(handle.released.isDone).toBe(false);
    const cause = new Error("task finished");
    handle.release(cause);
    expect(handle.released.result).toEqual({ ok: true, value: cause });
    expect(slot.isUsed).toBe(false);
    expect(h.pool.inspect().available.get(slot.allocationId)).toBe(slot);
    h.check();
    handle.release(); // idempotent
    expect(h.pool.inspect().available.size).toBe(1);
    h.check();
  });
});

describe("SlotPool.allocateSlot: bad arguments and states", () => {
  it.each([
    ["a malformed profile", { profile: { cpu: -1, memoryMb: 1 } }, "profile.cpu"],
    ["a NaN timeout", { timeoutMs: Number.NaN }, "timeoutMs"],
    ["a negative timeout", { timeoutMs: -1 }, "timeoutMs"],
    ["preferences that are not an array", { preferredLocations: "tm-1" }, "preferredLocations"],
    ["a malformed preference", { preferredLocations: [{ resourceId: "tm-1" }] }, "preferredLocations[0]"],
  ])("%s fails INVALID_ARGUMENT with the path and changes nothing", (_name, request, path) => {
    const h = new Harness();
    const before = h.snapshot();
    const handle = h.allocate(request as never);
    const error = errorOf(handle) as Error & { code?: string; path?: string };
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.path).toBe(path);
    expect(handle.released.isDone).toBe(true);
    expect(h.snapshot()).toEqual(before);
    expect(h.rm.requests).toEqual([]);
    h.check();
  });

  it("a request id in use fails INVALID_ARGUMENT and leaves the first request alone", () => {
    const h = new Harness();
    const first = h.allocate({ requestId: slotRequestId("dup") });
    const second = h.allocate({ requestId: slotRequestId("dup") });
    expect(errorOf(second).code).toBe("INVALID_ARGUMENT");
    second.release();
    expect(first.result.isDone).toBe(false);
    expect(h.pool.inspect().pending.get(slotRequestId("dup"))).toBeDefined();
    expect(h.rm.requests).toHaveLength(1);
    h.check();
  });

  it("a pool that is not started fails POOL_NOT_STARTED; released completes too (regression)", () => {
    const h = new Harness({ start: false });
    const handle = h.allocate();
    const error = errorOf(handle);
    expect(error.code).toBe("POOL_NOT_STARTED");
    expect(handle.released.result).toEqual({ ok: true, value: error });
    expect(h.snapshot()).toEqual({ available: 0, allocated: 0, pending: 0, waiting: 0, tms: 0 });
    h.check();
  });
});

describe("SlotPool as PhysicalSlotProvider", () => {
  it("allocateAvailableSlot registers the chosen slot without a payload, or returns undefined", () => {
    const h = new Harness({ autoCheck: "unoccupied" });
    const { a1 } = cluster(h);
    expect(h.pool.allocateAvailableSlot(slotRequestId("p1"), SLOT, [])).toBeUndefined();
    h.offer(a1, "s1");
    const selection = h.pool.allocateAvailableSlot(slotRequestId("p1"), SLOT, [a1.location]);
    expect(selection?.locality).toBe(Locality.LOCAL);
    expect(selection?.slot.isUsed).toBe(false);
    expect(h.pool.inspect().allocated.getByRequestId(slotRequestId("p1"))).toBe(selection?.slot);
    h.pool.releaseSlot(slotRequestId("p1"), new Error("done"));
    expect(h.pool.inspect().available.size).toBe(1);
    h.check();
  });

  it("requestNewAllocatedSlot completes with the slot registered under the request id", () => {
    const h = new Harness({ autoCheck: "unoccupied" });
    const { a1 } = cluster(h);
    const future = h.pool.requestNewAllocatedSlot(slotRequestId("p1"), SLOT);
    expect(future.isDone).toBe(false);
    h.offer(a1, h.requested(0));
    const outcome = future.result;
    expect(outcome?.ok).toBe(true);
    const slot = outcome?.ok ? outcome.value : undefined;
    expect(slot?.allocationId).toBe(h.requested(0));
    expect(h.pool.inspect().allocated.getByRequestId(slotRequestId("p1"))).toBe(slot);
    // the caller assigns the payload itself: only invariant 6 ("allocated slots have a payload") is open
    expect(() => h.check()).toThrow(/\(6\) allocated .* has no payload/);
    assertSlotPoolInvariants(h.pool, { resourceManager: h.rm, allowUnoccupiedAllocatedSlots: true });
  });

  it("requestNewAllocatedSlot rejects a pool that is not started, an id in use and a bad timeout", () => {
    const stopped = new SlotPool();
    expect(stopped.requestNewAllocatedSlot(slotRequestId("x"), SLOT).result).toMatchObject({
      ok: false,
      error: { code: "POOL_NOT_STARTED" },
    });
    const h = new Harness();
    h.pool.requestNewAllocatedSlot(slotRequestId("x"), SLOT);
    expect(h.pool.requestNewAllocatedSlot(slotRequestId("x"), SLOT).result).toMatchObject({
      ok: false,
      error: { code: "INVALID_ARGUMENT", path: "requestId" },
    });
    for (const timeoutMs of [-5, Number.NaN]) {
      expect(h.pool.requestNewAllocatedSlot(slotRequestId("y"), SLOT, { timeoutMs }).result).toMatchObject({
        ok: false,
        error: { code: "INVALID_ARGUMENT", path: "timeoutMs" },
      });
    }
    expect(h.pool.inspect().pending.size).toBe(1);
    expect(h.rm.requests).toHaveLength(1);
    h.check();
  });

  it("a request the caller settles itself leaves the pool's queue; no slot is lost to it (regression)", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const future = h.pool.requestNewAllocatedSlot(slotRequestId("p1"), SLOT);
    const cause = new Error("the caller gave up");
    future.fail(cause);
    expect(h.pool.inspect().pending.size).toBe(0);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    assertSlotPoolInvariants(h.pool, { resourceManager: h.rm, allowUnoccupiedAllocatedSlots: true });
    h.offer(tm, "s1");
    expect(h.pool.inspect().available.contains(allocationId("s1"))).toBe(true);
    expect(h.pool.inspect().allocated.size).toBe(0);
    h.check();
  });

  it("a strategy that returns a slot that is not a matching free slot is an IllegalStateError; the slot stays free", () => {
    let chosen: AllocatedSlot | undefined;
    const liar: SlotSelectionStrategy = {
      name: "liar",
      select: () => (chosen === undefined ? undefined : { slot: chosen, locality: Locality.LOCAL }),
    };
    const h = new Harness({ slotSelectionStrategy: liar });
    const tm = h.taskManager("tm-x");
    h.offer(tm, "small", SMALL);
    chosen = h.pool.inspect().available.get(allocationId("small"));
    expect(() => h.pool.allocateAvailableSlot(slotRequestId("p"), BIG, [])).toThrow(IllegalStateError);
    expect(h.pool.inspect().available.get(allocationId("small"))).toBe(chosen);
    expect(h.pool.inspect().allocated.size).toBe(0);
    h.check();
    // a slot that is not free at all
    chosen = new AllocatedSlot(allocationId("ghost"), tm.location, 9, BIG, tm.gateway);
    expect(() => h.pool.allocateAvailableSlot(slotRequestId("p"), BIG, [])).toThrow(/not a matching free slot/);
    expect(h.snapshot()).toMatchObject({ available: 1, allocated: 0 });
    h.check();
  });
});
