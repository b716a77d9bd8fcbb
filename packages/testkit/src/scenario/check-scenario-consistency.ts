import { firstControlCharacter } from "./control-characters.js";
import { suggestion } from "./did-you-mean.js";
import { type PendingProblem, problem } from "./pending-problem.js";
import { SCENARIO_DEFAULTS } from "./scenario-defaults.js";
import { SCENARIO_LIMITS as L } from "./scenario-limits.js";
import { formatLimit, formatPath, isMapping, type PathSegment } from "./scenario-path.js";
import type { CheckedEvent } from "./validate-events.js";
import type { CheckedPreferences } from "./validate-preferences.js";

interface Declared {
  readonly path: readonly PathSegment[];
  readonly slots: number | undefined;
  /** For TaskManagers added by an event: that event (time and file index). */
  readonly addedBy?: { readonly atMs: number; readonly index: number };
}

/**
 * The checks that span fields: unique ids, references to TaskManagers (preferred locations and
 * events), size totals, elastic naming, and co-location rules. Works on the raw document so that
 * it reports alongside shape problems; fields that are themselves invalid are skipped.
 * Internal to the scenario loader.
 *
 * Reference rule: a preferred location may name any TaskManager the file declares (static,
 * added by any event, or an elastic name); an event may name a static or elastic TaskManager, or
 * one added by an event that applies before it (earlier `atMs`, or the same `atMs` and earlier
 * in the file).
 *
 * @internal
 */
