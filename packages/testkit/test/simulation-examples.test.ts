import { readdirSync } from "node:fs";
import { loadScenarioFile, type SimulationResult, simulate } from "@slotpool/testkit";
import { describe, expect, it } from "vitest";
import { EXAMPLES_DIR, expectConsistentReport, lastPlacements, storyOf, taskKey } from "./fixtures/simulation.js";

const files = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

const results = new Map<string, Promise<SimulationResult>>();

/** Simulates an example once per file (checked against the report rules); the tests below share it. */
function simulateExample(file: string): Promise<SimulationResult> {
  let result = results.get(file);
  if (result === undefined) {
    result = loadScenarioFile(`${EXAMPLES_DIR}${file}`).then((scenario) => {
      const r = simulate(scenario, { checkInvariants: true });
      expectConsistentReport(scenario, r);
      return r;
    });
    results.set(file, result);
  }
  return result;
}

describe("every example simulates with the invariant checkers on", () => {
  it("covers the examples", () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files)("%s gives a consistent DESIGN.md report", async (file) => {
    const result = await simulateExample(file);
    expect(result.report.summary.tasks).toBeGreaterThan(0);
    expect(result.report.summary.placed).toBeGreaterThan(0);
  });
});

describe("what each example shows", () => {
  it("streaming-wordcount: one shared slot per subtask index, max(parallelism) = 4 slots, nothing ends", async () => {
    const result = await simulateExample("streaming-wordcount.yaml");
    expect(result.report.summary).toEqual({ tasks: 14, placed: 14, failed: 0, slotsUsed: 4, taskManagersUsed: 2 });
    expect(result.trace.some((t) => t.kind === "finished")).toBe(false);
    // Subtask i of every vertex shares the slot of source i.
    const at = lastPlacements(result);
    for (const v of ["tokenizer", "counter"]) {
      for (let s = 0; s < 4; s++)
        expect(at.get(taskKey(v, s))?.allocationId).toBe(at.get(taskKey("source", s))?.allocationId);
    }
    expect(result.endedAtMs).toBe(Math.max(...result.report.assignments.map((a) => a.atMs)));
  });

  it("failure-story: lost tasks are placed again and appear once per placement", async () => {
    const result = await simulateExample("failure-story.yaml");
    const { summary, assignments } = result.report;
    expect(summary.placed).toBe(12);
    expect(summary.failed).toBe(0);
    const lostOnTm2 = assignments.filter((a) => a.taskManager === "tm-2" && a.atMs < 5_000);
    expect(lostOnTm2.length).toBeGreaterThan(0);
    for (const a of lostOnTm2) {
      expect(storyOf(result, a.vertex, a.subtask)).toContain("lost");
      const again = assignments.filter((b) => b.vertex === a.vertex && b.subtask === a.subtask);
      expect(again.length).toBeGreaterThanOrEqual(2);
      expect(again.at(-1)?.taskManager).not.toBe("tm-2");
    }
    // More assignments than tasks: each re-placement is listed.
    expect(assignments.length).toBeGreaterThan(summary.tasks);
    expect(result.taskManagers.find((tm) => tm.id === "tm-2")?.lostAtMs).toBe(5_000);
    expect(result.taskManagers.find((tm) => tm.id === "tm-4")?.registeredAtMs).toBe(6_000);
  });

  it("iterative-colocation: head i and tail i share one slot; the source needs its own", async () => {
    const result = await simulateExample("iterative-colocation.yaml");
    const at = lastPlacements(result);
    for (let s = 0; s < 3; s++) {
      const head = at.get(taskKey("iteration-head", s));
      expect(at.get(taskKey("iteration-tail", s))?.allocationId).toBe(head?.allocationId);
      expect(at.get(taskKey("source", s))?.allocationId).not.toBe(head?.allocationId);
    }
    expect(result.report.summary.slotsUsed).toBe(6);
  });

  it("locality-offer-all: LOCAL, HOST_LOCAL and NON_LOCAL as the story says", async () => {
    const result = await simulateExample("locality-offer-all.yaml");
    const at = lastPlacements(result);
    expect(at.get(taskKey("reader", 0))).toMatchObject({ taskManager: "tm-a1", locality: "LOCAL" });
    expect(at.get(taskKey("reader", 1))).toMatchObject({ taskManager: "tm-b1", locality: "LOCAL" });
    expect(at.get(taskKey("reader", 2))).toMatchObject({ taskManager: "tm-c1", locality: "LOCAL" });
    expect(at.get(taskKey("reader", 3))?.locality).toBe("NON_LOCAL");
    expect(at.get(taskKey("joiner", 0))).toMatchObject({ taskManager: "tm-b1", locality: "HOST_LOCAL" });
  });

  it("heterogeneous-profiles: training lands on GPU TaskManagers; the fourth times out at 30 s", async () => {
    const result = await simulateExample("heterogeneous-profiles.yaml");
    for (const a of result.report.assignments.filter((x) => x.vertex === "train")) {
      expect(["gpu-1", "gpu-2"]).toContain(a.taskManager);
    }
    for (const a of result.report.assignments.filter((x) => x.vertex === "features")) {
      expect(["large-1", "gpu-1", "gpu-2"]).toContain(a.taskManager);
    }
    expect(result.report.failures).toHaveLength(1);
    const failure = result.report.failures[0];
    expect(failure).toMatchObject({ vertex: "train", code: "TIMEOUT" });
    const submitted = result.trace.find(
      (t) => t.kind === "submitted" && t.vertex === "train" && t.subtask === failure?.subtask,
    );
    expect(failure?.atMs).toBe((submitted?.atMs ?? Number.NaN) + 30_000);
  });

  it("elastic-cluster: elastic TaskManagers register after startupMs and are reported", async () => {
    const result = await simulateExample("elastic-cluster.yaml");
    expect(result.report.summary.failed).toBe(0);
    const elastic = result.taskManagers.filter((tm) => tm.id.startsWith("elastic-"));
    expect(elastic.length).toBeGreaterThan(0);
    expect(elastic.length).toBeLessThanOrEqual(5);
    for (const tm of elastic) {
      expect(tm.registeredAtMs).toBeGreaterThanOrEqual(1_500);
      expect(tm.slots).toBe(2);
      expect(tm.slotProfile).toEqual({ cpu: 2, memoryMb: 4096 });
    }
    for (const a of result.report.assignments.filter((x) => x.taskManager.startsWith("elastic-"))) {
      expect(a.atMs).toBeGreaterThanOrEqual(1_500);
    }
  });

  it("large: 20,000 tasks on 4,000 shared slots, every source subtask on its preferred TaskManager", async () => {
    const result = await simulateExample("large.yaml");
    expect(result.report.summary).toEqual({
      tasks: 20_000,
      placed: 20_000,
      failed: 0,
      slotsUsed: 4_000,
      taskManagersUsed: 1_000,
    });
    const sources = result.report.assignments.filter((a) => a.vertex === "source");
    expect(sources).toHaveLength(4_000);
    for (const a of sources) {
      expect(a.locality).toBe("LOCAL");
      expect(a.taskManager).toBe(`tm-${String(Math.floor(a.subtask / 4) + 1).padStart(4, "0")}`);
    }
  });
});
