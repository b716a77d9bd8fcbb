import type {
  Scenario,
  ScenarioElastic,
  ScenarioEvent,
  ScenarioLocation,
  ScenarioResources,
  ScenarioTaskManager,
  ScenarioTimeouts,
  ScenarioVertex,
} from "./scenario.js";
import { SCENARIO_DEFAULTS as D } from "./scenario-defaults.js";
import type { CheckedEvent } from "./validate-events.js";
import type { CheckedPreferences } from "./validate-preferences.js";
import type {
  WrittenAddedTaskManager,
  WrittenElastic,
  WrittenResources,
  WrittenScenario,
  WrittenTaskManager,
  WrittenVertex,
} from "./written-scenario.js";

const NO_LOCATIONS: readonly ScenarioLocation[] = Object.freeze([]);

/**
 * Applies every default and expands preferred locations to one list per subtask. Only called on
 * a scenario without problems (so every limit already holds). The result is deeply frozen.
 * Internal to the scenario loader.
 *
 * @internal
 */
export function normalizeScenario(
  written: WrittenScenario,
  taskManagers: readonly WrittenTaskManager[],
  events: readonly CheckedEvent[],
  preferences: ReadonlyMap<number, CheckedPreferences>,
  defaultName: string,
): Scenario {
  const t = written.timeouts;
  const timeouts: ScenarioTimeouts = Object.freeze({
    resourceManagerRequestMs: t?.resourceManagerRequestMs ?? D.timeouts.resourceManagerRequestMs,
    allocationMs: t?.allocationMs ?? D.timeouts.allocationMs,
    idleSlotMs: t?.idleSlotMs ?? D.timeouts.idleSlotMs,
    resourceManagerAllocationMs: t?.resourceManagerAllocationMs ?? D.timeouts.resourceManagerAllocationMs,
  });
  const cluster = written.cluster;
  const job = written.job;
  return Object.freeze({
    name: written.name ?? defaultName,
    seed: written.seed ?? D.seed,
    cluster: Object.freeze({
      offerAllSlots: cluster.offerAllSlots ?? D.offerAllSlots,
      slotSelection: cluster.slotSelection ?? D.slotSelection,
      taskManagers: Object.freeze(taskManagers.map((tm) => taskManager(tm, tm.registerAtMs ?? D.registerAtMs))),
      elastic: cluster.elastic == null ? null : elastic(cluster.elastic),
    }),
    job: Object.freeze({
      queued: job.queued ?? D.queued,
      submitAtMs: job.submitAtMs ?? D.submitAtMs,
      vertices: Object.freeze(job.vertices.map((v, i) => vertex(v, preferences.get(i), timeouts.allocationMs))),
    }),
    timeouts,
    events: Object.freeze(events.map(event)),
  });
}

function resources(written: WrittenResources): ScenarioResources {
  const extended: Record<string, number> = {};
  if (written.extended != null) {
    for (const name of Object.keys(written.extended).sort()) {
      Object.defineProperty(extended, name, {
        value: zero(written.extended[name] as number),
        enumerable: true,
        writable: false,
        configurable: false,
      });
    }
  }
  return Object.freeze({ cpu: zero(written.cpu), memoryMb: zero(written.memoryMb), extended: Object.freeze(extended) });
}

/** Folds −0 into 0, so equal profiles serialise equally. */
function zero(n: number): number {
  return n === 0 ? 0 : n;
}

function taskManager(tm: WrittenAddedTaskManager, registerAtMs: number): ScenarioTaskManager {
  return Object.freeze({
    id: tm.id,
    host: tm.host ?? tm.id,
    slots: tm.slots ?? D.slots,
    slotProfile: tm.slotProfile == null ? D.slotProfile : resources(tm.slotProfile),
    registerAtMs,
  });
}

function elastic(e: WrittenElastic): ScenarioElastic {
  const idPrefix = e.idPrefix ?? D.elastic.idPrefix;
  return Object.freeze({
    maxTaskManagers: e.maxTaskManagers,
    slotsPerTaskManager: e.slotsPerTaskManager ?? D.elastic.slotsPerTaskManager,
    slotProfile: e.slotProfile == null ? D.slotProfile : resources(e.slotProfile),
    startupMs: e.startupMs ?? D.elastic.startupMs,
    idleTimeoutMs: e.idleTimeoutMs ?? D.elastic.idleTimeoutMs,
    idPrefix,
    hostPrefix: e.hostPrefix ?? idPrefix,
    host: e.host ?? D.elastic.host,
  });
}

function vertex(v: WrittenVertex, prefs: CheckedPreferences | undefined, defaultTimeoutMs: number): ScenarioVertex {
  return Object.freeze({
    id: v.id,
    parallelism: v.parallelism,
    profile: v.profile == null ? null : resources(v.profile),
    slotSharingGroup: v.slotSharingGroup ?? null,
    coLocationGroup: v.coLocationGroup ?? null,
    preferredLocations: expand(prefs, v.parallelism),
    durationMs: v.durationMs ?? null,
    timeoutMs: v.timeoutMs ?? defaultTimeoutMs,
  });
}

/** One frozen list per subtask; a shared list is the same frozen array for every subtask. */
function expand(prefs: CheckedPreferences | undefined, parallelism: number): readonly (readonly ScenarioLocation[])[] {
  if (prefs === undefined || prefs.lists.length === 0) {
    return Object.freeze(new Array<readonly ScenarioLocation[]>(parallelism).fill(NO_LOCATIONS));
  }
  const freezeList = (list: readonly ScenarioLocation[]): readonly ScenarioLocation[] =>
    list.length === 0 ? NO_LOCATIONS : Object.freeze(list.map((l) => Object.freeze({ ...l })));
  if (prefs.form === "shared") {
    const shared = freezeList(prefs.lists[0] as readonly ScenarioLocation[]);
    return Object.freeze(new Array<readonly ScenarioLocation[]>(parallelism).fill(shared));
  }
  return Object.freeze(prefs.lists.map(freezeList));
}

function event(e: CheckedEvent): ScenarioEvent {
  switch (e.action) {
    case "addTaskManager":
      return Object.freeze({ atMs: e.atMs, type: e.action, taskManager: taskManager(e.value, e.atMs) });
    case "failAllocation":
      return Object.freeze({
        atMs: e.atMs,
        type: e.action,
        taskManagerId: e.value.taskManager,
        slotIndex: e.value.slotIndex,
      });
    case "loseTaskManager":
    case "freezeTaskManager":
    case "unfreezeTaskManager":
      return Object.freeze({ atMs: e.atMs, type: e.action, taskManagerId: e.value });
    default:
      return Object.freeze({ atMs: e.atMs, type: e.action });
  }
}
