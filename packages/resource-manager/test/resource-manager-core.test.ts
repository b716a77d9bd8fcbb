import {
  allocationId,
  jobMasterId,
  type ResourceId,
  ResourceProfile,
  resourceId,
  TaskManagerLostError,
} from "@slotpool/core";
import { VirtualTimeScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
import type { ResourceManagerId, ResourceManagerToTaskExecutor, SlotReportEntry } from "../src/index.js";
import { ResourceManagerCore } from "../src/resource-manager-core.js";
import { spreadSlots } from "../src/slot-choice-strategy.js";
import { advance } from "./support.js";

const JM = jobMasterId("jm-1");
const small = ResourceProfile.of({ cpu: 1, memoryMb: 512 });
const free: SlotReportEntry = { profile: { cpu: 1, memoryMb: 512 }, allocationId: null, jobId: null };

function setup(elastic = false) {
  const scheduler = new VirtualTimeScheduler();
  const sent: [string, ResourceManagerToTaskExecutor][] = [];
  const gone: string[] = [];
  const started: string[] = [];
  const stopped: string[] = [];
  let seq = 0;
  const core = new ResourceManagerCore(
    {
      slotChoice: spreadSlots,
      offerAllSlots: false,
      taskExecutorRequestTimeoutMs: 1_000,
      elastic: elastic
        ? { maxTaskExecutors: 2, slotsPerTaskExecutor: 1, slotProfile: small, idleTimeoutMs: 500 }
        : undefined,
      sessionPrefix: "s-",
    },
    {
      scheduler,
      sendToTaskExecutor: (id, m) => sent.push([id, m]),
      taskExecutorGone: (id) => gone.push(id),
      sessionChanged: () => {},
      startWorker: () => {
        const id = resourceId(`w-${++seq}`);
        started.push(id);
        return id;
      },
      stopWorker: (id, _cause, graceful) => stopped.push(`${id}:${graceful ? "graceful" : "kill"}`),
      liveWorkers: () => [resourceId("tm-1")],
    },
  );
  const session = core.resourceManagerId as ResourceManagerId;
  expect(core.registerJobMaster("job", JM)).toBe(session);
  const register = (id: string, slots = [free, free], token: ResourceManagerId | null = null) =>
    core.receive(resourceId(id), {
      type: "register",
      resourceManagerId: token,
      resourceId: resourceId(id),
      host: id,
      slots,
    });
  const request = (n: number) =>
    core.requestSlot(session, { jobMasterId: JM, jobId: "job", allocationId: allocationId(`a-${n}`), profile: small });
  const take = () =>
    sent
      .splice(0)
      .map(
        ([id, m]) =>
          `${id}:${m.type}${"allocationId" in m ? `:${m.allocationId}` : ""}${"slotIndex" in m ? `@${m.slotIndex}` : ""}`,
      );
  return { scheduler, core, session, sent, gone, started, stopped, register, request, take };
}

describe("ResourceManagerCore", () => {
  it("tells a TaskExecutor whose refused slot holds an unknown allocation when the job's leader changes or leaves", () => {
    const { core, session, register, request, take } = setup();
    register("tm-1", [free]);
    expect(request(1)).toBeUndefined();
    take();
    const tm = resourceId("tm-1");
    // Slot 0 is busy on the TaskExecutor (e.g. still serving an earlier term of the job): our view was wrong.
    core.receive(tm, {
      type: "slotRequestAnswer",
      resourceManagerId: session,
      resourceId: tm,
      allocationId: allocationId("a-1"),
      accepted: false,
      reason: "slot 0 is offered for a-0",
    });
    take();
    // The term ends and a new leader registers: the TaskExecutor must hear both, or it keeps the slot
    // active for the ended term forever.
    core.disconnectJobMaster("job", JM);
    expect(take()).toEqual(["tm-1:jobMasterChanged"]);
    core.registerJobMaster("job", jobMasterId("jm-2"));
    expect(take()).toEqual(["tm-1:jobMasterChanged"]);
  });

  it("requeues a reservation the TaskExecutor refuses and keeps that slot occupied until it is freed", () => {
    const { core, session, register, request, take } = setup();
    register("tm-1");
    expect(take()).toEqual(["tm-1:registrationAccepted"]);
    expect(request(1)).toBeUndefined();
    expect(take()).toEqual(["tm-1:requestSlot:a-1@0"]);
    const tm = resourceId("tm-1");
    // Our view was wrong: slot 0 is busy on the TaskExecutor.
    core.receive(tm, {
      type: "slotRequestAnswer",
      resourceManagerId: session,
      resourceId: tm,
      allocationId: allocationId("a-1"),
      accepted: false,
      reason: "busy",
    });
    expect(take()).toEqual(["tm-1:requestSlot:a-1@1"]);
    expect(core.stats.refusedByTaskExecutor).toBe(1);
    expect(core.inspect().taskExecutors[0]?.slots.map((s) => [s.allocationId, s.confirmed])).toEqual([
      [undefined, true],
      ["a-1", false],
    ]);
    // The TaskExecutor frees whatever occupied slot 0: the placeholder goes, the slot serves the next request.
    core.receive(tm, {
      type: "slotFreed",
      resourceManagerId: session,
      resourceId: tm,
      slotIndex: 0,
      allocationId: allocationId("x"),
    });
    expect(request(2)).toBeUndefined();
    expect(take()).toEqual(["tm-1:requestSlot:a-2@0"]);
  });

  it("rejects messages of another session and rebuilds its view from full slot reports after a reconnect", () => {
    const { core, session, register, request, take } = setup();
    register("tm-1");
    request(1);
    take();
    const tm = resourceId("tm-1");
    core.receive(tm, {
      type: "slotFreed",
      resourceManagerId: "s-0" as ResourceManagerId,
      resourceId: tm,
      slotIndex: 0,
      allocationId: allocationId("a-1"),
    });
    expect(core.stats.staleMessages).toBe(1);
    expect(core.disconnect(new Error("down"))).toBe(true);
    expect(core.disconnect(new Error("again"))).toBe(false);
    expect(
      core.requestSlot(session, { jobMasterId: JM, jobId: "job", allocationId: allocationId("a-2"), profile: small }),
    ).toMatchObject({
      code: "RESOURCE_MANAGER_DISCONNECTED",
    });
    register("tm-1"); // while disconnected: dropped
    expect(take()).toEqual([]);
    const next = core.reconnect();
    expect(next).toBe("s-2");
    expect(take()).toEqual(["tm-1:reconnect"]);
    expect(core.inspect().taskExecutors[0]?.registered).toBe(false);
    // tm-1 reports slot 0 held by a-1 (offered before the disconnect).
    register("tm-1", [{ ...free, allocationId: allocationId("a-1"), jobId: "job" }, free], next as ResourceManagerId);
    expect(core.inspect().taskExecutors[0]?.slots.map((s) => s.allocationId)).toEqual(["a-1", undefined]);
    expect(core.registerJobMaster("job", JM)).toBe("s-2");
    // Registered before the job's leader: told "no leader", then the leader once it registers.
    expect(take()).toEqual(["tm-1:registrationAccepted", "tm-1:jobMasterChanged", "tm-1:jobMasterChanged"]);
  });

  it("names the current leader of every job a registering TaskExecutor holds slots of (or none)", () => {
    const { core, sent, register, take } = setup();
    const JM2 = jobMasterId("jm-2");
    expect(core.registerJobMaster("job", JM2)).toBe(core.resourceManagerId);
    take();
    const held = (alloc: string, job: string): SlotReportEntry => ({
      ...free,
      allocationId: allocationId(alloc),
      jobId: job,
    });
    register("tm-1", [held("a-1", "job"), held("a-2", "job"), held("a-3", "other"), free]);
    expect(sent.splice(0).map(([id, m]) => ({ id, ...m }))).toEqual([
      { id: "tm-1", type: "registrationAccepted", resourceManagerId: core.resourceManagerId },
      {
        id: "tm-1",
        type: "jobMasterChanged",
        resourceManagerId: core.resourceManagerId,
        jobId: "job",
        jobMasterId: JM2,
      },
      {
        id: "tm-1",
        type: "jobMasterChanged",
        resourceManagerId: core.resourceManagerId,
        jobId: "other",
        jobMasterId: null,
      },
    ]);
    // A TaskExecutor holding no slot of any job is told nothing more.
    register("tm-2", [free]);
    expect(take()).toEqual(["tm-2:registrationAccepted"]);
  });

  it("never requeues a request withdrawn while assigned but unconfirmed (lost, refused or unreachable TaskExecutor)", () => {
    const { scheduler, core, session, register, request, take } = setup();
    register("tm-1", [free]);
    register("tm-2", [free]);
    take();
    const tm1 = resourceId("tm-1");
    const tm2 = resourceId("tm-2");
    // Lost: the withdrawn request is not queued again.
    request(1);
    expect(take()).toEqual(["tm-1:requestSlot:a-1@0"]);
    core.cancelSlotRequest(session, JM, allocationId("a-1"));
    expect(take()).toEqual(["tm-1:cancelSlot:a-1"]);
    core.taskExecutorLost(tm1, new TaskManagerLostError("crashed"));
    expect(core.inspect().pendingRequests).toEqual([]);
    expect(take()).toEqual([]);
    // Refused: the withdrawn request is not assigned elsewhere or queued.
    request(2);
    expect(take()).toEqual(["tm-2:requestSlot:a-2@0"]);
    core.cancelSlotRequest(session, JM, allocationId("a-2"));
    take();
    core.receive(tm2, {
      type: "slotRequestAnswer",
      resourceManagerId: session,
      resourceId: tm2,
      allocationId: allocationId("a-2"),
      accepted: false,
      reason: "busy",
    });
    expect(core.inspect().pendingRequests).toEqual([]);
    expect(take()).toEqual([]);
    // Unreachable: tm-2 is declared lost after the timeout, still nothing is requeued.
    core.receive(tm2, {
      type: "slotFreed",
      resourceManagerId: session,
      resourceId: tm2,
      slotIndex: 0,
      allocationId: allocationId("x"),
    });
    register("tm-3", [free]);
    take();
    request(3);
    expect(take()).toEqual(["tm-2:requestSlot:a-3@0"]);
    core.cancelSlotRequest(session, JM, allocationId("a-3"));
    take();
    advance(scheduler, 1_000);
    expect(core.stats.unreachableTaskExecutors).toBe(1);
    expect(core.inspect().pendingRequests).toEqual([]);
    expect(take()).toEqual([]);
    expect(core.stats.requestsCancelled).toBe(3);
  });

  it("declares a TaskExecutor that does not acknowledge in time unreachable, and kills it", () => {
    const { scheduler, core, register, request, take, gone, stopped } = setup();
    register("tm-1", [free]);
    register("tm-2", [free]);
    take();
    request(1);
    expect(take()).toEqual(["tm-1:requestSlot:a-1@0"]);
    advance(scheduler, 1_000);
    expect(core.stats.unreachableTaskExecutors).toBe(1);
    expect(gone).toEqual(["tm-1"]);
    expect(stopped).toEqual(["tm-1:kill"]);
    expect(take()).toEqual(["tm-2:requestSlot:a-1@0"]);
  });

  it("starts elastic workers for matching demand only, and stops idle ones gracefully", () => {
    const { scheduler, core, session, started, stopped, request, take } = setup(true);
    core.requestSlot(session, {
      jobMasterId: JM,
      jobId: "job",
      allocationId: allocationId("big"),
      profile: ResourceProfile.of({ cpu: 8, memoryMb: 1 }),
    });
    expect(started).toEqual([]); // no elastic TaskExecutor could serve it
    request(1);
    request(2);
    request(3);
    expect(started).toEqual(["w-1", "w-2"]); // the maximum
    core.taskExecutorLost(resourceId("w-1") as ResourceId, new TaskManagerLostError("failed to start"));
    expect(started).toEqual(["w-1", "w-2", "w-3"]); // replaced
    const w2 = resourceId("w-2");
    core.receive(w2, { type: "register", resourceManagerId: null, resourceId: w2, host: "w-2", slots: [free] });
    expect(take()).toEqual(["w-2:registrationAccepted", "w-2:requestSlot:a-1@0"]);
    core.receive(w2, {
      type: "slotRequestAnswer",
      resourceManagerId: session,
      resourceId: w2,
      allocationId: allocationId("a-1"),
      accepted: true,
      reason: null,
    });
    core.receive(w2, {
      type: "slotFreed",
      resourceManagerId: session,
      resourceId: w2,
      slotIndex: 0,
      allocationId: allocationId("a-1"),
    });
    expect(take()).toEqual(["w-2:requestSlot:a-2@0"]); // the freed slot serves the oldest matching request
    core.cancelSlotRequest(session, JM, allocationId("a-3"));
    core.receive(w2, {
      type: "slotRequestAnswer",
      resourceManagerId: session,
      resourceId: w2,
      allocationId: allocationId("a-2"),
      accepted: true,
      reason: null,
    });
    core.receive(w2, {
      type: "slotFreed",
      resourceManagerId: session,
      resourceId: w2,
      slotIndex: 0,
      allocationId: allocationId("a-2"),
    });
    advance(scheduler, 499);
    expect(stopped).toEqual([]);
    advance(scheduler, 1);
    expect(stopped).toEqual(["w-2:graceful"]);
    expect(core.stats.taskExecutorsStopped).toBe(1);
  });
});
