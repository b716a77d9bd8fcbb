import { type SimulationResult, simulate, type TraceEvent } from "@slotpool/testkit";
import { type CommandSpec, integerFlag, type ParsedArgs } from "../args.js";
import { CliUsageError } from "../cli-error.js";
import type { CommandIo } from "./io.js";
import { loadForCommand } from "./load.js";

/** `slotpool explain`. */
export const explainSpec: CommandSpec = {
  name: "explain",
  summary: "Explain why a task went where it went — or why it is pending or failed.",
  usage: "slotpool explain FILE --task VERTEX:INDEX [--seed N] [--json]",
  positionals: ["FILE"],
  options: {
    task: { type: "string", valueName: "VERTEX:INDEX", description: "the subtask to explain, e.g. map:3" },
    seed: { type: "string", valueName: "N", description: "override the scenario's seed" },
    json: { type: "boolean", description: "print the task's trace as JSON" },
  },
  examples: ["slotpool explain examples/iterative-colocation.yaml --task head:1"],
};

function parseTask(raw: unknown): { vertex: string; subtask: number } {
  if (typeof raw !== "string" || raw.length === 0) {
    throw new CliUsageError(["--task: required, as VERTEX:INDEX (e.g. --task map:3)"]);
  }
  const at = raw.lastIndexOf(":");
  const vertex = raw.slice(0, at);
  const index = raw.slice(at + 1);
  if (at <= 0 || !/^\d+$/.test(index) || !Number.isSafeInteger(Number(index))) {
    throw new CliUsageError([`--task: expected VERTEX:INDEX with an integer index ≥ 0, got ${JSON.stringify(raw)}`]);
  }
  return { vertex, subtask: Number(index) };
}

/**
 * The story of one subtask, as lines of text.
 *
 * @example
 * ```ts
 * explainTask(result, "map", 3).join("\n");
 * ```
 */
export function explainTask(result: SimulationResult, vertex: string, subtask: number): string[] {
  const events = result.trace.filter(
    (t): t is Extract<TraceEvent, { vertex: string }> => "vertex" in t && t.vertex === vertex && t.subtask === subtask,
  );
  const lines: string[] = [`${vertex}#${subtask}`];
  for (const t of events) {
    switch (t.kind) {
      case "submitted": {
        const d = t.decision;
        lines.push(
          `  ${t.atMs} ms  submitted — ${d.text}`,
          `           candidates: ${d.resolvedSharedSlots} resolved shared slot(s), ${d.pendingSharedSlots} pending shared slot(s), ${d.freeSlots} free slot(s) (${d.matchingFreeSlots} matching), ${d.requestsAhead} request(s) ahead`,
          `           rule: ${d.rule}`,
        );
        break;
      }
      case "placed":
        lines.push(
          `  ${t.atMs} ms  placed on ${t.taskManager} slot ${t.slotIndex} (${t.allocationId}), locality ${t.locality}`,
        );
        break;
      case "failed":
        lines.push(`  ${t.atMs} ms  failed: ${t.code} — ${t.message}`);
        break;
      case "lost":
        lines.push(`  ${t.atMs} ms  lost its slot: ${t.code} — ${t.message}`);
        break;
      case "resubmitted":
        lines.push(`  ${t.atMs} ms  resubmitted`);
        break;
      case "finished":
        lines.push(`  ${t.atMs} ms  finished; its slot was released`);
        break;
    }
  }
  const last = events.at(-1);
  if (last === undefined || last.kind === "submitted" || last.kind === "resubmitted") {
    lines.push(`  still pending when the run went quiet at ${result.endedAtMs} ms`);
  }
  return lines;
}

/**
 * Runs `slotpool explain`.
 *
 * @example
 * ```ts
 * await runExplain(parseCommandArgs(explainSpec, ["a.yaml", "--task", "map:0"]), io);
 * ```
 */
export async function runExplain(args: ParsedArgs, io: CommandIo): Promise<number> {
  const file = args.positionals[0] as string;
  const { vertex, subtask } = parseTask(args.values.task);
  const seed = integerFlag(args.values, "seed", 0, 2 ** 32 - 1);
  const scenario = await loadForCommand(file);
  const v = scenario.job.vertices.find((x) => x.id === vertex);
  if (v === undefined) {
    throw new CliUsageError([
      `--task: no vertex ${JSON.stringify(vertex)} in ${file} (vertices: ${scenario.job.vertices.map((x) => x.id).join(", ")})`,
    ]);
  }
  if (subtask >= v.parallelism) {
    throw new CliUsageError([`--task: ${vertex} has parallelism ${v.parallelism}; index ${subtask} is out of range`]);
  }
  const result = simulate(scenario, seed === undefined ? {} : { seed });
  if (args.values.json === true) {
    const trace = result.trace.filter((t) => "vertex" in t && t.vertex === vertex && t.subtask === subtask);
    io.stdout(`${JSON.stringify({ vertex, subtask, trace }, null, 2)}\n`);
  } else {
    io.stdout(`${explainTask(result, vertex, subtask).join("\n")}\n`);
  }
  return 0;
}
