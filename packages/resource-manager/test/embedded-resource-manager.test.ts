import {
  allocationId,
  isSlotPoolError,
  jobMasterId,
  Locality,
  ResourceProfile,
  type SlotLease,
  type SlotRequestHandle,
  taskManagerLocation,
} from "@slotpool/core";
import { describe, expect, it } from "vitest";
import { packSlots, type TaskExecutorConnection } from "../src/index.js";
import { advance, advanceTo, embeddedCluster } from "./support.js";

function leaseOf(handle: SlotRequestHandle): SlotLease {
  const outcome = handle.result.result;
  if (outcome === undefined || !outcome.ok) throw new Error(`request not served: ${JSON.stringify(outcome)}`);
  return outcome.value;
}

function errorOf(handle: SlotRequestHandle): Error {
  const outcome = handle.result.result;
  if (outcome === undefined || outcome.ok) throw new Error("request did not fail");
  return outcome.error;
}

describe("embedded resource manager: requests and offers", () => {
  it("serves a request on demand: request → resource manager → TaskExecutor → offer → allocation", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", host: "host-a", slots: 2 }] });
    advance(c.scheduler, 10);
    c.check();
    expect(c.pool.isResourceManagerConnected).toBe(true);
    const handle = c.pool.allocateSlot({});
    advance(c.scheduler, 2);
    expect(handle.result.isDone).toBe(false);
    c.check();
    advance(c.scheduler, 1); // three hops of 1 ms: pool → RM → TaskExecutor → pool
    const lease = leaseOf(handle);
    expect(lease.locality).toBe(Locality.UNKNOWN);
    expect(lease.slot.location).toEqual(taskManagerLocation("tm-1", "host-a"));
    expect(lease.slot.allocationId).toBe(allocationId("alloc-1"));
    c.check();
    advance(c.scheduler, 1); // the offer answer reaches the TaskExecutor
    expect(c.rm.slotOf(lease.slot.allocationId)).toMatchObject({ resourceId: "tm-1", index: 0, state: "active" });
    const rmView = c.rm.inspect().resourceManager.taskExecutors[0];
    expect(rmView?.slots.map((s) => [s.allocationId, s.confirmed])).toEqual([
      ["alloc-1", true],
      [undefined, false],
    ]);
    expect(c.link.stats).toMatchObject({ applied: 2, stale: 0, invalid: 0, resourceManagerConnections: 1 });
    c.check();
  });

  it("spreads consecutive reservations over TaskExecutors by default, and packs them with packSlots", () => {
    const placements = (pack: boolean): string[] => {
      const c = embeddedCluster({
        taskExecutors: [
          { id: "tm-1", slots: 2 },
          { id: "tm-2", slots: 2 },
        ],
        ...(pack ? { slotChoice: packSlots } : {}),
      });
      advance(c.scheduler, 10);
      const handles = [c.pool.allocateSlot({}), c.pool.allocateSlot({}), c.pool.allocateSlot({})];
      advance(c.scheduler, 10);
      c.check();
      return handles.map((h) => `${leaseOf(h).slot.location.resourceId}[${leaseOf(h).slot.slotIndex}]`);
    };
    expect(placements(false)).toEqual(["tm-1[0]", "tm-2[0]", "tm-1[1]"]);
    expect(placements(true)).toEqual(["tm-1[0]", "tm-1[1]", "tm-2[0]"]);
  });

  it("takes a slot back when the pool frees it after its idle timeout, and the TaskExecutor disconnects", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 1 }] }, { idleSlotMs: 1_000 });
    advance(c.scheduler, 10);
    const handle = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    const lease = leaseOf(handle);
    expect(c.pool.isTaskManagerRegistered(lease.slot.location.resourceId)).toBe(true);
    handle.release();
    c.check();
    expect(c.pool.inspect().available.size).toBe(1);
    advance(c.scheduler, 999);
    expect(c.rm.slotOf(lease.slot.allocationId)?.state).toBe("active");
    advance(c.scheduler, 5);
    c.check();
    expect(c.pool.inspect().available.size).toBe(0);
    expect(c.rm.slotOf(lease.slot.allocationId)).toBeUndefined();
    expect(c.rm.inspect().resourceManager.taskExecutors[0]?.slots[0]?.allocationId).toBeUndefined();
    // Holding no more slots of the job, the TaskExecutor closed its connection to the job master.
    expect(c.pool.isTaskManagerRegistered(lease.slot.location.resourceId)).toBe(false);
    expect(c.link.taskExecutors.size).toBe(0);
    // It registers again with its next offer.
    const next = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    expect(leaseOf(next).slot.location.resourceId).toBe("tm-1");
    expect(leaseOf(next).slot.allocationId).not.toBe(lease.slot.allocationId);
    c.check();
  });

  it("queues what it cannot serve yet and serves it when a slot comes back", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 1 }] }, { idleSlotMs: 0 });
    advance(c.scheduler, 10);
    const first = c.pool.allocateSlot({});
    const second = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    leaseOf(first);
    expect(second.result.isDone).toBe(false);
    expect(c.rm.inspect().resourceManager.pendingRequests.map((r) => r.allocationId)).toEqual(["alloc-2"]);
    c.check();
    // The pool hands the released slot straight to the waiting request (Flink §2.10) …
    first.release();
    expect(leaseOf(second).slot.allocationId).toBe("alloc-1");
    c.check();
    // … and withdraws that request's own reservation, so the resource manager drops it.
    advance(c.scheduler, 10);
    expect(c.rm.inspect().resourceManager.pendingRequests).toEqual([]);
    expect(c.rm.stats.resourceManager.requestsCancelled).toBe(1);
    c.check();
  });

  it("withdraws at the resource manager a request the pool gave up on", () => {
    const c = embeddedCluster(
      { taskExecutors: [{ id: "tm-1", slots: 1, registerAtMs: 5_000 }] },
      { slotRequestMs: 1_000 },
    );
    advance(c.scheduler, 10);
    const handle = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    expect(c.rm.inspect().resourceManager.pendingRequests).toHaveLength(1);
    advanceTo(c.scheduler, 1_010);
    expect(isSlotPoolError(errorOf(handle), "TIMEOUT")).toBe(true);
    advance(c.scheduler, 1);
    expect(c.rm.inspect().resourceManager.pendingRequests).toEqual([]);
    expect(c.rm.stats.resourceManager.requestsCancelled).toBe(1);
    advanceTo(c.scheduler, 6_000);
    // The TaskExecutor registered later and reserved nothing for the withdrawn request.
    expect(c.rm.inspect().taskExecutors[0]?.slots.map((s) => s.state)).toEqual(["free"]);
    c.check();
  });

  it("offers every slot on registration with offerAllSlots, so placement sees locality", () => {
    const c = embeddedCluster({
      offerAllSlots: true,
      taskExecutors: [
        { id: "tm-1", host: "host-a", slots: 2 },
        { id: "tm-2", host: "host-b", slots: 1 },
      ],
    });
    advance(c.scheduler, 10);
    c.check();
    expect(c.pool.inspect().available.size).toBe(3);
    const handle = c.pool.allocateSlot({ preferredLocations: [taskManagerLocation("tm-2", "host-b")] });
    const lease = leaseOf(handle); // served at once from the pool's free slots
    expect(lease.locality).toBe(Locality.LOCAL);
    expect(lease.slot.location.resourceId).toBe("tm-2");
    expect(c.rm.stats.resourceManager.requestsReceived).toBe(0);
    c.check();
  });
});

