import { config, Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import {
  type AllocationId,
  allocationId,
  type ResourceId,
  resourceId,
  type TaskExecutorGateway,
} from "../src/index.js";
import { Harness, leaseOf } from "./harness.js";

describe("FLINK-8934: a request served by another slot withdraws its own resource-manager request", () => {
  it("served by a returned slot: its RM request is cancelled exactly once", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const holder = h.allocate();
    const waiting = h.allocate();
    expect(h.rm.outstanding.map((r) => r.allocationId)).toEqual([h.requested(0)]);
    h.check();
    holder.release();
    expect(leaseOf(waiting).slot.allocationId).toBe("s1");
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    expect(h.rm.outstanding).toEqual([]);
    expect(h.eventsOf("resourceManagerRequestCancelled").map((e) => e.allocationId)).toEqual([h.requested(0)]);
    h.check();
    // nothing the request does afterwards cancels it again
    waiting.release();
    h.pool.failAllocation(h.requested(0), new Error("late failure"));
    h.scheduler.flush();
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });

  it("served by an offer with another allocation id: cancelled; its own late slot then becomes free", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const handle = h.allocate();
    h.offer(tm, "surprise");
    expect(leaseOf(handle).slot.allocationId).toBe("surprise");
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
    // the RM had already started the allocation: the slot arrives anyway and is simply free
    expect(h.offer(tm, h.requested(0))).toBe(true);
    expect(h.pool.inspect().available.contains(h.requested(0))).toBe(true);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });

  it("served by its own offer: nothing is cancelled", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const handle = h.allocate();
    h.offer(tm, h.requested(0));
    expect(leaseOf(handle).slot.allocationId).toBe(h.requested(0));
    expect(h.rm.cancelled).toEqual([]);
    h.check();
  });

  it("a stashed request served by a returned slot had nothing to cancel", () => {
    const h = new Harness({ connect: false });
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const holder = h.allocate();
    const stashed = h.allocate();
    holder.release();
    expect(leaseOf(stashed).slot.allocationId).toBe("s1");
    h.pool.connectToResourceManager(h.rm);
    expect(h.rm.requests).toEqual([]);
    expect(h.rm.cancelled).toEqual([]);
    h.check();
  });
});

