import { VirtualScheduler } from "@slotpool/core";
import { EmbeddedResourceManager } from "@slotpool/resource-manager";
import { type ClusterBackend, JobExecution, type Scenario, staticTaskManagers } from "@slotpool/testkit";
import { describe, expect, it } from "vitest";
import { expectConsistentReport, scenarioOf, simulateYaml, storyOf, traceOf } from "./fixtures/simulation.js";

describe("resubmission policy", () => {
  it("a lost task waits and takes the slot a finishing task frees", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job:
  vertices:
    - { id: long, parallelism: 1, durationMs: 10000 }
    - { id: stream, parallelism: 1 }
events:
  - { atMs: 1000, addTaskManager: { id: tm-2, slots: 1 } }
  - { atMs: 3000, loseTaskManager: tm-2 }
`);
    // stream waits for tm-2 (1 s), loses it (3 s), and gets tm-1's slot when long finishes.
    const stream = traceOf(result, "stream", 0);
    expect(stream.map((t) => t.kind)).toEqual(["submitted", "placed", "lost", "resubmitted", "submitted", "placed"]);
    expect(stream[1]).toMatchObject({ taskManager: "tm-2" });
    const finished = traceOf(result, "long", 0).find((t) => t.kind === "finished");
    expect(stream[5]).toMatchObject({ taskManager: "tm-1", atMs: finished?.atMs });
    expect(result.report.summary).toMatchObject({ placed: 2, failed: 0 });
  });

  it("a lost task is placed when a TaskManager is added", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 1 }] }
events:
  - { atMs: 1000, loseTaskManager: tm-1 }
  - { atMs: 60000, addTaskManager: { id: tm-2, slots: 1 } }
`);
    const story = traceOf(result, "v", 0);
    expect(story.map((t) => t.kind)).toEqual(["submitted", "placed", "lost", "resubmitted", "submitted", "placed"]);
    expect(story[5]).toMatchObject({ taskManager: "tm-2" });
    expect(story[5]?.atMs).toBeGreaterThan(60_000);
  });

  it("a resubmitted task fails when its request times out (the vertex's timeoutMs)", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 1, timeoutMs: 20000 }] }
events: [{ atMs: 1000, loseTaskManager: tm-1 }]
`);
    const story = traceOf(result, "v", 0);
    expect(story.map((t) => t.kind)).toEqual(["submitted", "placed", "lost", "resubmitted", "submitted", "failed"]);
    expect(story[5]).toMatchObject({ code: "TIMEOUT", atMs: (story[3]?.atMs ?? 0) + 20_000 });
    expect(result.report.summary).toMatchObject({ placed: 0, failed: 1, slotsUsed: 1 });
  });

  const FAIL_TWICE = `
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 1 }] }
events:
  - { atMs: 1000, failAllocation: { taskManager: tm-1, slotIndex: 0 } }
  - { atMs: 2000, failAllocation: { taskManager: tm-1, slotIndex: 0 } }