describe("embedded resource manager: elastic mode", () => {
  it("starts TaskExecutors on demand up to the maximum, after the start-up delay, and stops idle ones", () => {
    const c = embeddedCluster(
      { elastic: { maxTaskExecutors: 2, slotsPerTaskExecutor: 2, startupMs: 500, idleTimeoutMs: 2_000 } },
      { idleSlotMs: 100 },
    );
    advance(c.scheduler, 10);
    const handles = Array.from({ length: 5 }, () => c.pool.allocateSlot({}));
    advance(c.scheduler, 3);
    expect(c.rm.inspect().resourceManager.startingWorkers).toEqual(["elastic-1", "elastic-2"]);
    expect(c.rm.stats.resourceManager.taskExecutorsStarted).toBe(2);
    advanceTo(c.scheduler, 511);
    expect(handles.filter((h) => h.result.isDone)).toHaveLength(0);
    c.check();
    advanceTo(c.scheduler, 520);
    expect(handles.map((h) => h.result.isDone)).toEqual([true, true, true, true, false]);
    expect(new Set(handles.slice(0, 4).map((h) => leaseOf(h).slot.location.resourceId))).toEqual(
      new Set(["elastic-1", "elastic-2"]),
    );
    expect(c.rm.stats.resourceManager.taskExecutorsStarted).toBe(2); // the maximum
    c.check();
    // Give everything back: the pool frees idle slots, then the resource manager stops idle TaskExecutors.
    for (const h of handles) h.release();
    advance(c.scheduler, 200);
    c.check();
    expect(c.rm.inspect().taskExecutors.map((te) => te.resourceId)).toEqual(["elastic-1", "elastic-2"]);
    advance(c.scheduler, 2_000);
    expect(c.rm.inspect().taskExecutors).toEqual([]);
    expect(c.rm.stats.resourceManager.taskExecutorsStopped).toBe(2);
    c.check();
    // Demand starts a new one.
    const again = c.pool.allocateSlot({});
    advance(c.scheduler, 600);
    expect(leaseOf(again).slot.location.resourceId).toBe("elastic-3");
    c.check();
  });
});

