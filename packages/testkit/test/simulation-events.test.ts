import { describe, expect, it } from "vitest";
import { lastPlacements, notes, simulateYaml, storyOf, taskKey, traceOf } from "./fixtures/simulation.js";

/** Two TaskManagers of two slots each and four long-running tasks; `extra` adds fields and events. */
const TWO_TMS = (extra: string) => `
cluster:
  taskManagers:
    - { id: tm-1, host: host-a, slots: 2 }
    - { id: tm-2, host: host-b, slots: 2 }
job:
  vertices: [{ id: v, parallelism: 4 }]
${extra}`;

describe("scenario events", () => {
  it("loseTaskManager: its tasks are lost with TASK_MANAGER_LOST and resubmitted", () => {
    const result = simulateYaml(TWO_TMS("events: [{ atMs: 2000, loseTaskManager: tm-2 }]"));
    const onTm2 = result.report.assignments.filter((a) => a.taskManager === "tm-2");
    expect(onTm2).toHaveLength(2);
    for (const a of onTm2) {
      const lost = traceOf(result, a.vertex, a.subtask).find((t) => t.kind === "lost");
      expect(lost).toMatchObject({ code: "TASK_MANAGER_LOST" });
      expect(lost?.atMs).toBeGreaterThanOrEqual(2_000);
      // No capacity returns: the resubmitted request times out (allocationMs, 300 s by default).
      const story = traceOf(result, a.vertex, a.subtask);
      expect(story.map((t) => t.kind)).toEqual(["submitted", "placed", "lost", "resubmitted", "submitted", "failed"]);
      expect(story[5]).toMatchObject({ code: "TIMEOUT", atMs: (lost?.atMs ?? 0) + 300_000 });
    }
    // Tasks on tm-1 are untouched.
    for (const a of result.report.assignments.filter((x) => x.taskManager === "tm-1")) {
      expect(storyOf(result, a.vertex, a.subtask)).toEqual(["submitted", "placed"]);
    }
    expect(result.taskManagers.find((tm) => tm.id === "tm-2")?.lostAtMs).toBe(2_000);
    expect(result.taskManagers.find((tm) => tm.id === "tm-1")?.lostAtMs).toBeUndefined();
    expect(notes(result)).toContain("TaskManager tm-2 is lost");
  });

  it("addTaskManager: a new TaskManager registers at the event time and takes waiting tasks", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 3 }] }
events: [{ atMs: 3000, addTaskManager: { id: tm-9, host: host-z, slots: 2 } }]
`);
    expect(result.report.summary).toMatchObject({ placed: 3, failed: 0, taskManagersUsed: 2 });
    const late = result.report.assignments.filter((a) => a.taskManager === "tm-9");
    expect(late).toHaveLength(2);
    for (const a of late) {
      expect(a.host).toBe("host-z");
      expect(a.atMs).toBeGreaterThan(3_000);
    }
    expect(result.taskManagers.find((tm) => tm.id === "tm-9")).toMatchObject({ registeredAtMs: 3_000, slots: 2 });
  });

  it("disconnectResourceManager / connectResourceManager: requests wait in the stash until the RM returns", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job: { submitAtMs: 100, vertices: [{ id: v, parallelism: 2 }] }
events:
  - { atMs: 50, disconnectResourceManager: true }
  - { atMs: 4000, connectResourceManager: true }
`);
    expect(result.report.summary).toMatchObject({ placed: 2, failed: 0 });
    for (const a of result.report.assignments) expect(a.atMs).toBeGreaterThan(4_000);
    expect(notes(result)).toEqual(
      expect.arrayContaining(["the resource manager disconnects", "the resource manager reconnects"]),
    );
  });

  it("disconnectResourceManager without a reconnect: stashed requests fail after resourceManagerRequestMs", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job: { submitAtMs: 100, vertices: [{ id: v, parallelism: 2 }] }
timeouts: { resourceManagerRequestMs: 3000 }
events: [{ atMs: 50, disconnectResourceManager: true }]
`);
    expect(result.report.summary).toMatchObject({ placed: 0, failed: 2, slotsUsed: 0 });
    for (const f of result.report.failures) expect(f).toMatchObject({ code: "NO_RESOURCE_AVAILABLE", atMs: 3_100 });
  });

  it("freezeTaskManager: the heartbeat timeout declares it lost and its tasks move on", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 1 }] }
events:
  - { atMs: 1000, freezeTaskManager: tm-1 }
  - { atMs: 2000, addTaskManager: { id: tm-2, slots: 1 } }
`);
    // Nothing happens after 2 s, yet the run lasts until the loss is detected (Flink's 50 s heartbeat timeout).
    const story = traceOf(result, "v", 0);
    expect(story.map((t) => t.kind)).toEqual(["submitted", "placed", "lost", "resubmitted", "submitted", "placed"]);
    expect(story[2]).toMatchObject({ code: "TASK_MANAGER_LOST" });
    expect(story[2]?.atMs).toBeGreaterThanOrEqual(50_000);
    expect(story[2]?.atMs).toBeLessThanOrEqual(61_000);
    expect(story[5]).toMatchObject({ taskManager: "tm-2" });
    expect(notes(result)).toContain("TaskManager tm-1 freezes (no heartbeats)");
  });

  it("unfreezeTaskManager before the heartbeat timeout: nothing is lost", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 1, durationMs: 80000 }] }
