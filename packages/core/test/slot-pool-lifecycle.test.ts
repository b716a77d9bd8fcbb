import { describe, expect, it } from "vitest";
import {
  allocationId,
  assertSlotPoolInvariants,
  DEFAULT_TIMEOUTS,
  IllegalStateError,
  InvalidArgumentError,
  jobMasterId,
  PoolNotStartedError,
  PoolSuspendedError,
  ResourceProfile,
  SlotPool,
} from "../src/index.js";
import { errorOf, Harness, leaseOf } from "./harness.js";

describe("SlotPool construction", () => {
  it("uses Flink's default timeouts, and overrides", () => {
    expect(DEFAULT_TIMEOUTS).toEqual({
      slotRequestMs: 300_000,
      resourceManagerRequestMs: 10_000,
      resourceManagerAllocationMs: 600_000,
      idleSlotMs: 50_000,
    });
    const pool = new SlotPool({ timeouts: { idleSlotMs: Number.POSITIVE_INFINITY, slotRequestMs: 0 } });
    expect(pool.timeouts).toEqual({ ...DEFAULT_TIMEOUTS, idleSlotMs: Number.POSITIVE_INFINITY, slotRequestMs: 0 });
    expect(Object.isFrozen(pool.timeouts)).toBe(true);
    expect(pool.jobId).toBe("job");
    expect(pool.slotSelectionStrategy.name).toBe("locality-first");
  });

  it.each([
    ["slotRequestMs", -1],
    ["resourceManagerRequestMs", Number.NaN],
    ["resourceManagerAllocationMs", "10"],
    ["idleSlotMs", -0.5],
  ])("rejects timeouts.%s = %s with the path", (key, value) => {
    try {
      new SlotPool({ timeouts: { [key]: value } as never });
      expect.unreachable("the bad timeout was accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).path).toBe(`timeouts.${key}`);
    }
  });
});

describe("SlotPool.start / suspend (§2.3)", () => {
  it("start sets the fencing token; a second start is an error; an empty token is rejected", () => {
    const h = new Harness({ start: false });
    expect(h.pool.isStarted).toBe(false);
    expect(h.pool.jobMasterId).toBeUndefined();
    expect(() => h.pool.start("" as never)).toThrow(InvalidArgumentError);
    h.pool.start(jobMasterId("jm-1"));
    expect(h.pool.isStarted).toBe(true);
    expect(h.pool.jobMasterId).toBe("jm-1");
    expect(() => h.pool.start(jobMasterId("jm-2"))).toThrow(IllegalStateError);
    expect(h.pool.jobMasterId).toBe("jm-1");
    expect(h.eventsOf("started")).toEqual([{ type: "started", atMs: 0, jobMasterId: "jm-1" }]);
    h.check();
  });

  it("suspend (documented deviation): sent requests fail POOL_SUSPENDED, payloads are told, the stash is kept", () => {
    const h = new Harness({ timeouts: { resourceManagerRequestMs: 1000 } });
    const tm = h.taskManager("tm-1");
    h.offer(tm, "free");
    h.offer(tm, "held");
    const holder = h.allocate();
    const holder2 = h.allocate();
    expect(leaseOf(holder2).slot.allocationId).toBe("held");
    const sent = h.allocate();
    h.pool.disconnectResourceManager();
    const stashed = h.allocate();
    h.check();

    h.pool.suspend();
    expect(h.pool.isStarted).toBe(false);
    expect(h.pool.jobMasterId).toBeUndefined();
    expect(h.pool.isResourceManagerConnected).toBe(false);
    const sentError = errorOf(sent);
    expect(sentError).toBeInstanceOf(PoolSuspendedError);
    expect(sentError.code).toBe("POOL_SUSPENDED");
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    for (const handle of [holder, holder2]) {
      const told = handle.released.result;
      expect(told?.ok && (told.value as PoolSuspendedError).code).toBe("POOL_SUSPENDED");
    }
    expect(stashed.result.isDone).toBe(false);
    expect(h.snapshot()).toEqual({ available: 0, allocated: 0, pending: 0, waiting: 1, tms: 1 });
    expect(h.pool.isTaskManagerRegistered(tm.location.resourceId)).toBe(true);
    expect(h.eventsOf("suspended")).toEqual([{ type: "suspended", atMs: 0 }]);
    h.check();

    // a second suspend changes nothing
    h.pool.suspend();
    expect(h.eventsOf("suspended")).toHaveLength(1);
    h.check();
  });

  it("after suspend: offers are rejected and the stash still times out", () => {
    const h = new Harness({ timeouts: { resourceManagerRequestMs: 1000 } });
    const tm = h.taskManager("tm-1");
    h.pool.disconnectResourceManager();
    const stashed = h.allocate();
    h.pool.suspend();
    expect(h.offer(tm, "s1")).toBe(false);
    expect(h.eventsOf("offerRejected").map((e) => e.reason)).toEqual(["POOL_NOT_STARTED"]);
    expect(() => h.pool.connectToResourceManager(h.rm)).toThrow(PoolNotStartedError);
    h.advanceTo(999);
    expect(stashed.result.isDone).toBe(false);
    h.advanceTo(1000);
    expect(errorOf(stashed).code).toBe("NO_RESOURCE_AVAILABLE");
    h.check();
  });

  it("a new leadership term sends the kept stash with its own token, and re-offered slots are accepted", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    h.allocate();
    h.pool.disconnectResourceManager();
    const stashed = h.allocate();
    h.pool.suspend();
    h.check();

    h.pool.start(jobMasterId("jm-2"));
    h.pool.connectToResourceManager(h.rm);
    expect(h.rm.requests.map((r) => r.jobMasterId)).toEqual(["jm-2"]);
    h.check();
    expect(h.offer(tm, "s1", undefined, 0)).toBe(true);
    expect(leaseOf(stashed).slot.allocationId).toBe("s1");
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });

  it("a new pool after a fail-over never reuses an allocation id of a re-offered slot (regression)", () => {
    // the previous leader's pool made alloc-1 and alloc-2; the TaskExecutor re-offers them to the new one
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const small = ResourceProfile.of({ cpu: 0.5, memoryMb: 1 });
    const big = ResourceProfile.of({ cpu: 8, memoryMb: 8 });
    expect(h.offer(tm, "alloc-1", small, 0)).toBe(true);
    expect(h.offer(tm, "alloc-2", small, 1)).toBe(true);
    const handle = h.allocate({ profile: big });
    expect(h.requested(0)).toBe("alloc-3");
    h.check();
    expect(h.offer(tm, h.requested(0), big, 2)).toBe(true);
    expect(leaseOf(handle).slot.allocationId).toBe("alloc-3");
    expect(h.snapshot()).toMatchObject({ available: 2, allocated: 1, pending: 0 });
    h.check();
  });

  it("suspend cancels the idle-slot timer: no slot is freed on the TaskExecutor afterwards", () => {
    const h = new Harness({ timeouts: { idleSlotMs: 1000 } });
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    h.pool.suspend();
    h.scheduler.flush();
    expect(tm.gateway.freed).toEqual([]);
    h.check();
  });

  it("suspend on a pool that never started is a no-op", () => {
    const h = new Harness({ start: false });
    h.pool.suspend();
    expect(h.events).toEqual([]);
  });
});