`;

  it("fails a task with RESUBMISSION_LIMIT once it was lost more than maxResubmissions times", () => {
    const result = simulateYaml(FAIL_TWICE, { maxResubmissions: 1 });
    const story = traceOf(result, "v", 0);
    expect(story.map((t) => t.kind)).toEqual([
      "submitted",
      "placed",
      "lost",
      "resubmitted",
      "submitted",
      "placed",
      "lost",
      "failed",
    ]);
    expect(story[7]).toMatchObject({ code: "RESUBMISSION_LIMIT", message: "v#0 was lost 1 times." });
    expect(result.report.summary).toMatchObject({ placed: 0, failed: 1, slotsUsed: 2 });
  });

  it("resubmits again under the default limit, and not at all with maxResubmissions 0", () => {
    const again = simulateYaml(FAIL_TWICE);
    expect(storyOf(again, "v", 0).filter((k) => k === "placed")).toHaveLength(3);
    expect(again.report.summary).toMatchObject({ placed: 1, failed: 0, slotsUsed: 3 });

    const never = simulateYaml(FAIL_TWICE, { maxResubmissions: 0 });
    expect(storyOf(never, "v", 0)).toEqual(["submitted", "placed", "lost", "failed"]);
    expect(never.report.failures[0]).toMatchObject({ code: "RESUBMISSION_LIMIT" });
  });
});

/** The embedded cluster on virtual time, with tasks that end as `outcome` says. */
function backendFor(
  scenario: Scenario,
  outcome: (vertex: string) => Error | undefined,
): { backend: ClusterBackend; rm: EmbeddedResourceManager; scheduler: VirtualScheduler } {
  const scheduler = new VirtualScheduler();
  const rm = new EmbeddedResourceManager({ scheduler, taskExecutors: staticTaskManagers(scenario, 0) });
  const backend: ClusterBackend = {
    scheduler,
    adapter: rm,
    startTask: (slot, durationMs, done) => {
      if (durationMs === null) return false;
      const vertex = slot.vertexId;
      scheduler.schedule(() => done(outcome(vertex)), durationMs);
      return true;
    },
    loseTaskManager: (id) => rm.loseTaskExecutor(id),
    addTaskManager: () => false,
    disconnectResourceManager: () => false,
    reconnectResourceManager: () => false,
    freezeTaskManager: () => false,
    thawTaskManager: () => false,
    failSlot: () => false,
    extraTaskManagers: () => [],
  };
  return { backend, rm, scheduler };
}

function runQuiet(
  execution: JobExecution,
  rm: EmbeddedResourceManager,
  scheduler: VirtualScheduler,
  untilMs: number,
): void {
  for (;;) {
    const next = scheduler.nextDueTime();
    if (next === undefined || next > untilMs || (execution.isQuiet && rm.messagesInFlight === 0)) return;
    scheduler.advanceTo(next);
  }
}

describe("JobExecution", () => {
  it("does not resubmit a task that failed by itself; its slot serves the next task and the run goes quiet", () => {
    const scenario = scenarioOf(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job:
  vertices:
    - { id: crash, parallelism: 1, durationMs: 500 }
    - { id: ok, parallelism: 1, durationMs: 500 }
`);
    const { backend, rm, scheduler } = backendFor(scenario, (vertex) =>
      vertex === "crash" ? new Error("the task exited with code 1") : undefined,
    );
    const execution = new JobExecution(scenario, backend, { seed: 0, checkInvariants: true });
    execution.start();
    runQuiet(execution, rm, scheduler, 1_000_000);
    expect(execution.isQuiet).toBe(true);
    expect(scheduler.now()).toBeLessThan(2_000);
    const result = execution.finish();
    expectConsistentReport(scenario, result);
    expect(storyOf(result, "crash", 0)).toEqual(["submitted", "placed", "failed"]);
    expect(result.report.failures).toEqual([
      expect.objectContaining({ vertex: "crash", code: "ERROR", message: "the task exited with code 1" }),
    ]);
    const crashed = result.report.failures[0]?.atMs;
    expect(traceOf(result, "ok", 0).find((t) => t.kind === "placed")?.atMs).toBe(crashed);
    expect(storyOf(result, "ok", 0)).toEqual(["submitted", "placed", "finished"]);
    expect(execution.progress()).toEqual({ tasks: 2, placed: 1, finished: 1, failed: 1 });
    rm.shutdown();
  });

  it("dispose() leaves no timer armed and does not change the result", () => {
    const scenario = scenarioOf(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 3, durationMs: 10000 }] }
events: [{ atMs: 50000, loseTaskManager: tm-1 }]
`);
    const { backend, rm, scheduler } = backendFor(scenario, () => undefined);
    const execution = new JobExecution(scenario, backend, { seed: 0 });
    expect(() => execution.dispose()).toThrow(/finish/);
    execution.start();
    scheduler.advanceTo(1_000);
    // Stopped mid-run: one task runs, two wait with their request timeouts armed, an event is due.
    expect(execution.isQuiet).toBe(false);
    const result = execution.finish();
    const before = JSON.stringify(result);
    execution.dispose();
    execution.dispose();
    rm.shutdown();
    scheduler.flush();
    expect(scheduler.now()).toBeLessThan(50_000);
    expect(JSON.stringify(result)).toBe(before);
    expect(result.report.summary).toMatchObject({ tasks: 3, placed: 1, failed: 0 });
  });
});