events: [{ atMs: 1000, freezeTaskManager: tm-1 }, { atMs: 20000, unfreezeTaskManager: tm-1 }]
`);
    expect(storyOf(result, "v", 0)).toEqual(["submitted", "placed", "finished"]);
    expect(notes(result)).toContain("TaskManager tm-1 thaws");
  });

  it("unfreezeTaskManager after the timeout: the TaskManager comes back and hosts the lost task again", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 1 }] }
events: [{ atMs: 1000, freezeTaskManager: tm-1 }, { atMs: 100000, unfreezeTaskManager: tm-1 }]
`);
    expect(storyOf(result, "v", 0)).toEqual(["submitted", "placed", "lost", "resubmitted", "submitted", "placed"]);
    const [first, second] = result.report.assignments;
    expect(second?.taskManager).toBe("tm-1");
    expect(second?.atMs).toBeGreaterThan(100_000);
    expect(second?.allocationId).not.toBe(first?.allocationId);
    expect(result.report.summary).toMatchObject({ placed: 1, slotsUsed: 2 });
  });

  it("failAllocation: the tasks in that slot are lost with ALLOCATION_FAILED and placed in a new allocation", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job:
  vertices:
    - { id: a, parallelism: 2, slotSharingGroup: g }
    - { id: b, parallelism: 2, slotSharingGroup: g }
events: [{ atMs: 1000, failAllocation: { taskManager: tm-1, slotIndex: 0 } }]
`);
    const victims = result.report.assignments.filter((a) => a.slotIndex === 0 && a.atMs < 1_000);
    expect(victims.map((a) => a.vertex).sort()).toEqual(["a", "b"]);
    for (const v of victims) {
      const lost = traceOf(result, v.vertex, v.subtask).find((t) => t.kind === "lost");
      expect(lost).toMatchObject({ code: "ALLOCATION_FAILED", atMs: 1_001 });
      const last = lastPlacements(result).get(taskKey(v.vertex, v.subtask));
      expect(last?.atMs).toBeGreaterThan(1_000);
      expect(last?.allocationId).not.toBe(v.allocationId);
    }
    // The other slot's tasks never moved.
    for (const a of result.report.assignments.filter((x) => x.slotIndex === 1)) {
      expect(storyOf(result, a.vertex, a.subtask)).toEqual(["submitted", "placed"]);
    }
    expect(notes(result).some((n) => /^the allocation \S+ on tm-1 slot 0 fails$/.test(n))).toBe(true);
  });

  it("failAllocation on a slot that holds nothing changes nothing", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job: { vertices: [{ id: v, parallelism: 1 }] }
events: [{ atMs: 1000, failAllocation: { taskManager: tm-1, slotIndex: 1 } }]
`);
    expect(result.report.assignments).toHaveLength(1);
    expect(result.report.assignments[0]?.slotIndex).toBe(0);
    expect(storyOf(result, "v", 0)).toEqual(["submitted", "placed"]);
    expect(notes(result)).toContain("failAllocation on tm-1 slot 1: the slot holds no allocation");
  });

  it("suspendJobMaster / resumeJobMaster: tasks are lost with POOL_SUSPENDED and placed again after the resume", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job: { vertices: [{ id: v, parallelism: 2 }] }
events: [{ atMs: 1000, suspendJobMaster: true }, { atMs: 5000, resumeJobMaster: true }]
`);
    for (let s = 0; s < 2; s++) {
      const story = traceOf(result, "v", s);
      expect(story.map((t) => t.kind)).toEqual(["submitted", "placed", "lost", "resubmitted", "submitted", "placed"]);
      expect(story[2]).toMatchObject({ code: "POOL_SUSPENDED", atMs: 1_000 });
      // Nothing is requested or placed while the job master has no leadership.
      expect(story[3]?.atMs).toBe(5_000);
      expect(story[5]?.atMs).toBeGreaterThan(5_000);
    }
    expect(result.report.assignments).toHaveLength(4);
    expect(notes(result)).toEqual(
      expect.arrayContaining([
        "the job master loses leadership (suspend)",
        "the job master regains leadership with a new fencing token",
      ]),
    );
  });

  it("a job submitted while the job master is suspended is first requested at the resume, not as a resubmission", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job: { submitAtMs: 2000, queued: true, vertices: [{ id: v, parallelism: 2 }] }
events: [{ atMs: 1000, suspendJobMaster: true }, { atMs: 5000, resumeJobMaster: true }]
`);
    for (let s = 0; s < 2; s++) {
      const story = traceOf(result, "v", s);
      expect(story.map((t) => t.kind)).toEqual(["submitted", "placed"]);
      expect(story[0]?.atMs).toBe(5_000);
    }
  });
});
