import { fileURLToPath } from "node:url";
import { loadScenarioFile, type SimulationResult, simulate } from "@slotpool/testkit";
import { formatNumber } from "../format.js";
import { measureRounds } from "../harness.js";
import { timingRow } from "../report-rows.js";
import { summarize } from "../statistics.js";
import type { Workload } from "../workload.js";

const EXAMPLES = new URL("../../../examples/", import.meta.url);

/**
 * W6: end to end. The simulator (`simulate()` of `@slotpool/testkit`) runs the large CLI example
 * (`examples/large.yaml`: 1,000 TaskManagers × 4 slots offered up front, 5 vertices × parallelism
 * 4,000 in one sharing group, 20,000 tasks) over the whole stack on virtual time: the embedded
 * resource manager registers the cluster, the job is submitted and placed, the report and trace
 * are built. Tasks per second of simulated scheduling, one simulation per round, median of the
 * rounds. Loading the file is not timed (recorded in details).
 *
 * @example
 * ```ts
 * const report = await simulation.run(ctx);
 * ```
 */
export const simulation: Workload = {
  id: "W6",
  title: "end to end: the simulator on the large example",
  summary:
    "simulate() on examples/large.yaml (1,000 TaskManagers × 4 slots, 20,000 tasks in one sharing group) over the " +
    "whole stack on virtual time: tasks per second of virtual scheduling, one simulation per round.",
  async run(ctx) {
    // Smoke: the small co-location example (it only proves the workload runs).
    const file = ctx.smoke ? "iterative-colocation.yaml" : "large.yaml";
    const loadStart = performance.now();
    const scenario = await loadScenarioFile(fileURLToPath(new URL(file, EXAMPLES)));
    const loadMs = performance.now() - loadStart;
    const tasks = scenario.job.vertices.reduce((n, v) => n + v.parallelism, 0);
    let last: SimulationResult | undefined;
    // One simulation per round: ops is fixed at the job's task count.
    const measured = await measureRounds(ctx.harness, { initialOps: tasks, maxOps: tasks }, (_ops, sw) => {
      sw.time(() => {
        last = simulate(scenario);
      });
      if (last?.report.summary.placed !== tasks) throw new Error(`W6: ${file}: not every task was placed`);
    });
    const result = last as SimulationResult;
    const local = result.report.assignments.filter((a) => a.locality === "LOCAL").length;
    const row = timingRow({
      name: `${file}: ${tasks.toLocaleString("en-US")} tasks on ${result.report.summary.slotsUsed.toLocaleString("en-US")} slots`,
      measured,
      unit: "ops/s",
      throughputLabel: "tasks/s",
      details: {
        scenario: scenario.name,
        tasks,
        taskManagers: scenario.cluster.taskManagers.length,
        slotsUsed: result.report.summary.slotsUsed,
        localPlacements: local,
        traceEvents: result.trace.length,
        virtualEndMs: result.endedAtMs,
        loadScenarioMs: Math.round(loadMs),
        medianMsPerSimulation: Math.round((summarize(measured.nsPerOp).median * tasks) / 1e6),
      },
    });
    ctx.log(`W6: ${row.name}: ${formatNumber(row.stats.median)} tasks/s`);
    return {
      measurements: [row],
      notes: [
        "Each round is one whole simulate() call (cluster registration and offers through the embedded resource " +
          "manager, submission, placement, report and trace); the scenario is loaded once, untimed.",
      ],
    };
  },
};
