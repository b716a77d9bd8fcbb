import { stringify } from "yaml";
import type {
  Scenario,
  ScenarioEvent,
  ScenarioLocation,
  ScenarioResources,
  ScenarioTaskManager,
  ScenarioVertex,
} from "./scenario.js";

/**
 * Writes a scenario back as a scenario file, every value explicit (defaults included, `null`
 * fields left out), so that `parseScenario(stringifyScenario(s))` equals `s`. Shared preferred
 * locations are written once; per-subtask ones as a list of lists.
 *
 * @param scenario - a scenario from {@link parseScenario}.
 * @param format - `yaml` (default) or `json`.
 * @returns the file text, ending in a newline.
 * @example
 * ```ts
 * const text = stringifyScenario(parseScenario(original), "json");
 * ```
 */
export function stringifyScenario(scenario: Scenario, format: "yaml" | "json" = "yaml"): string {
  const written = toWritten(scenario);
  return format === "json"
    ? `${JSON.stringify(written, null, 2)}\n`
    : stringify(written, { lineWidth: 0, aliasDuplicateObjects: false });
}

function toWritten(s: Scenario): Record<string, unknown> {
  const cluster: Record<string, unknown> = {
    offerAllSlots: s.cluster.offerAllSlots,
    slotSelection: s.cluster.slotSelection,
    taskManagers: s.cluster.taskManagers.map((tm) => ({ ...taskManager(tm), registerAtMs: tm.registerAtMs })),
  };
  const e = s.cluster.elastic;
  if (e !== null) {
    cluster.elastic = {
      maxTaskManagers: e.maxTaskManagers,
      slotsPerTaskManager: e.slotsPerTaskManager,
      slotProfile: resources(e.slotProfile),
      startupMs: e.startupMs,
      ...(e.idleTimeoutMs === null ? {} : { idleTimeoutMs: e.idleTimeoutMs }),
      idPrefix: e.idPrefix,
      ...(e.host === null ? { hostPrefix: e.hostPrefix } : { host: e.host }),
    };
  }
  return {
    name: s.name,
    seed: s.seed,
    cluster,
    job: { queued: s.job.queued, submitAtMs: s.job.submitAtMs, vertices: s.job.vertices.map(vertex) },
    timeouts: { ...s.timeouts },
    events: s.events.map(event),
  };
}

function resources(r: ScenarioResources): Record<string, unknown> {
  return Object.keys(r.extended).length === 0
    ? { cpu: r.cpu, memoryMb: r.memoryMb }
    : { cpu: r.cpu, memoryMb: r.memoryMb, extended: { ...r.extended } };
}

function taskManager(tm: ScenarioTaskManager): Record<string, unknown> {
  return { id: tm.id, host: tm.host, slots: tm.slots, slotProfile: resources(tm.slotProfile) };
}

function vertex(v: ScenarioVertex): Record<string, unknown> {
  const out: Record<string, unknown> = { id: v.id, parallelism: v.parallelism };
  if (v.profile !== null) out.profile = resources(v.profile);
  if (v.slotSharingGroup !== null) out.slotSharingGroup = v.slotSharingGroup;
  if (v.coLocationGroup !== null) out.coLocationGroup = v.coLocationGroup;
  const prefs = preferences(v.preferredLocations);
  if (prefs !== undefined) out.preferredLocations = prefs;
  if (v.durationMs !== null) out.durationMs = v.durationMs;
  out.timeoutMs = v.timeoutMs;
  return out;
}

function preferences(lists: readonly (readonly ScenarioLocation[])[]): unknown[] | undefined {
  if (lists.every((l) => l.length === 0)) return undefined;
  const entry = (l: ScenarioLocation): unknown => ("taskManager" in l ? l.taskManager : { host: l.host });
  const first = JSON.stringify(lists[0]);
  if (lists.every((l) => l === lists[0] || JSON.stringify(l) === first)) return (lists[0] ?? []).map(entry);
  return lists.map((l) => l.map(entry));
}

function event(e: ScenarioEvent): Record<string, unknown> {
  switch (e.type) {
    case "addTaskManager":
      return { atMs: e.atMs, addTaskManager: taskManager(e.taskManager) };
    case "failAllocation":
      return { atMs: e.atMs, failAllocation: { taskManager: e.taskManagerId, slotIndex: e.slotIndex } };
    case "loseTaskManager":
    case "freezeTaskManager":
    case "unfreezeTaskManager":
      return { atMs: e.atMs, [e.type]: e.taskManagerId };
    default:
      return { atMs: e.atMs, [e.type]: true };
  }
}