describe("FLINK-7871: idle free slots are freed back to their TaskExecutor", () => {
  it("calls freeSlot after exactly idleSlotMs and drops the slot", () => {
    const h = new Harness({ timeouts: { idleSlotMs: 1000 } });
    const tm = h.taskManager("tm-1");
    h.advanceTo(200);
    h.offer(tm, "s1");
    h.advanceTo(1199);
    expect(tm.gateway.freed).toEqual([]);
    expect(h.pool.inspect().available.size).toBe(1);
    h.check();
    h.advanceTo(1200);
    expect(tm.gateway.freed).toEqual(["s1"]);
    expect(h.pool.inspect().available.size).toBe(0);
    expect(h.eventsOf("slotFreed")).toEqual([{ type: "slotFreed", atMs: 1200, allocationId: "s1", reason: "IDLE" }]);
    h.check();
    // the freed slot is unknown now: offering it again makes a fresh free slot
    expect(h.offer(tm, "s1", undefined, 0)).toBe(true);
    expect(h.pool.inspect().available.since(allocationId("s1"))).toBe(1200);
    h.check();
  });

  it("frees each slot at its own deadline", () => {
    const h = new Harness({ timeouts: { idleSlotMs: 1000 } });
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s0");
    h.advanceTo(300);
    h.offer(tm, "s300");
    h.offer(tm, "s300b");
    h.advanceTo(700);
    h.offer(tm, "s700");
    const freedAt: string[] = [];
    h.pool.events$.subscribe((e) => {
      if (e.type === "slotFreed") freedAt.push(`${e.allocationId}@${e.atMs}`);
    });
    h.scheduler.flush();
    expect(freedAt).toEqual(["s0@1000", "s300@1300", "s300b@1300", "s700@1700"]);
    expect(tm.gateway.freed).toEqual(["s0", "s300", "s300b", "s700"]);
    h.check();
  });

  it("a slot used before its deadline is not freed; its idle time restarts when it is free again", () => {
    const h = new Harness({ timeouts: { idleSlotMs: 1000 } });
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    h.advanceTo(500);
    const handle = h.allocate();
    expect(leaseOf(handle).slot.allocationId).toBe("s1");
    h.advanceTo(1500);
    expect(tm.gateway.freed).toEqual([]);
    h.check();
    handle.release();
    h.advanceTo(2499);
    expect(tm.gateway.freed).toEqual([]);
    h.advanceTo(2500);
    expect(tm.gateway.freed).toEqual(["s1"]);
    h.check();
  });

  it("a returned slot that serves a waiting request is never freed", () => {
    const h = new Harness({ timeouts: { idleSlotMs: 1000 } });
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const holder = h.allocate();
    const waiting = h.allocate();
    holder.release();
    expect(leaseOf(waiting).slot.allocationId).toBe("s1");
    h.advanceTo(5000);
    expect(tm.gateway.freed).toEqual([]);
    h.check();
  });

  it("FLINK-11059: the slot is dropped even when freeSlot fails, and the other slots are still freed", () => {
    // Inside TestScheduler.run, rxjs reports unhandled errors on virtual time: a failed free that the
    // pool did not handle would show up here instead of escaping the test.
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const unhandled: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => unhandled.push(error);
    try {
      testScheduler.run(() => freeSlotFailures(testScheduler));
    } finally {
      config.onUnhandledError = previous;
    }
    expect(unhandled).toEqual([]);
  });

  function freeSlotFailures(scheduler: TestScheduler): void {
    const h = new Harness({ scheduler, timeouts: { idleSlotMs: 1000 } });
    const failing = h.taskManager("tm-failing", "host-1", { failFree: true });
    const calls: string[] = [];
    const throwing: TaskExecutorGateway = {
      resourceId: resourceId("tm-throwing"),
      freeSlot: (id: AllocationId) => {
        calls.push(id);
        throw new Error("connection refused");
      },
    };
    const erroring: TaskExecutorGateway = {
      resourceId: resourceId("tm-erroring"),
      freeSlot: (id: AllocationId) =>
        new Observable((sub) => {
          calls.push(id);
          sub.error(new Error("rpc failed"));
        }),
    };
    h.offer(failing, "f1");
    for (const [gw, id] of [
      [throwing, "t1"],
      [erroring, "e1"],
    ] as const) {
      h.pool.registerTaskManager(gw.resourceId as ResourceId);
      expect(
        h.pool.offerSlot({ resourceId: gw.resourceId, host: "host-1" }, gw, {
          allocationId: allocationId(id),
          slotIndex: 0,
          profile: h.pool.inspect().available.get(allocationId("f1"))!.profile,
        }),
      ).toBe(true);
    }
    const ok = h.taskManager("tm-ok");
    h.offer(ok, "ok1");
    h.advanceTo(1000);
    expect(failing.gateway.freed).toEqual(["f1"]);
    expect(calls).toEqual(["t1", "e1"]);
    expect(ok.gateway.freed).toEqual(["ok1"]);
    expect(h.pool.inspect().available.size).toBe(0);
    expect(h.eventsOf("slotFreed").map((e) => e.allocationId)).toEqual(["f1", "t1", "e1", "ok1"]);
    h.check();
    h.advanceTo(2000);
  }

  it("Infinity disables idle release", () => {
    const h = new Harness({ timeouts: { idleSlotMs: Number.POSITIVE_INFINITY } });
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    h.scheduler.flush();
    expect(h.now()).toBe(0);
    expect(tm.gateway.freed).toEqual([]);
    expect(h.pool.inspect().available.size).toBe(1);
  });
});