export function checkScenarioConsistency(
  root: Record<string, unknown>,
  events: readonly CheckedEvent[],
  preferences: ReadonlyMap<number, CheckedPreferences>,
  problems: PendingProblem[],
): void {
  const cluster = isMapping(root.cluster) ? root.cluster : {};
  const declared = new Map<string, Declared>();
  let taskManagerCount = 0;
  let slotCount = 0;

  // Static TaskManagers.
  const statics = Array.isArray(cluster.taskManagers) ? cluster.taskManagers : [];
  statics.forEach((tm: unknown, i) => {
    if (!isMapping(tm)) return;
    taskManagerCount++;
    const slots = count(tm.slots, 1, L.slotsPerTaskManager, 1);
    slotCount += slots ?? 0;
    const id = asId(tm.id);
    if (id === undefined) return;
    const path = ["cluster", "taskManagers", i, "id"];
    const first = declared.get(id);
    if (first !== undefined) problems.push(duplicateTaskManager(path, id, first));
    else declared.set(id, { path, slots });
  });

  // Elastic naming.
  const elastic = isMapping(cluster.elastic) ? cluster.elastic : undefined;
  const elasticMax = elastic === undefined ? 0 : (count(elastic.maxTaskManagers, 1, L.taskManagers, undefined) ?? 0);
  const elasticSlots =
    elastic === undefined ? undefined : count(elastic.slotsPerTaskManager, 1, L.slotsPerTaskManager, 1);
  const idPrefix =
    elastic === undefined
      ? undefined
      : elastic.idPrefix == null
        ? SCENARIO_DEFAULTS.elastic.idPrefix
        : asId(elastic.idPrefix);
  if (elastic !== undefined && elastic.host != null && elastic.hostPrefix != null) {
    problems.push(
      problem(
        ["cluster", "elastic", "host"],
        "CONFLICT",
        "set either host (one host for every elastic TaskManager) or hostPrefix (one host each), not both",
        true,
      ),
    );
  }
  taskManagerCount += elasticMax;
  slotCount += elasticMax * (elasticSlots ?? 0);
  const isElasticName = (id: string): boolean => {
    if (idPrefix === undefined || elasticMax === 0 || !id.startsWith(idPrefix)) return false;
    const rest = id.slice(idPrefix.length);
    return /^[1-9][0-9]{0,8}$/.test(rest) && Number(rest) <= elasticMax;
  };
  const elasticRange = `${idPrefix}1 … ${idPrefix}${elasticMax}`;
  for (const [id, d] of declared) {
    if (isElasticName(id)) {
      problems.push(
        problem(
          d.path,
          "DUPLICATE_ID",
          `duplicate TaskManager id ${JSON.stringify(id)}: elastic TaskManagers are named ${elasticRange}; choose another id or another elastic idPrefix`,
        ),
      );
    }
  }

  // TaskManagers added by events, in the order the events apply.
  const ordered = [...events].sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  for (const e of ordered) {
    if (e.action !== "addTaskManager") continue;
    taskManagerCount++;
    const slots = count(e.value.slots, 1, L.slotsPerTaskManager, 1);
    slotCount += slots ?? 0;
    const id = e.value.id;
    const path = ["events", e.index, "addTaskManager", "id"];
    const first = declared.get(id);
    if (first !== undefined) problems.push(duplicateTaskManager(path, id, first));
    else if (isElasticName(id)) {
      problems.push(
        problem(
          path,
          "DUPLICATE_ID",
          `duplicate TaskManager id ${JSON.stringify(id)}: elastic TaskManagers are named ${elasticRange}; choose another id`,
        ),
      );
    } else {
      declared.set(id, { path, slots, addedBy: { atMs: e.atMs, index: e.index } });
    }
  }

  // Events that name a TaskManager: only those declared by the time the event applies.
  const known = (): Iterable<string> => declared.keys();
  const activeAdds = new Set<string>();
  for (const e of ordered) {
    if (e.action === "addTaskManager") {
      activeAdds.add(e.value.id);
      continue;
    }
    let id: string;
    let path: PathSegment[];
    if (e.action === "failAllocation") {
      id = e.value.taskManager;
      path = ["events", e.index, e.action, "taskManager"];
    } else if (
      e.action === "loseTaskManager" ||
      e.action === "freezeTaskManager" ||
      e.action === "unfreezeTaskManager"
    ) {
      id = e.value;
      path = ["events", e.index, e.action];
    } else continue;
    const d = declared.get(id);
    let slots: number | undefined;
    if (d !== undefined && (d.addedBy === undefined || activeAdds.has(id))) slots = d.slots;
    else if (d === undefined && isElasticName(id)) slots = elasticSlots;
    else if (d?.addedBy !== undefined) {
      problems.push(
        problem(
          path,
          "UNKNOWN_REFERENCE",
          `TaskManager ${JSON.stringify(id)} is only added at ${d.addedBy.atMs} ms by events[${d.addedBy.index}]; this event applies earlier (at ${e.atMs} ms)`,
        ),
      );
      continue;
    } else {
      problems.push(unknownTaskManager(path, id, known(), elasticMax > 0 ? elasticRange : undefined));
      continue;
    }
    if (e.action === "failAllocation" && slots !== undefined && e.value.slotIndex >= slots) {
      problems.push(
        problem(
          ["events", e.index, "failAllocation", "slotIndex"],
          "UNKNOWN_REFERENCE",
          `slot ${e.value.slotIndex} does not exist: TaskManager ${JSON.stringify(id)} has ${slots} slot${slots === 1 ? "" : "s"} (indexes 0 to ${slots - 1})`,
        ),
      );
    }
  }

  if (taskManagerCount > L.taskManagers) {
    problems.push(
      problem(
        ["cluster"],
        "LIMIT",
        `the scenario declares ${taskManagerCount} TaskManagers (static, added by events and the elastic maximum), over the documented limit of ${formatLimit(L.taskManagers)}`,
        true,
      ),
    );
  }
  if (slotCount > L.slots) {
    problems.push(
      problem(
        ["cluster"],
        "LIMIT",
        `the scenario declares ${slotCount} slots (static, added by events and the elastic maximum), over the documented limit of ${formatLimit(L.slots)}`,
        true,
      ),
    );
  }

  checkVertices(root, problems);

  // Preferred TaskManagers: any TaskManager the file declares.
  for (const prefs of preferences.values()) {
    for (const ref of prefs.references) {
      if (declared.has(ref.taskManager) || isElasticName(ref.taskManager)) continue;
      problems.push(
        unknownTaskManager(ref.segments, ref.taskManager, known(), elasticMax > 0 ? elasticRange : undefined),
      );
    }
  }
}

