import { Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  allocationId,
  applyTaskExecutorEvent,
  connectTaskExecutorEvents,
  InMemoryTaskExecutor,
  jobMasterId,
  ResourceProfile,
  resourceId,
  type TaskExecutorEvent,
  TaskManagerLostError,
  taskManagerLocation,
} from "../src/index.js";
import { Harness, leaseOf } from "./harness.js";

const JM = jobMasterId("jm-1");
const location = taskManagerLocation("tm-1", "host-1");
const gateway = new InMemoryTaskExecutor(resourceId("tm-1"));
const profile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });
const offers = [
  { allocationId: allocationId("o1"), slotIndex: 0, profile },
  { allocationId: allocationId("o2"), slotIndex: -1, profile },
];

describe("applyTaskExecutorEvent", () => {
  it("applies registered, offer and lost messages carrying the current fencing token", () => {
    const h = new Harness();
    expect(applyTaskExecutorEvent(h.pool, { type: "registered", jobMasterId: JM, location, gateway })).toEqual({
      status: "applied",
    });
    expect(h.pool.isTaskManagerRegistered(location.resourceId)).toBe(true);
    h.check();
    expect(applyTaskExecutorEvent(h.pool, { type: "offer", jobMasterId: JM, location, gateway, offers })).toEqual({
      status: "applied",
      accepted: [offers[0]],
    });
    const handle = h.allocate();
    expect(leaseOf(handle).slot.allocationId).toBe("o1");
    h.check();
    const cause = new TaskManagerLostError("heartbeat timeout");
    expect(
      applyTaskExecutorEvent(h.pool, { type: "lost", jobMasterId: JM, resourceId: location.resourceId, cause }),
    ).toEqual({ status: "applied" });
    expect(handle.released.result).toEqual({ ok: true, value: cause });
    expect(h.pool.isTaskManagerRegistered(location.resourceId)).toBe(false);
    h.check();
  });

  it("never applies a message with another fencing token, or while the pool is not started", () => {
    const h = new Harness();
    const stale = jobMasterId("jm-0");
    expect(applyTaskExecutorEvent(h.pool, { type: "registered", jobMasterId: stale, location, gateway })).toEqual({
      status: "stale",
      expected: "jm-1",
      received: "jm-0",
    });
    expect(h.pool.isTaskManagerRegistered(location.resourceId)).toBe(false);
    h.pool.registerTaskManager(location.resourceId);
    expect(
      applyTaskExecutorEvent(h.pool, { type: "offer", jobMasterId: stale, location, gateway, offers }),
    ).toMatchObject({ status: "stale" });
    expect(h.pool.inspect().available.size).toBe(0);
    expect(
      applyTaskExecutorEvent(h.pool, {
        type: "lost",
        jobMasterId: stale,
        resourceId: location.resourceId,
        cause: new Error("x"),
      }),
    ).toMatchObject({ status: "stale" });
    expect(h.pool.isTaskManagerRegistered(location.resourceId)).toBe(true);
    h.pool.suspend();
    expect(applyTaskExecutorEvent(h.pool, { type: "registered", jobMasterId: JM, location, gateway })).toEqual({
      status: "stale",
      expected: undefined,
      received: "jm-1",
    });
    h.check();
  });

  it.each([
    ["null", null, "not an object"],
    ["a string", "registered", "not an object"],
    ["registered without location", { type: "registered", jobMasterId: JM, gateway }, "location.resourceId missing"],
    [
      "registered with an empty TaskManager id",
      { type: "registered", jobMasterId: JM, location: { resourceId: "", host: "h" }, gateway },
      "location.resourceId missing",
    ],
    ["offer without location", { type: "offer", jobMasterId: JM, gateway, offers }, "location.resourceId missing"],
    [
      "offer with an empty TaskManager id",
      { type: "offer", jobMasterId: JM, location: { resourceId: "", host: "h" }, gateway, offers },
      "location.resourceId missing",
    ],
    ["offer without offers", { type: "offer", jobMasterId: JM, location, gateway }, "offers is not an array"],
    ["lost without id", { type: "lost", jobMasterId: JM, cause: new Error("x") }, "resourceId missing"],
    [
      "lost with an empty id",
      { type: "lost", jobMasterId: JM, resourceId: "", cause: new Error("x") },
      "resourceId missing",
    ],
    ["an unknown type", { type: "exploded", jobMasterId: JM }, 'unknown message type "exploded"'],
  ])("reports %s as invalid instead of throwing (regression for empty ids)", (_name, event, reason) => {
    const h = new Harness();
    const before = h.snapshot();
    expect(applyTaskExecutorEvent(h.pool, event as unknown as TaskExecutorEvent)).toEqual({
      status: "invalid",
      reason,
    });
    expect(h.snapshot()).toEqual(before);
    h.check();
  });
});

describe("connectTaskExecutorEvents", () => {
  it("feeds a stream into the pool, counting applied, stale and invalid messages, until unsubscribed", () => {
    const h = new Harness();
    const events$ = new Subject<TaskExecutorEvent>();
    const link = connectTaskExecutorEvents(h.pool, events$);
    events$.next({ type: "registered", jobMasterId: JM, location, gateway });
    events$.next({ type: "offer", jobMasterId: jobMasterId("old"), location, gateway, offers });
    events$.next({ type: "registered", jobMasterId: JM, location: { resourceId: "" as never, host: "h" }, gateway });
    events$.next({ type: "offer", jobMasterId: JM, location, gateway, offers });
    expect(link.stats).toEqual({ applied: 2, stale: 1, invalid: 1 });
    expect(h.pool.inspect().available.size).toBe(1);
    expect(link.subscription.closed).toBe(false);
    h.check();
    link.subscription.unsubscribe();
    events$.next({ type: "lost", jobMasterId: JM, resourceId: location.resourceId, cause: new Error("x") });
    expect(h.pool.isTaskManagerRegistered(location.resourceId)).toBe(true);
    expect(link.stats).toEqual({ applied: 2, stale: 1, invalid: 1 });
    h.check();
  });
});
