import { allocationId, jobMasterId, resourceId } from "@slotpool/core";
import { Observable, VirtualTimeScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  type JsonValue,
  type ResourceManagerId,
  runTask,
  TaskExecutorCore,
  type TaskExecutorOutbound,
  type TaskSpec,
} from "../src/index.js";
import { advance } from "./support.js";

const RM1 = "rm-1" as ResourceManagerId;
const RM2 = "rm-2" as ResourceManagerId;
const JM1 = jobMasterId("jm-1");
const JM2 = jobMasterId("jm-2");
const A1 = allocationId("a-1");
const A2 = allocationId("a-2");

function setup(slots = 2, offerTimeoutMs = 1_000) {
  const scheduler = new VirtualTimeScheduler();
  const sent: TaskExecutorOutbound[] = [];
  const core = new TaskExecutorCore(
    {
      resourceId: resourceId("tm-1"),
      host: "host-a",
      slots: Array.from({ length: slots }, () => ({ cpu: 1, memoryMb: 256 })),
      offerTimeoutMs,
    },
    {
      scheduler,
      send: (m) => sent.push(m),
      runTask: (task: TaskSpec): Observable<JsonValue> =>
        task.kind === "module"
          ? new Observable((s) => s.error(new Error("no modules here")))
          : runTask(task, scheduler),
    },
  );
  core.start();
  core.receive({ type: "registrationAccepted", resourceManagerId: RM1 });
  const take = (): string[] => sent.splice(0).map((m) => m.type);
  take();
  return { scheduler, core, sent, take };
}

const request = (allocation = A1, slotIndex = 0, jm = JM1, rm = RM1) =>
  ({
    type: "requestSlot",
    resourceManagerId: rm,
    slotIndex,
    allocationId: allocation,
    jobId: "job",
    jobMasterId: jm,
  }) as const;