describe("SlotPool.connectToResourceManager / disconnectResourceManager (§2.4)", () => {
  it("connect sends every stashed request, oldest first, and empties the stash", () => {
    const h = new Harness({ connect: false });
    const handles = [
      h.allocate({ profile: { cpu: 1, memoryMb: 1 } }),
      h.allocate({ profile: { cpu: 2, memoryMb: 2 } }),
      h.allocate({ profile: { cpu: 3, memoryMb: 3 } }),
    ];
    expect(h.pool.inspect().waitingForResourceManager.size).toBe(3);
    h.check();
    h.pool.connectToResourceManager(h.rm);
    expect(h.pool.isResourceManagerConnected).toBe(true);
    expect(h.rm.requests.map((r) => r.profile.cpu)).toEqual([1, 2, 3]);
    expect(new Set(h.rm.requests.map((r) => r.allocationId)).size).toBe(3);
    expect(h.pool.inspect().waitingForResourceManager.size).toBe(0);
    expect(handles.map((x) => h.pool.inspect().pending.get(x.requestId)?.allocationId)).toEqual(
      h.rm.requests.map((r) => r.allocationId),
    );
    expect(h.eventsOf("requestSent").map((e) => e.requestId)).toEqual(handles.map((x) => x.requestId));
    expect(h.eventsOf("resourceManagerConnected")).toHaveLength(1);
    h.check();
  });

  it("connect before start is an error", () => {
    const h = new Harness({ start: false });
    expect(() => h.pool.connectToResourceManager(h.rm)).toThrow(PoolNotStartedError);
    expect(h.pool.isResourceManagerConnected).toBe(false);
  });

  it("disconnect keeps sent requests pending (an offer still serves them); new requests are stashed", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const sent = h.allocate();
    h.pool.disconnectResourceManager();
    expect(h.pool.isResourceManagerConnected).toBe(false);
    expect(h.eventsOf("resourceManagerDisconnected")).toHaveLength(1);
    h.pool.disconnectResourceManager();
    expect(h.eventsOf("resourceManagerDisconnected")).toHaveLength(1);
    const stashed = h.allocate();
    expect(h.snapshot()).toMatchObject({ pending: 1, waiting: 1 });
    expect(h.rm.requests).toHaveLength(1);
    h.check();
    h.offer(tm, h.requested(0));
    expect(leaseOf(sent).slot.allocationId).toBe(h.requested(0));
    expect(stashed.result.isDone).toBe(false);
    h.check();
    h.pool.connectToResourceManager(h.rm);
    expect(h.rm.requests).toHaveLength(2);
    h.offer(tm, h.requested(1));
    expect(leaseOf(stashed).slot.allocationId).toBe(h.requested(1));
    expect(h.rm.cancelled).toEqual([]);
    h.check();
  });

  it("a request that fails synchronously while the stash is sent does not stop the others", () => {
    // the failed request never reached the recording RM, so its cancellation is "unknown" there (as in Flink)
    const h = new Harness({ connect: false, autoCheck: "off" });
    const a = h.allocate();
    const b = h.allocate();
    let calls = 0;
    const flaky = {
      requestSlot: (request: Parameters<typeof h.rm.requestSlot>[0]) => {
        if (++calls === 1) throw new Error("rm hiccup");
        return h.rm.requestSlot(request);
      },
      cancelSlotRequest: (id: Parameters<typeof h.rm.cancelSlotRequest>[0]) => h.rm.cancelSlotRequest(id),
    };
    h.pool.connectToResourceManager(flaky);
    const error = errorOf(a);
    expect(error.code).toBe("NO_RESOURCE_AVAILABLE");
    expect((error.cause as Error).message).toBe("rm hiccup");
    expect(b.result.isDone).toBe(false);
    expect(h.pool.inspect().pending.get(b.requestId)?.allocationId).toBe(h.requested(0));
    // the failed request was never received, but it is withdrawn all the same
    expect(h.rm.cancelled).toEqual([allocationId("alloc-1")]);
    assertSlotPoolInvariants(h.pool);
  });
});