function checkVertices(root: Record<string, unknown>, problems: PendingProblem[]): void {
  const job = isMapping(root.job) ? root.job : {};
  const vertices = Array.isArray(job.vertices) && job.vertices.length <= L.vertices ? job.vertices : [];
  const ids = new Map<string, number>();
  let tasks = 0;
  const groups = new Map<string, { index: number; parallelism: number | undefined; sharing: string | undefined }>();
  vertices.forEach((vertex: unknown, i) => {
    if (!isMapping(vertex)) return;
    const base = ["job", "vertices", i];
    const id = asId(vertex.id);
    if (id !== undefined) {
      const first = ids.get(id);
      if (first !== undefined) {
        problems.push(
          problem(
            [...base, "id"],
            "DUPLICATE_ID",
            `duplicate vertex id ${JSON.stringify(id)}: already used by job.vertices[${first}]; vertex ids must be unique`,
          ),
        );
      } else ids.set(id, i);
    }
    const parallelism = count(vertex.parallelism, 1, L.parallelism, undefined);
    tasks += parallelism ?? 0;
    const group = asId(vertex.coLocationGroup);
    if (group === undefined) return;
    const sharing = vertex.slotSharingGroup == null ? undefined : asId(vertex.slotSharingGroup);
    if (vertex.slotSharingGroup == null) {
      problems.push(
        problem(
          [...base, "coLocationGroup"],
          "CO_LOCATION_WITHOUT_SHARING_GROUP",
          `co-location group ${JSON.stringify(group)} needs a slotSharingGroup on this vertex: co-located tasks share slots`,
          true,
        ),
      );
    }
    const first = groups.get(group);
    if (first === undefined) {
      groups.set(group, { index: i, parallelism, sharing });
      return;
    }
    if (parallelism !== undefined && first.parallelism !== undefined && parallelism !== first.parallelism) {
      problems.push(
        problem(
          [...base, "parallelism"],
          "CO_LOCATION_PARALLELISM_MISMATCH",
          `co-location group ${JSON.stringify(group)} needs equal parallelism: expected ${first.parallelism} (as job.vertices[${first.index}]), got ${parallelism}`,
        ),
      );
    }
    if (sharing !== undefined && first.sharing !== undefined && sharing !== first.sharing) {
      problems.push(
        problem(
          [...base, "slotSharingGroup"],
          "CO_LOCATION_SHARING_GROUP_MISMATCH",
          `co-location group ${JSON.stringify(group)} needs one slot sharing group: expected ${JSON.stringify(first.sharing)} (as job.vertices[${first.index}]), got ${JSON.stringify(sharing)}`,
        ),
      );
    }
  });
  if (tasks > L.tasks) {
    problems.push(
      problem(
        ["job", "vertices"],
        "LIMIT",
        `the job has ${tasks} tasks in total (the sum of all parallelisms), over the documented limit of ${formatLimit(L.tasks)}`,
        true,
      ),
    );
  }
}

function duplicateTaskManager(path: readonly PathSegment[], id: string, first: Declared): PendingProblem {
  return problem(
    path,
    "DUPLICATE_ID",
    `duplicate TaskManager id ${JSON.stringify(id)}: already used by ${formatPath(first.path.slice(0, -1))}; TaskManager ids must be unique (a restarted TaskManager gets a new id)`,
  );
}

function unknownTaskManager(
  path: readonly PathSegment[],
  id: string,
  known: Iterable<string>,
  elasticRange: string | undefined,
): PendingProblem {
  const elastic = elasticRange === undefined ? "" : `, or an elastic TaskManager (${elasticRange})`;
  return problem(
    path,
    "UNKNOWN_REFERENCE",
    `unknown TaskManager ${JSON.stringify(id)}${suggestion(id, known)}: expected the id of a TaskManager in cluster.taskManagers or added by an addTaskManager event${elastic}`,
  );
}

function asId(value: unknown): string | undefined {
  return typeof value === "string" &&
    value.length > 0 &&
    value.length <= L.stringLength &&
    firstControlCharacter(value, false) < 0
    ? value
    : undefined;
}

/** A valid integer in [min, max]; `fallback` when absent; undefined when invalid. */
function count<F extends number | undefined>(value: unknown, min: number, max: number, fallback: F): number | F {
  if (value == null) return fallback;
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? value
    : (undefined as F);
}