describe("embedded resource manager: fault injection", () => {
  it("loses a TaskExecutor: its slots leave the pool and its tasks fail with TASK_MANAGER_LOST", () => {
    const c = embeddedCluster({
      taskExecutors: [
        { id: "tm-1", slots: 1 },
        { id: "tm-2", slots: 1 },
      ],
    });
    advance(c.scheduler, 10);
    const handle = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    const lease = leaseOf(handle);
    expect(lease.slot.location.resourceId).toBe("tm-1");
    const te = lease.slot.gateway as TaskExecutorConnection;
    let taskError: unknown;
    te.submitTask(lease.slot.allocationId, { kind: "sleep", durationMs: 10_000 }).subscribe({
      error: (e) => {
        taskError = e;
      },
    });
    advance(c.scheduler, 10);
    expect(c.rm.slotOf(lease.slot.allocationId)?.runningTasks).toBe(1);
    expect(c.rm.loseTaskExecutor("tm-1")).toBe(true);
    advance(c.scheduler, 5);
    c.check();
    expect(
      isSlotPoolError(handle.released.result?.ok ? handle.released.result.value : undefined, "TASK_MANAGER_LOST"),
    ).toBe(true);
    expect(isSlotPoolError(taskError, "TASK_MANAGER_LOST")).toBe(true);
    expect(c.pool.isTaskManagerRegistered(lease.slot.location.resourceId)).toBe(false);
    expect(c.rm.inspect().resourceManager.taskExecutors.map((t) => t.resourceId)).toEqual(["tm-2"]);
    expect(c.rm.stats.resourceManager.taskExecutorsLost).toBe(1);
    const next = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    expect(leaseOf(next).slot.location.resourceId).toBe("tm-2");
    c.check();
  });

  it("freezes a TaskExecutor: the heartbeat timeout declares it lost at exactly lastSeen + timeout; thawed, it comes back", () => {
    const c = embeddedCluster(
      { taskExecutors: [{ id: "tm-1", slots: 1 }] },
      {},
      {
        heartbeatIntervalMs: 1_000,
        heartbeatTimeoutMs: 5_000,
      },
    );
    advance(c.scheduler, 10);
    const handle = c.pool.allocateSlot({});
    advance(c.scheduler, 3);
    expect(handle.result.isDone).toBe(true); // at 13: registration and offer were the last signs of life
    advanceTo(c.scheduler, 2_500);
    expect(c.link.stats.heartbeats).toBe(2); // answers to the requests at 1013 and 2013
    expect(c.rm.freezeTaskExecutor("tm-1")).toBe(true);
    advanceTo(c.scheduler, 7_014);
    expect(handle.released.isDone).toBe(false);
    c.check();
    advanceTo(c.scheduler, 7_015); // last answer reached the pool at 2015
    const cause = handle.released.result?.ok ? handle.released.result.value : undefined;
    expect(isSlotPoolError(cause, "TASK_MANAGER_LOST")).toBe(true);
    expect(cause?.message).toContain("no heartbeat for 5000 ms");
    expect(c.link.stats.heartbeatTimeouts).toBe(1);
    expect(c.pool.isTaskManagerRegistered(leaseOf(handle).slot.location.resourceId)).toBe(false);
    c.check();
    advance(c.scheduler, 5);
    expect(c.rm.inspect().taskExecutors).toEqual([]);
    expect(c.rm.inspect().resourceManager.taskExecutors).toEqual([]);
    // Thawed, it comes back as a new process with empty slots and serves the next request.
    expect(c.rm.thawTaskExecutor("tm-1")).toBe(true);
    const next = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    expect(leaseOf(next).slot.location.resourceId).toBe("tm-1");
    expect(c.rm.inspect().taskExecutors[0]?.slots.map((s) => s.state)).toEqual(["active"]);
    c.check();
  });

  it("drops an offer: the TaskExecutor offers again after its offer timeout", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 1 }], offerTimeoutMs: 2_000 });
    advance(c.scheduler, 10);
    c.rm.injectOfferFault({ kind: "drop" });
    const handle = c.pool.allocateSlot({});
    advanceTo(c.scheduler, 2_012);
    expect(handle.result.isDone).toBe(false);
    c.check();
    advanceTo(c.scheduler, 2_013); // re-offered at 2012, delivered at 2013
    expect(leaseOf(handle).slot.location.resourceId).toBe("tm-1");
    expect(c.rm.stats.offersDropped).toBe(1);
    expect(c.rm.stats.taskExecutors.offerRetries).toBe(1);
    c.check();
  });

  it("duplicates an offer: the second copy is accepted and changes nothing", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 2 }] });
    advance(c.scheduler, 10);
    c.rm.injectOfferFault({ kind: "duplicate", taskExecutor: "tm-1" });
    const handle = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    c.check();
    const lease = leaseOf(handle);
    expect(c.rm.stats.offersDuplicated).toBe(1);
    expect(c.link.stats).toMatchObject({ applied: 3, stale: 0, offersRejected: 0 });
    expect(c.pool.inspect().allocated.size).toBe(1);
    expect(c.pool.inspect().available.size).toBe(0);
    expect(c.rm.slotOf(lease.slot.allocationId)?.state).toBe("active");
    expect(c.rm.inspect().taskExecutors[0]?.slots.map((s) => s.state)).toEqual(["active", "free"]);
  });

  it("delays an offer past the pool's allocation timeout: the request fails, the late slot still joins the pool", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 1 }] }, { resourceManagerAllocationMs: 1_000 });
    advance(c.scheduler, 10);
    c.rm.injectOfferFault({ kind: "delay", delayMs: 3_000 });
    const handle = c.pool.allocateSlot({});
    advanceTo(c.scheduler, 1_012); // acknowledged at 12, so the allocation timeout fires at 1012
    expect(isSlotPoolError(errorOf(handle), "TIMEOUT")).toBe(true);
    c.check();
    advanceTo(c.scheduler, 3_013);
    expect(c.rm.stats.offersDelayed).toBe(1);
    // The slot arrived for an allocation nobody waits for: it is free in the pool, active on tm-1.
    expect(c.pool.inspect().available.size).toBe(1);
    expect(c.rm.inspect().taskExecutors[0]?.slots.map((s) => s.state)).toEqual(["active"]);
    c.check();
    const next = c.pool.allocateSlot({});
    expect(leaseOf(next).slot.allocationId).toBe("alloc-1");
    c.check();
  });

  it("disconnects and reconnects the resource manager: requests wait, then go to the new session", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 2 }] });
    advance(c.scheduler, 10);
    expect(c.link.resourceManagerId).toBe("rm-1");
    expect(c.rm.disconnect()).toBe(true);
    // A request sent before the pool heard of it goes to the dead session and fails.
    const early = c.pool.allocateSlot({});
    advance(c.scheduler, 1);
    expect(c.pool.isResourceManagerConnected).toBe(false);
    advance(c.scheduler, 1);
    expect(isSlotPoolError(errorOf(early), "NO_RESOURCE_AVAILABLE")).toBe(true);
    expect(c.rm.stats.resourceManager.staleMessages).toBe(1);
    c.check();
    const waiting = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    expect(c.pool.inspect().waitingForResourceManager.size).toBe(1);
    c.check();
    expect(c.rm.reconnect()).toBe("rm-2");
    advance(c.scheduler, 10);
    expect(c.link.resourceManagerId).toBe("rm-2");
    expect(leaseOf(waiting).slot.location.resourceId).toBe("tm-1");
    expect(c.link.stats).toMatchObject({ resourceManagerConnections: 2, resourceManagerDisconnections: 1 });
    expect(c.rm.stats.resourceManager.registrations).toBe(2); // tm-1 registered again with the new session
    c.check();
  });

  it("tells a TaskExecutor registering with a new session the job's current leader: a held slot goes to the new term", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 1 }] }, { idleSlotMs: 2_000 });
    const handle = c.pool.allocateSlot({});
    advance(c.scheduler, 20);
    expect(leaseOf(handle).slot.location.resourceId).toBe("tm-1");
    c.rm.disconnect();
    c.rm.reconnect();
    c.link.grantLeadership(jobMasterId("jm-2")); // registers with the new session before tm-1 does
    c.check();
    expect(handle.released.isDone).toBe(true);
    advance(c.scheduler, 20);
    // Re-offered to jm-2 (the new term's pool holds it), then freed after its idle timeout.
    expect(c.pool.inspect().available.size).toBe(1);
    expect(c.rm.inspect().taskExecutors[0]?.slots.map((s) => s.state)).toEqual(["active"]);
    c.check();
    advance(c.scheduler, 5_000);
    expect(c.pool.inspect().available.size).toBe(0);
    expect(c.rm.inspect().taskExecutors[0]?.slots.map((s) => s.state)).toEqual(["free"]);
    c.check();
  });

  it("frees the slots of a TaskExecutor declared lost while the resource manager was away once it thaws", () => {
    const c = embeddedCluster(
      { taskExecutors: [{ id: "tm-1", slots: 2 }] },
      { idleSlotMs: 60_000 },
      { heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 3_000 },
    );
    const used = c.pool.allocateSlot({});
    const idle = c.pool.allocateSlot({});
    advance(c.scheduler, 20);
    leaseOf(idle);
    idle.release();
    expect(c.pool.inspect().available.size).toBe(1);
    expect(c.pool.inspect().allocated.size).toBe(1);
    c.rm.freezeTaskExecutor("tm-1");
    c.rm.disconnect();
    advance(c.scheduler, 10_000); // the heartbeat timeout releases tm-1; the report reaches no resource manager
    expect(
      isSlotPoolError(used.released.result?.ok ? used.released.result.value : undefined, "TASK_MANAGER_LOST"),
    ).toBe(true);
    expect(c.pool.isTaskManagerRegistered(taskManagerLocation("tm-1").resourceId)).toBe(false);
    c.check();
    c.rm.reconnect();
    c.rm.thawTaskExecutor("tm-1");
    advance(c.scheduler, 100);
    // Both slots (the allocated and the free one) were freed, not kept active for jm-1.
    expect(c.rm.inspect().taskExecutors[0]?.slots.map((s) => s.state)).toEqual(["free", "free"]);
    expect(c.pool.inspect().available.size + c.pool.inspect().allocated.size).toBe(0);
    c.check();
  });

  it("declares a TaskExecutor that does not acknowledge a reservation lost, and reserves elsewhere", () => {
    const c = embeddedCluster({
      taskExecutors: [
        { id: "tm-1", slots: 1 },
        { id: "tm-2", slots: 1 },
      ],
      taskExecutorRequestTimeoutMs: 1_000,
    });
    advance(c.scheduler, 10);
    c.rm.freezeTaskExecutor("tm-1");
    const handle = c.pool.allocateSlot({});
    advanceTo(c.scheduler, 1_010);
    expect(handle.result.isDone).toBe(false);
    advanceTo(c.scheduler, 1_020);
    expect(leaseOf(handle).slot.location.resourceId).toBe("tm-2");
    expect(c.rm.stats.resourceManager.unreachableTaskExecutors).toBe(1);
    expect(c.rm.inspect().resourceManager.taskExecutors.map((t) => t.resourceId)).toEqual(["tm-2"]);
    c.check();
  });
});

