import { ResourceProfile, type ResourceSpec } from "@slotpool/core";
import { type Scenario, type SimulationResult, simulate, type TraceEvent } from "@slotpool/testkit";
import { type CommandSpec, integerFlag, type ParsedArgs } from "../args.js";
import { CliUsageError } from "../cli-error.js";
import { type PlacementEnd, placementEnds } from "../render/placement.js";
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
    json: { type: "boolean", description: "print the status, the reason and the task's trace as JSON" },
  },
  examples: [
    "slotpool explain examples/iterative-colocation.yaml --task iteration-tail:1",
    "slotpool explain examples/heterogeneous-profiles.yaml --task train:3",
    "slotpool explain examples/failure-story.yaml --task window:2 --json",
  ],
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

const LOCALITY_MEANING: Readonly<Record<string, string>> = {
  LOCAL: "on a preferred TaskManager (or in the slot its co-location group already holds)",
  HOST_LOCAL: "not on a preferred TaskManager, but on a preferred host",
  NON_LOCAL: "it had preferences and none could be met",
  UNCONSTRAINED: "it had no location preference",
  UNKNOWN: "the request was queued and answered later by a slot that arrived, so no preference was weighed",
};

type TaskEvent = Extract<TraceEvent, { vertex: string }>;

/**
 * The story of one subtask, as lines of text: a status line, what it needs, every trace event
 * (submission with the candidates considered and the rule that decided, placements, losses,
 * resubmissions, failure), and — for a placed task — what its locality means, or — for a failed or
 * pending one — why ("needs cpu 4, 16384 MB, gpu 1; 3 of the cluster's 9 slots match, all busy …").
 *
 * @param scenario - optional: the task's preferred locations are taken from it.
 * @example
 * ```ts
 * explainTask(result, "map", 3).join("\n");
 * ```
 */
export function explainTask(result: SimulationResult, vertex: string, subtask: number, scenario?: Scenario): string[] {
  const events = result.trace.filter(
    (t): t is TaskEvent => "vertex" in t && t.vertex === vertex && t.subtask === subtask,
  );
  const v = result.vertices.find((x) => x.id === vertex);
  const name = `${vertex}#${subtask}`;
  const ends = placementEnds(result);
  const placements = result.report.assignments
    .map((a, i) => ({ ...a, end: ends[i] }))
    .filter((a) => a.vertex === vertex && a.subtask === subtask);
  const failure = result.report.failures.find((f) => f.vertex === vertex && f.subtask === subtask);
  const current = placements.at(-1);
  const lines: string[] = [];

  if (failure !== undefined) lines.push(`${name}: failed (${failure.code} at ${failure.atMs} ms)`);
  else if (current !== undefined && current.end?.kind !== "lost") {
    lines.push(
      `${name}: placed on ${current.taskManager} slot ${current.slotIndex} (host ${current.host}, allocation ${current.allocationId}), locality ${current.locality}${
        current.end?.kind === "finished" ? `; finished at ${current.end.atMs} ms` : ""
      }`,
    );
  } else lines.push(`${name}: pending when the run went quiet at ${result.endedAtMs} ms`);

  const prefs = scenario?.job.vertices.find((x) => x.id === vertex)?.preferredLocations[subtask] ?? [];
  const facts = [
    `needs ${profileText(v?.profile)}`,
    v?.slotSharingGroup === undefined ? "no slot sharing" : `sharing group ${v.slotSharingGroup}`,
    ...(v?.coLocationGroup === undefined ? [] : [`co-location group ${v.coLocationGroup}`]),
    ...(scenario === undefined
      ? []
      : [
          prefs.length === 0
            ? "no preferred location"
            : `prefers ${prefs.map((p) => ("host" in p ? `host ${p.host}` : p.taskManager)).join(", ")}`,
        ]),
  ];
  lines.push(`  ${facts.join(" · ")}`);

  const width = Math.max(4, ...events.map((t) => `${t.atMs}`.length)) + 3;
  const at = (ms: number): string => `${ms} ms`.padStart(width);
  const pad = " ".repeat(width + 4);
  for (const t of events) {
    switch (t.kind) {
      case "submitted": {
        const d = t.decision;
        lines.push(
          `  ${at(t.atMs)}  submitted — ${d.text}`,
          `${pad}candidates: ${d.resolvedSharedSlots} resolved shared slot(s), ${d.pendingSharedSlots} pending shared slot(s), ${d.freeSlots} free slot(s) (${d.matchingFreeSlots} matching), ${d.requestsAhead} request(s) ahead`,
          `${pad}rule: ${d.rule}`,
        );
        break;
      }
      case "placed":
        lines.push(
          `  ${at(t.atMs)}  placed on ${t.taskManager} slot ${t.slotIndex} (${t.allocationId}), locality ${t.locality}`,
        );
        break;
      case "failed":
        lines.push(`  ${at(t.atMs)}  failed: ${t.code} — ${t.message}`);
        break;
      case "lost":
        lines.push(`  ${at(t.atMs)}  lost its slot: ${t.code} — ${t.message}`);
        break;
      case "resubmitted":
        lines.push(`  ${at(t.atMs)}  resubmitted (a task that loses its slot is requested again, queued)`);
        break;
      case "finished":
        lines.push(`  ${at(t.atMs)}  finished; its slot was released`);
        break;
    }
  }

  if (failure === undefined && current !== undefined && current.end?.kind !== "lost") {
    lines.push(`Locality ${current.locality}: ${LOCALITY_MEANING[current.locality] ?? current.locality}.`);
    if (v?.coLocationGroup !== undefined) {
      const partners = result.vertices.filter((x) => x.coLocationGroup === v.coLocationGroup && x.id !== vertex);
      for (const p of partners) {
        const other = result.report.assignments.filter((a) => a.vertex === p.id && a.subtask === subtask).at(-1);
        lines.push(
          other === undefined
            ? `Co-location: ${p.id}#${subtask} (group ${v.coLocationGroup}) was not placed.`
            : `Co-location: ${p.id}#${subtask} (group ${v.coLocationGroup}) is on ${other.taskManager} slot ${other.slotIndex}${
                other.allocationId === current.allocationId ? ", the same slot" : ""
              }.`,
        );
      }
    }
  } else {
    lines.push(`Why: ${whyNotPlaced(result, vertex, subtask, failure?.atMs ?? result.endedAtMs, events, ends)}`);
  }
  return lines;
}