describe("TaskExecutorCore", () => {
  it("registers with a full slot report", () => {
    const scheduler = new VirtualTimeScheduler();
    const sent: TaskExecutorOutbound[] = [];
    const core = new TaskExecutorCore(
      { resourceId: resourceId("tm-9"), host: "h", slots: [{ cpu: 2, memoryMb: 1 }], offerTimeoutMs: 10 },
      { scheduler, send: (m) => sent.push(m), runTask: (t) => runTask(t, scheduler) },
    );
    core.start();
    expect(sent).toEqual([
      {
        type: "register",
        resourceManagerId: null,
        resourceId: "tm-9",
        host: "h",
        slots: [{ profile: { cpu: 2, memoryMb: 1 }, allocationId: null, jobId: null }],
      },
    ]);
    expect(core.registeredWith).toBeNull();
  });

  it("reserves a requested slot, registers with the job's leader and offers it; refuses an occupied slot", () => {
    const { core, sent, take } = setup();
    core.receive(request());
    expect(take()).toEqual(["slotRequestAnswer", "registerAtJobMaster", "offerSlots"]);
    core.receive(request()); // the same request again: acknowledged again, nothing else
    expect(sent.splice(0)).toEqual([
      {
        type: "slotRequestAnswer",
        resourceManagerId: RM1,
        resourceId: "tm-1",
        allocationId: A1,
        accepted: true,
        reason: null,
      },
    ]);
    core.receive(request(A2, 0));
    expect(sent.splice(0)).toEqual([
      expect.objectContaining({
        type: "slotRequestAnswer",
        allocationId: A2,
        accepted: false,
        reason: "slot 0 is offered for a-1",
      }),
    ]);
    core.receive(request(A2, 7));
    expect(sent.splice(0)).toEqual([expect.objectContaining({ accepted: false, reason: "no slot 7" })]);
    expect(core.slotOf(A1)).toMatchObject({ state: "offered", index: 0, jobId: "job" });
  });

  it("rejects and counts messages with a stale resource-manager session or job-master term", () => {
    const { core, take } = setup();
    core.receive(request(A1, 0, JM1, RM2));
    core.receive({ type: "cancelSlot", resourceManagerId: RM2, allocationId: A1 });
    core.receive({ type: "jobMasterChanged", resourceManagerId: RM2, jobId: "job", jobMasterId: JM2 });
    expect(take()).toEqual([]);
    expect(core.stats.staleMessages).toBe(3);
    core.receive(request());
    take();
    core.receive({ type: "offerAnswer", jobMasterId: JM2, offerId: 1, accepted: [A1] });
    core.receive({ type: "freeSlot", jobMasterId: JM2, allocationId: A1, reason: "x" });
    core.receive({ type: "heartbeatRequest", jobMasterId: JM2 });
    core.receive({
      type: "submitTask",
      jobMasterId: JM2,
      allocationId: A1,
      taskId: "t",
      task: { kind: "sleep", durationMs: 1 },
    });
    expect(take()).toEqual(["taskFinished"]); // the stale submitter is told its task failed
    expect(core.stats.staleMessages).toBe(7);
    expect(core.slotOf(A1)?.state).toBe("offered");
  });

  it("marks accepted slots active and frees rejected ones; fails a late acceptance of a freed slot", () => {
    const { core, sent, take } = setup();
    core.receive(request(A1, 0));
    core.receive(request(A2, 1));
    const offers = sent.filter((m) => m.type === "offerSlots");
    expect(offers.map((m) => m.type === "offerSlots" && m.offerId)).toEqual([1, 2]);
    take();
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 1, accepted: [A1] });
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 2, accepted: [] });
    expect(sent.splice(0)).toEqual([
      { type: "slotFreed", resourceManagerId: RM1, resourceId: "tm-1", slotIndex: 1, allocationId: A2 },
    ]);
    // A repeated answer for a slot still held changes nothing; one accepting the freed A2 is answered with slotFailed.
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 1, accepted: [A1] });
    expect(take()).toEqual([]);
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 2, accepted: [A2] });
    expect(sent.splice(0)).toEqual([
      expect.objectContaining({ type: "slotFailed", jobMasterId: JM1, allocationId: A2 }),
    ]);
    expect(core.slots().map((s) => s.state)).toEqual(["active", "free"]);
  });

  it("answers a late acceptance of a slot freed and reused since with slotFailed, and keeps the new allocation", () => {
    const { core, scheduler, sent, take } = setup(1, 1_000);
    core.receive(request(A1, 0));
    take();
    advance(scheduler, 1_000); // round 1 unanswered: offered again as round 2, which is accepted
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 2, accepted: [A1] });
    expect(core.slotOf(A1)?.state).toBe("active");
    expect(core.failSlot(A1, "disk failure")).toBe(true);
    take();
    core.receive(request(A2, 0));
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 3, accepted: [A2] });
    take();
    // The delayed answer to round 1 accepts A1, which slot 0 no longer holds.
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 1, accepted: [A1] });
    expect(sent.splice(0)).toEqual([
      {
        type: "slotFailed",
        jobMasterId: JM1,
        resourceId: "tm-1",
        allocationId: A1,
        reason: "tm-1 does not hold allocation a-1 offered to jm-1 any more",
      },
    ]);
    expect(core.slots().map((s) => [s.state, s.allocationId])).toEqual([["active", A2]]);
    // An old term's late acceptance of a slot now held for the new term is failed towards the old term only.
    core.receive({ type: "jobMasterChanged", resourceManagerId: RM1, jobId: "job", jobMasterId: JM2 });
    core.receive({ type: "offerAnswer", jobMasterId: JM2, offerId: 4, accepted: [A2] });
    take();
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 3, accepted: [A2] });
    expect(sent.splice(0)).toEqual([
      expect.objectContaining({ type: "slotFailed", jobMasterId: JM1, allocationId: A2 }),
    ]);
    expect(core.slotOf(A2)?.state).toBe("active");
  });

  it("offers an unanswered round again after its offer timeout", () => {
    const { core, scheduler, sent, take } = setup(1, 1_000);
    core.receive(request());
    take();
    advance(scheduler, 999);
    expect(take()).toEqual([]);
    advance(scheduler, 1);
    expect(sent.splice(0)).toEqual([expect.objectContaining({ type: "offerSlots", offerId: 2, jobMasterId: JM1 })]);
    expect(core.stats.offerRetries).toBe(1);
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 2, accepted: [A1] });
    advance(scheduler, 5_000);
    expect(take()).toEqual([]);
    expect(core.slotOf(A1)?.state).toBe("active");
  });

  it("re-offers every slot of the job to a new leader, and holds them while the job has none", () => {
    const { core, sent, take } = setup();
    core.receive(request(A1, 0));
    core.receive(request(A2, 1));
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 1, accepted: [A1] });
    take();
    core.receive({ type: "jobMasterChanged", resourceManagerId: RM1, jobId: "job", jobMasterId: null });
    expect(take()).toEqual([]);
    expect(core.slots().map((s) => s.state)).toEqual(["active", "reserved"]);
    core.receive({ type: "jobMasterChanged", resourceManagerId: RM1, jobId: "job", jobMasterId: JM2 });
    expect(sent.splice(0)).toEqual([
      { type: "registerAtJobMaster", jobMasterId: JM2, jobId: "job", resourceId: "tm-1", host: "host-a" },
      expect.objectContaining({
        type: "offerSlots",
        jobMasterId: JM2,
        offers: [
          expect.objectContaining({ allocationId: A1, slotIndex: 0 }),
          expect.objectContaining({ allocationId: A2, slotIndex: 1 }),
        ],
      }),
    ]);
    // The old leader's late answer to round 2 changes nothing.
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 2, accepted: [] });
    expect(core.slots().map((s) => s.state)).toEqual(["offered", "offered"]);
  });

  it("frees a slot for its job master, closes the connection with its last slot, and answers heartbeats", () => {
    const { core, sent, take } = setup();
    core.receive(request(A1, 0));
    core.receive(request(A2, 1));
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 1, accepted: [A1] });
    core.receive({ type: "offerAnswer", jobMasterId: JM1, offerId: 2, accepted: [A2] });
    take();
    core.receive({ type: "heartbeatRequest", jobMasterId: JM1 });
    expect(sent.splice(0)).toEqual([{ type: "heartbeat", jobMasterId: JM1, resourceId: "tm-1", activeSlots: 2 }]);
    core.receive({ type: "freeSlot", jobMasterId: JM1, allocationId: A1, reason: "idle" });
    expect(take()).toEqual(["slotFreed"]);
    core.receive({ type: "freeSlot", jobMasterId: JM1, allocationId: A2, reason: "idle" });
    expect(sent.splice(0)).toEqual([
      expect.objectContaining({ type: "slotFreed", allocationId: A2 }),
      expect.objectContaining({ type: "disconnectFromJobMaster", jobMasterId: JM1, jobId: "job" }),
    ]);
    core.receive({ type: "heartbeatRequest", jobMasterId: JM1 });
    expect(take()).toEqual([]);
    expect(core.stats.staleMessages).toBe(1);
  });

  it("runs tasks, fails those it cannot run, and cancels them when their slot is freed or on request", () => {
    const { core, scheduler, sent, take } = setup();
    core.receive(request(A1, 0));
    core.receive({ type: "cancelSlot", resourceManagerId: RM1, allocationId: A1 }); // already offered: ignored
    take();
    const submit = (taskId: string, task: TaskSpec, allocation = A1) =>
      core.receive({ type: "submitTask", jobMasterId: JM1, allocationId: allocation, taskId, task });
    submit("t1", { kind: "sleep", durationMs: 100, result: [1, 2] });
    expect(core.slotOf(A1)?.state).toBe("active"); // a task marks an offered slot active
    submit("t2", { kind: "module", module: "/nowhere.js" });
    submit("t3", { kind: "sleep", durationMs: 1_000 });
    submit("t4", { kind: "sleep", durationMs: 1_000 });
    submit("t5", { kind: "sleep", durationMs: 1 }, A2);
    submit("t3", { kind: "sleep", durationMs: 1 });
    core.receive({ type: "cancelTask", jobMasterId: JM1, taskId: "t4" });
    advance(scheduler, 100);
    const finished = sent
      .splice(0)
      .flatMap((m) => (m.type === "taskFinished" ? [[m.taskId, m.outcome, m.value, m.error]] : []));
    expect(finished).toEqual([
      ["t2", "failed", null, "no modules here"],
      ["t5", "failed", null, "no slot holds allocation a-2 on tm-1"],
      ["t3", "failed", null, "task id t3 is already in use"],
      ["t4", "cancelled", null, "cancelled by the job master"],
      ["t1", "succeeded", [1, 2], null],
    ]);
    expect(core.slotOf(A1)?.runningTasks).toBe(1);
    core.receive({ type: "freeSlot", jobMasterId: JM1, allocationId: A1, reason: "job done" });
    expect(
      sent.splice(0).map((m) => (m.type === "taskFinished" ? `${m.taskId}:${m.outcome}:${m.error}` : m.type)),
    ).toEqual(["t3:cancelled:slot freed: job done", "slotFreed", "disconnectFromJobMaster"]);
    expect(core.stats).toMatchObject({ tasksStarted: 4, tasksSucceeded: 1, tasksFailed: 1, tasksCancelled: 2 });
  });

  it("fails a slot on its own: the job master and the resource manager are told", () => {
    const { core, sent, take } = setup(1);
    core.receive(request());
    take();
    expect(core.failSlot(A1, "disk full")).toBe(true);
    expect(sent.splice(0)).toEqual([
      { type: "slotFailed", jobMasterId: JM1, resourceId: "tm-1", allocationId: A1, reason: "disk full" },
      expect.objectContaining({ type: "slotFreed", allocationId: A1 }),
      expect.objectContaining({ type: "disconnectFromJobMaster" }),
    ]);
    expect(core.failSlot(A1, "again")).toBe(false);
    core.stop();
    core.receive(request());
    expect(take()).toEqual([]);
  });
});
