import {
  type AllocationId,
  allocationId,
  assertSlotPoolInvariants,
  InMemoryResourceManager,
  isSlotPoolError,
  type JobMasterId,
  jobMasterId,
  type ResourceId,
  ResourceProfile,
  resourceId,
  SlotPool,
  taskManagerLocation,
} from "@slotpool/core";
import { type Observable, of, Subject, throwError, VirtualTimeScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  connectResourceManager,
  type JobMasterMessage,
  type ResourceManagerAdapter,
  ResourceManagerDisconnectedError,
  type ResourceManagerId,
  type ResourceManagerSession,
  type TaskExecutorConnection,
} from "../src/index.js";
import { advance, advanceTo } from "./support.js";

/** A hand-driven adapter: the test plays the resource manager and the TaskExecutors. */
class FakeAdapter implements ResourceManagerAdapter {
  readonly subject = new Subject<JobMasterMessage>();
  readonly messages$ = this.subject.asObservable();
  readonly rm = new InMemoryResourceManager();
  readonly registrations: string[] = [];
  readonly disconnected: string[] = [];
  readonly reportedLost: string[] = [];
  session: ResourceManagerId | undefined = "rm-1" as ResourceManagerId;

  registerJobMaster(jobId: string, token: JobMasterId): Observable<ResourceManagerSession> {
    this.registrations.push(`${jobId}/${token}`);
    const session = this.session;
    return session === undefined
      ? throwError(() => new ResourceManagerDisconnectedError("down"))
      : of({ resourceManagerId: session, gateway: this.rm });
  }
  disconnectJobMaster(jobId: string, token: JobMasterId): void {
    this.disconnected.push(`${jobId}/${token}`);
  }
  reportTaskExecutorLost(id: ResourceId, token: JobMasterId): void {
    this.reportedLost.push(`${id}/${token}`);
  }
}

function connection(id: string, token: JobMasterId, answers: string[]): TaskExecutorConnection {
  const location = taskManagerLocation(id);
  return {
    resourceId: location.resourceId,
    location,
    jobMasterId: token,
    jobId: "job",
    freeSlot: () => of("ack"),
    submitTask: () => throwError(() => new Error("no tasks")),
    answerOffer: (offerId, accepted) => answers.push(`${id}#${offerId}:${accepted.join(",")}`),
    requestHeartbeat: () => answers.push(`${id}:heartbeat?`),
  };
}

const profile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });

function setup(heartbeat = { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 250 }) {
  const scheduler = new VirtualTimeScheduler();
  const pool = new SlotPool({ scheduler });
  const adapter = new FakeAdapter();
  const link = connectResourceManager(pool, adapter, heartbeat);
  const answers: string[] = [];
  link.grantLeadership(jobMasterId("jm-1"));
  const jm1 = jobMasterId("jm-1");
  const te1 = connection("tm-1", jm1, answers);
  const send = (m: JobMasterMessage): void => adapter.subject.next(m);
  return { scheduler, pool, adapter, link, answers, jm1, te1, send };
}