function profileText(spec: ResourceSpec | undefined): string {
  return spec === undefined ? "an unknown profile (any slot fits)" : ResourceProfile.of(spec).toString();
}

/** Capacity analysis for a task that ended failed or pending at `atMs`. */
function whyNotPlaced(
  result: SimulationResult,
  vertex: string,
  subtask: number,
  atMs: number,
  events: readonly TaskEvent[],
  ends: readonly (PlacementEnd | undefined)[],
): string {
  const v = result.vertices.find((x) => x.id === vertex);
  const required = v?.profile === undefined ? ResourceProfile.UNKNOWN : ResourceProfile.of(v.profile);
  let total = 0;
  let matching = 0;
  const matchingTms = new Map<string, number>();
  const shapes = new Map<string, number>();
  for (const tm of result.taskManagers) {
    total += tm.slots;
    const offered = tm.slotProfile === undefined ? ResourceProfile.UNKNOWN : ResourceProfile.of(tm.slotProfile);
    shapes.set(offered.toString(), (shapes.get(offered.toString()) ?? 0) + tm.slots);
    if (offered.isMatching(required)) {
      matching += tm.slots;
      matchingTms.set(tm.id, tm.slots);
    }
  }
  const parts: string[] = [];
  const needs = `it needs ${profileText(v?.profile)}`;
  if (matching === 0) {
    parts.push(
      `${needs}, and no slot in the cluster is that large (slots: ${[...shapes].map(([p, n]) => `${p} ×${n}`).join("; ") || "none"})`,
    );
  } else {
    const busy = new Set<string>();
    result.report.assignments.forEach((a, i) => {
      if (!matchingTms.has(a.taskManager) || a.atMs > atMs) return;
      const end = ends[i];
      if (end !== undefined && end.atMs <= atMs) return;
      if (a.vertex === vertex && a.subtask === subtask) return;
      busy.add(`${a.vertex}#${a.subtask}`);
    });
    const lost = result.taskManagers.filter(
      (tm) => matchingTms.has(tm.id) && tm.lostAtMs !== undefined && tm.lostAtMs <= atMs,
    ).length;
    const list = [...matchingTms].map(([id, n]) => `${id} ×${n}`).join(", ");
    const holders = [...busy];
    parts.push(
      `${needs}; ${matching} of the cluster's ${total} slots match (${list})${lost > 0 ? `, ${lost} of those TaskManagers were lost by then` : ""}` +
        (holders.length === 0
          ? `; at ${atMs} ms none of them held a task`
          : `; at ${atMs} ms they were busy with ${holders.slice(0, 8).join(", ")}${holders.length > 8 ? ` and ${holders.length - 8} more` : ""}`),
    );
  }
  const first = events.find((t) => t.kind === "submitted");
  if (first !== undefined)
    parts.push(`${first.decision.requestsAhead} request(s) were ahead of it when it was submitted`);
  return `${parts.join("; ")}.`;
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
    const [status = "", ...rest] = explainTask(result, vertex, subtask, scenario);
    const why = rest.find((l) => l.startsWith("Why: "))?.slice(5);
    io.stdout(
      `${JSON.stringify({ vertex, subtask, status: status.slice(`${vertex}#${subtask}: `.length), ...(why === undefined ? {} : { why }), trace }, null, 2)}\n`,
    );
  } else {
    io.stdout(`${explainTask(result, vertex, subtask, scenario).join("\n")}\n`);
  }
  return 0;
}