describe("embedded resource manager: fencing tokens", () => {
  it("rejects and counts an offer addressed to the previous leader; TaskExecutors re-offer everything to the new one", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 2 }] });
    advance(c.scheduler, 10);
    const served = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    const oldLease = leaseOf(served);
    c.rm.injectOfferFault({ kind: "delay", delayMs: 100 });
    const inFlight = c.pool.allocateSlot({});
    advance(c.scheduler, 10); // its offer (to jm-1) is on the wire until 122
    c.link.grantLeadership(jobMasterId("jm-2"));
    expect(isSlotPoolError(errorOf(inFlight), "POOL_SUSPENDED")).toBe(true);
    expect(
      isSlotPoolError(served.released.result?.ok ? served.released.result.value : undefined, "POOL_SUSPENDED"),
    ).toBe(true);
    advance(c.scheduler, 20);
    c.check();
    // tm-1 registered with jm-2 and offered both slots again.
    expect(c.pool.isTaskManagerRegistered(oldLease.slot.location.resourceId)).toBe(true);
    expect([...c.pool.inspect().available.values()].map((s) => s.allocationId as string).sort()).toEqual([
      "alloc-1",
      "alloc-2",
    ]);
    const staleBefore = c.link.stats.stale;
    advanceTo(c.scheduler, 130);
    expect(c.link.stats.stale).toBe(staleBefore + 1); // the delayed jm-1 offer: rejected, not applied
    expect(c.pool.inspect().available.size).toBe(2);
    expect(c.rm.inspect().taskExecutors[0]?.slots.map((s) => s.state)).toEqual(["active", "active"]);
    c.check();
    // A call through the old term's connection is rejected by the TaskExecutor too.
    const oldConnection = oldLease.slot.gateway as TaskExecutorConnection;
    expect(oldConnection.jobMasterId).toBe("jm-1");
    const staleAtTaskExecutors = c.rm.stats.taskExecutors.staleMessages;
    oldConnection.freeSlot(oldLease.slot.allocationId, new Error("old leader")).subscribe();
    advance(c.scheduler, 5);
    expect(c.rm.stats.taskExecutors.staleMessages).toBe(staleAtTaskExecutors + 1);
    expect(c.rm.slotOf(oldLease.slot.allocationId)?.state).toBe("active");
    c.check();
  });

  it("rejects slot requests carrying a term the resource manager does not know", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 1 }] });
    advance(c.scheduler, 10);
    let failure: unknown;
    c.rm.registerJobMaster("job", jobMasterId("jm-1")).subscribe((session) =>
      session.gateway
        .requestSlot({
          jobMasterId: jobMasterId("jm-forged"),
          jobId: "job",
          allocationId: allocationId("forged-1"),
          profile: ResourceProfile.UNKNOWN,
        })
        .subscribe({ error: (e: unknown) => (failure = e) }),
    );
    advance(c.scheduler, 10);
    expect(isSlotPoolError(failure, "FENCING_TOKEN_MISMATCH")).toBe(true);
    expect(c.rm.stats.resourceManager.staleMessages).toBe(1);
    expect(c.rm.inspect().resourceManager.pendingRequests).toEqual([]);
    expect(c.rm.inspect().taskExecutors[0]?.slots.map((s) => s.state)).toEqual(["free"]);
  });
});