describe("connectResourceManager", () => {
  it("registers the job master and connects the pool to the session's gateway", () => {
    const { pool, adapter, link } = setup();
    expect(adapter.registrations).toEqual(["job/jm-1"]);
    expect(pool.isResourceManagerConnected).toBe(true);
    expect(link.resourceManagerId).toBe("rm-1");
    pool.allocateSlot({});
    expect(adapter.rm.requests.map((r) => r.jobMasterId)).toEqual(["jm-1"]);
  });

  it("applies registrations and offers of the current term, answers each offer round, and counts the rest as stale", () => {
    const { pool, link, answers, jm1, te1, send } = setup();
    const handle = pool.allocateSlot({});
    const requested = pool.inspect().pending.values().next().value?.allocationId as AllocationId;
    send({ type: "registered", jobMasterId: jm1, location: te1.location, gateway: te1 });
    send({
      type: "offer",
      jobMasterId: jm1,
      location: te1.location,
      gateway: te1,
      offerId: 1,
      offers: [{ allocationId: requested, slotIndex: 0, profile }],
    });
    expect(handle.result.isDone).toBe(true);
    expect(answers).toEqual([`tm-1#1:${requested}`]);
    expect(link.taskExecutors.get(te1.resourceId)).toBe(te1);
    // Messages of another term: counted, never applied.
    const old = jobMasterId("jm-0");
    const oldTe = connection("tm-2", old, answers);
    send({ type: "registered", jobMasterId: old, location: oldTe.location, gateway: oldTe });
    send({
      type: "offer",
      jobMasterId: old,
      location: oldTe.location,
      gateway: oldTe,
      offerId: 9,
      offers: [{ allocationId: allocationId("x"), slotIndex: 0, profile }],
    });
    send({ type: "lost", jobMasterId: old, resourceId: te1.resourceId, cause: new Error("stale") });
    send({ type: "heartbeat", jobMasterId: old, resourceId: te1.resourceId });
    send({ type: "disconnected", jobMasterId: old, resourceId: te1.resourceId, cause: new Error("stale") });
    send({
      type: "slotFailed",
      jobMasterId: old,
      resourceId: te1.resourceId,
      allocationId: requested,
      cause: new Error("stale"),
    });
    expect(link.stats).toMatchObject({ applied: 2, stale: 6, invalid: 0, offersRejected: 1 });
    expect(answers).toEqual([`tm-1#1:${requested}`, "tm-2#9:"]); // the stale offer is answered with a rejection
    expect(pool.isTaskManagerRegistered(resourceId("tm-2"))).toBe(false);
    expect(pool.isTaskManagerRegistered(te1.resourceId)).toBe(true);
    expect(handle.released.isDone).toBe(false);
    assertSlotPoolInvariants(pool);
  });

  it("applies disconnections and slot failures of the current term", () => {
    const { pool, link, jm1, te1, send } = setup();
    send({ type: "registered", jobMasterId: jm1, location: te1.location, gateway: te1 });
    send({
      type: "offer",
      jobMasterId: jm1,
      location: te1.location,
      gateway: te1,
      offerId: 1,
      offers: [{ allocationId: allocationId("s-1"), slotIndex: 0, profile }],
    });
    const handle = pool.allocateSlot({});
    expect(handle.result.isDone).toBe(true);
    send({
      type: "slotFailed",
      jobMasterId: jm1,
      resourceId: te1.resourceId,
      allocationId: allocationId("s-1"),
      cause: new Error("disk"),
    });
    expect(handle.released.result).toEqual({ ok: true, value: new Error("disk") });
    send({ type: "disconnected", jobMasterId: jm1, resourceId: te1.resourceId, cause: new Error("empty") });
    expect(pool.isTaskManagerRegistered(te1.resourceId)).toBe(false);
    expect(link.taskExecutors.size).toBe(0);
    expect(link.stats).toMatchObject({ applied: 4, stale: 0 });
    assertSlotPoolInvariants(pool);
  });

  it("counts malformed messages as invalid", () => {
    const { link, jm1, send } = setup();
    send({ type: "registered", jobMasterId: jm1, location: {} as never, gateway: {} as never });
    expect(link.stats.invalid).toBe(1);
  });

  it("releases a silent TaskExecutor at its heartbeat deadline and reports it to the adapter", () => {
    const { scheduler, pool, adapter, link, answers, jm1, te1, send } = setup();
    send({ type: "registered", jobMasterId: jm1, location: te1.location, gateway: te1 });
    advance(scheduler, 100);
    expect(answers).toEqual(["tm-1:heartbeat?"]);
    send({ type: "heartbeat", jobMasterId: jm1, resourceId: te1.resourceId });
    advanceTo(scheduler, 349);
    expect(pool.isTaskManagerRegistered(te1.resourceId)).toBe(true);
    advanceTo(scheduler, 350);
    expect(pool.isTaskManagerRegistered(te1.resourceId)).toBe(false);
    expect(link.stats).toMatchObject({ heartbeats: 1, heartbeatTimeouts: 1 });
    expect(adapter.reportedLost).toEqual(["tm-1/jm-1"]);
  });

  it("follows the resource manager's sessions: disconnects, and registers again with a new one", () => {
    const { pool, adapter, link, send } = setup();
    const rm1 = "rm-1" as ResourceManagerId;
    const rm2 = "rm-2" as ResourceManagerId;
    send({
      type: "resourceManagerDisconnected",
      resourceManagerId: "rm-0" as ResourceManagerId,
      cause: new Error("old"),
    });
    expect(pool.isResourceManagerConnected).toBe(true);
    expect(link.stats.stale).toBe(1);
    adapter.session = undefined;
    send({ type: "resourceManagerDisconnected", resourceManagerId: rm1, cause: new Error("gone") });
    expect(pool.isResourceManagerConnected).toBe(false);
    expect(link.resourceManagerId).toBeUndefined();
    adapter.session = rm2;
    send({ type: "resourceManagerConnected", resourceManagerId: rm2 });
    expect(pool.isResourceManagerConnected).toBe(true);
    expect(link.resourceManagerId).toBe("rm-2");
    expect(adapter.registrations).toEqual(["job/jm-1", "job/jm-1"]);
    expect(link.stats).toMatchObject({ resourceManagerConnections: 2, resourceManagerDisconnections: 1 });
  });

  it("waits for a resource manager when registration fails, then registers", () => {
    const scheduler = new VirtualTimeScheduler();
    const pool = new SlotPool({ scheduler });
    const adapter = new FakeAdapter();
    adapter.session = undefined;
    const link = connectResourceManager(pool, adapter);
    link.grantLeadership(jobMasterId("jm-1"));
    expect(pool.isResourceManagerConnected).toBe(false);
    const handle = pool.allocateSlot({});
    expect(pool.inspect().waitingForResourceManager.size).toBe(1);
    adapter.session = "rm-5" as ResourceManagerId;
    adapter.subject.next({ type: "resourceManagerConnected", resourceManagerId: "rm-5" as ResourceManagerId });
    expect(pool.inspect().waitingForResourceManager.size).toBe(0);
    expect(adapter.rm.requests).toHaveLength(1);
    expect(handle.result.isDone).toBe(false);
  });

  it("changes leadership: the old term ends everywhere, the new one registers", () => {
    const { pool, adapter, link, jm1, te1, send } = setup();
    send({ type: "registered", jobMasterId: jm1, location: te1.location, gateway: te1 });
    const pending = pool.allocateSlot({});
    link.grantLeadership(jobMasterId("jm-2"));
    expect(
      isSlotPoolError(pending.result.result?.ok === false ? pending.result.result.error : undefined, "POOL_SUSPENDED"),
    ).toBe(true);
    expect(adapter.rm.cancelled).toHaveLength(1); // withdrawn under the old term
    expect(pool.isTaskManagerRegistered(te1.resourceId)).toBe(false);
    expect(adapter.disconnected).toEqual(["job/jm-1"]);
    expect(adapter.registrations).toEqual(["job/jm-1", "job/jm-2"]);
    expect(pool.jobMasterId).toBe("jm-2");
    link.revokeLeadership();
    expect(pool.isStarted).toBe(false);
    expect(adapter.disconnected).toEqual(["job/jm-1", "job/jm-2"]);
    link.revokeLeadership(); // nothing to end
    expect(adapter.disconnected).toHaveLength(2);
  });

  it("stops applying messages once closed", () => {
    const { pool, adapter, link, jm1, te1, send } = setup();
    link.close();
    link.close();
    expect(adapter.disconnected).toEqual(["job/jm-1"]);
    expect(pool.isResourceManagerConnected).toBe(false);
    send({ type: "registered", jobMasterId: jm1, location: te1.location, gateway: te1 });
    expect(pool.isTaskManagerRegistered(te1.resourceId)).toBe(false);
    link.grantLeadership(jobMasterId("jm-3"));
    expect(pool.jobMasterId).toBe("jm-1");
  });
});
