import { type RunProgress, runScenario } from "@slotpool/testkit";
import { describe, expect, it } from "vitest";
import { expectConsistentReport, scenarioOf, storyOf } from "./fixtures/simulation.js";

/** Whether a process with this id still exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("runScenario on real worker processes", () => {
  it("runs every task to its end on two workers, reports like the simulator, and leaves no worker behind", async () => {
    const scenario = scenarioOf(`
name: real-run
cluster:
  taskManagers: [{ id: tm-1, slots: 2 }, { id: tm-2, slots: 2 }]
job:
  vertices:
    - { id: load, parallelism: 3, durationMs: 150 }
    - { id: map, parallelism: 3, durationMs: 50, slotSharingGroup: g }
    - { id: sink, parallelism: 2, durationMs: 50, slotSharingGroup: g }
`);
    const progress: RunProgress[] = [];
    const { result, aborted, workerPids } = await runScenario(scenario, {
      workers: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(aborted).toBe(false);
    expectConsistentReport(scenario, result);
    expect(result.report.summary).toMatchObject({ tasks: 8, placed: 8, failed: 0 });
    for (const v of scenario.job.vertices) {
      for (let s = 0; s < v.parallelism; s++) expect(storyOf(result, v.id, s).at(-1)).toBe("finished");
    }
    // At most two workers, each one a TaskManager of the report.
    const used = new Set(result.report.assignments.map((a) => a.taskManager));
    expect(used.size).toBeGreaterThanOrEqual(1);
    expect(used.size).toBeLessThanOrEqual(2);
    expect(workerPids.length).toBeGreaterThanOrEqual(1);
    expect(workerPids.length).toBeLessThanOrEqual(2);
    for (const pid of workerPids) expect(alive(pid)).toBe(false);
    expect(progress.at(-1)).toMatchObject({ tasks: 8, placed: 8, finished: 8, failed: 0 });
  }, 20_000);

  it("stops when the signal aborts mid-run, resolving with aborted: true and no surviving worker", async () => {
    const scenario = scenarioOf(`
name: aborted-run
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job:
  vertices: [{ id: slow, parallelism: 4, durationMs: 60000 }]
events: [{ atMs: 120000, loseTaskManager: tm-1 }]
`);
    const controller = new AbortController();
    const { result, aborted, workerPids } = await runScenario(scenario, {
      workers: 2,
      signal: controller.signal,
      // Abort as soon as the first task runs.
      onProgress: (p) => {
        if (p.placed > 0) controller.abort();
      },
    });
    expect(aborted).toBe(true);
    expectConsistentReport(scenario, result);
    expect(result.report.summary.placed).toBeGreaterThan(0);
    expect(result.trace.some((t) => t.kind === "finished")).toBe(false);
    // The event due at 120 s was never applied.
    expect(result.trace.some((t) => t.kind === "event" && t.text.includes("is lost"))).toBe(false);
    expect(workerPids.length).toBeGreaterThan(0);
    for (const pid of workerPids) expect(alive(pid)).toBe(false);
  }, 20_000);

  it("resolves at once with nothing started when the signal is already aborted", async () => {
    const scenario = scenarioOf(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 1, durationMs: 100 }] }
`);
    const controller = new AbortController();
    controller.abort();
    const { result, aborted, workerPids } = await runScenario(scenario, { signal: controller.signal });
    expect(aborted).toBe(true);
    expect(workerPids).toEqual([]);
    expect(result.trace).toEqual([]);
    expectConsistentReport(scenario, result);
    expect(result.report.summary).toEqual({ tasks: 1, placed: 0, failed: 0, slotsUsed: 0, taskManagersUsed: 0 });
  }, 20_000);
});