describe("embedded resource manager: tasks", () => {
  it("runs sleep tasks on virtual time, finishes them early on request, and frees a slot from the TaskExecutor side", () => {
    const c = embeddedCluster({ taskExecutors: [{ id: "tm-1", slots: 2 }] });
    advance(c.scheduler, 10);
    const a = c.pool.allocateSlot({});
    const b = c.pool.allocateSlot({});
    advance(c.scheduler, 10);
    const leaseA = leaseOf(a);
    const leaseB = leaseOf(b);
    const results: unknown[] = [];
    const te = leaseA.slot.gateway as TaskExecutorConnection;
    te.submitTask(leaseA.slot.allocationId, { kind: "sleep", durationMs: 1_000, result: "done" }).subscribe((r) =>
      results.push(r),
    );
    (leaseB.slot.gateway as TaskExecutorConnection)
      .submitTask(leaseB.slot.allocationId, { kind: "sleep", durationMs: 60_000 })
      .subscribe((r) => results.push(r.value));
    advance(c.scheduler, 1_000);
    expect(results).toEqual([]);
    advance(c.scheduler, 2); // submit reached tm-1 at 21, the result comes back 1 ms after 1021
    expect(results).toEqual([
      {
        taskId: "task-1",
        allocationId: leaseA.slot.allocationId,
        resourceId: "tm-1",
        value: "done",
        durationMs: 1_000,
      },
    ]);
    expect(c.rm.finishTasks(leaseB.slot.allocationId)).toBe(1);
    advance(c.scheduler, 1);
    expect(results[1]).toBeNull();
    expect(c.rm.stats.taskExecutors).toMatchObject({ tasksStarted: 2, tasksSucceeded: 2 });
    // The TaskExecutor frees slot B on its own: the pool drops it with ALLOCATION_FAILED.
    expect(c.rm.freeSlot(leaseB.slot.allocationId, "disk full")).toBe(true);
    advance(c.scheduler, 2);
    const cause = b.released.result?.ok ? b.released.result.value : undefined;
    expect(isSlotPoolError(cause, "ALLOCATION_FAILED")).toBe(true);
    expect(c.pool.inspect().allocated.size).toBe(1);
    expect(c.rm.inspect().resourceManager.taskExecutors[0]?.slots[1]?.allocationId).toBeUndefined();
    c.check();
  });
});

describe("embedded resource manager: determinism", () => {
  it("gives the same event sequence on every run", () => {
    const run = (): string[] => {
      const c = embeddedCluster(
        {
          taskExecutors: [
            { id: "tm-1", slots: 2 },
            { id: "tm-2", slots: 1, registerAtMs: 300 },
          ],
          elastic: { maxTaskExecutors: 2, startupMs: 200 },
        },
        { idleSlotMs: 500 },
      );
      const log: string[] = [];
      c.pool.events$.subscribe((e) => log.push(`${e.atMs} ${e.type} ${"allocationId" in e ? e.allocationId : ""}`));
      c.rm.messages$.subscribe((m) => log.push(`${c.scheduler.now()} msg ${m.type}`));
      advance(c.scheduler, 10);
      const handles = Array.from({ length: 5 }, () => c.pool.allocateSlot({}));
      advance(c.scheduler, 400);
      c.rm.loseTaskExecutor("tm-1");
      advance(c.scheduler, 100);
      for (const h of handles) h.release();
      advance(c.scheduler, 40_000);
      c.check();
      return log;
    };
    const first = run();
    expect(first.length).toBeGreaterThan(40);
    expect(run()).toEqual(first);
  });
});