describe("SlotPool events$", () => {
  it("reports a whole flow, in order, with virtual times", () => {
    const h = new Harness({ start: false, timeouts: { idleSlotMs: 100 } });
    h.pool.start(jobMasterId("jm-1"));
    h.pool.connectToResourceManager(h.rm);
    const tm = h.taskManager("tm-1");
    const handle = h.allocate();
    h.advanceTo(10);
    h.offer(tm, h.requested(0));
    h.advanceTo(20);
    handle.release();
    h.advanceTo(200);
    expect(h.events.map((e) => [e.type, e.atMs])).toEqual([
      ["started", 0],
      ["resourceManagerConnected", 0],
      ["taskManagerRegistered", 0],
      ["requestSent", 0],
      ["slotOffered", 10],
      ["slotAllocated", 10],
      ["slotReleased", 20],
      ["slotAvailable", 20],
      ["slotFreed", 120],
    ]);
    expect(h.eventsOf("slotFreed")).toEqual([
      { type: "slotFreed", atMs: 120, allocationId: h.requested(0), reason: "IDLE" },
    ]);
    h.check();
  });

  it("is hot: a late subscriber sees only later events", () => {
    const h = new Harness();
    const late: string[] = [];
    h.allocate();
    h.pool.events$.subscribe((e) => late.push(e.type));
    h.pool.disconnectResourceManager();
    expect(late).toEqual(["resourceManagerDisconnected"]);
  });

  it("reports failed requests", () => {
    const h = new Harness();
    const handle = h.allocate();
    handle.release();
    expect(h.eventsOf("requestFailed")).toEqual([
      { type: "requestFailed", atMs: 0, requestId: handle.requestId, error: errorOf(handle) },
    ]);
    expect(h.eventsOf("resourceManagerRequestCancelled")).toEqual([
      { type: "resourceManagerRequestCancelled", atMs: 0, allocationId: h.requested(0) },
    ]);
  });
});
