import { readdirSync } from "node:fs";
import { loadScenarioFile, type SimulationResult, simulate, staticTaskManagers } from "@slotpool/testkit";
import { describe, expect, it } from "vitest";
import { EXAMPLES_DIR, expectConsistentReport, scenarioOf } from "./fixtures/simulation.js";

const files = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

/** Everything a run produces, as bytes. */
function bytes(result: SimulationResult): string {
  return JSON.stringify({
    report: result.report,
    trace: result.trace,
    taskManagers: result.taskManagers,
    vertices: result.vertices,
    endedAtMs: result.endedAtMs,
  });
}

/** Six TaskManagers registering at the given times (one slot each, offered up front) and a job of 3 tasks. */
function cluster(times: readonly number[]): string {
  const tms = times.map((t, i) => {
    const id = "abcdef"[i];
    return `    - { id: tm-${id}, host: h-${id}, slots: 1, registerAtMs: ${t} }`;
  });
  return `
name: race
cluster:
  offerAllSlots: true
  taskManagers:
${tms.join("\n")}
job:
  vertices:
    - { id: v, parallelism: 3 }
`;
}

/** Three TaskManagers register at 0, two at 500, one alone at 900. */
const RACE = cluster([0, 0, 0, 500, 500, 900]);

describe("determinism", () => {
  it.each(files)("%s: the same file and seed give byte-identical reports and traces", async (file) => {
    const first = simulate(await loadScenarioFile(`${EXAMPLES_DIR}${file}`));
    const second = simulate(await loadScenarioFile(`${EXAMPLES_DIR}${file}`));
    expect(JSON.stringify(second.report)).toBe(JSON.stringify(first.report));
    expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
    expect(bytes(second)).toBe(bytes(first));
  });

  it("the seed option overrides the file's seed and is reported", () => {
    const scenario = scenarioOf(`${RACE}seed: 4\n`);
    expect(bytes(simulate(scenario, { seed: 4 }))).toBe(bytes(simulate(scenario)));
    expect(simulate(scenario, { seed: 9 }).seed).toBe(9);
    expect(simulate(scenario).seed).toBe(4);
  });

  it("the seed orders only TaskManagers that register at the same instant", () => {
    const scenario = scenarioOf(RACE);
    const orders = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const ids = staticTaskManagers(scenario, seed).map((tm) => tm.id);
      expect(new Set(ids.slice(0, 3))).toEqual(new Set(["tm-a", "tm-b", "tm-c"]));
      expect(new Set(ids.slice(3, 5))).toEqual(new Set(["tm-d", "tm-e"]));
      expect(ids[5]).toBe("tm-f");
      expect(staticTaskManagers(scenario, seed).map((tm) => tm.id)).toEqual(ids);
      orders.add(ids.join());
    }
    // 3! × 2! = 12 possible orders; 40 seeds see several of them.
    expect(orders.size).toBeGreaterThan(3);
  });

  it("a different seed changes where tasks land only through same-instant registrations", () => {
    const raced = scenarioOf(RACE);
    const reports = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const result = simulate(raced, { seed, checkInvariants: true });
      expectConsistentReport(raced, result);
      expect(result.report.summary).toEqual({ tasks: 3, placed: 3, failed: 0, slotsUsed: 3, taskManagersUsed: 3 });
      // Everything lands on the three TaskManagers of the first instant, in some order.
      expect(new Set(result.report.assignments.map((a) => a.taskManager))).toEqual(new Set(["tm-a", "tm-b", "tm-c"]));
      reports.add(JSON.stringify(result.report));
    }
    expect(reports.size).toBeGreaterThan(1);

    // Distinct registration times: every seed gives the same bytes (but its own seed).
    const ordered = scenarioOf(cluster([0, 1, 2, 500, 501, 900]));
    const reference = bytes(simulate(ordered, { seed: 0 }));
    for (let seed = 1; seed < 8; seed++) expect(bytes(simulate(ordered, { seed }))).toBe(reference);
  });
});
