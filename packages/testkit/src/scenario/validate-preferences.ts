import { addProblems, type PendingProblem, PROBLEM_BUDGET, problem } from "./pending-problem.js";
import type { ScenarioLocation } from "./scenario.js";
import { SCENARIO_LIMITS as L } from "./scenario-limits.js";
import { describeValue, formatLimit, isMapping, type PathSegment } from "./scenario-path.js";
import { locationIdSchema, locationObjectSchema } from "./scenario-schema.js";
import { validateWithZod } from "./zod-problems.js";

/**
 * The checked preferred locations of one vertex, not yet expanded to one list per subtask.
 *
 * @internal
 */
export interface CheckedPreferences {
  /** `shared`: one list for every subtask; `perSubtask`: one list each. */
  readonly form: "shared" | "perSubtask";
  readonly lists: readonly (readonly ScenarioLocation[])[];
  /** Every TaskManager named, with where (to check the references later). */
  readonly references: readonly { readonly segments: readonly PathSegment[]; readonly taskManager: string }[];
}

const EXPECTED_LOCATION = "a preferred location (a TaskManager id, { taskManager: id } or { host: name })";

/**
 * Checks the `preferredLocations` of every vertex: one list of locations for all subtasks, or a
 * list of lists with one list per subtask (as many as the parallelism). Counts all entries first
 * and stops with a `LIMIT` problem when there are too many. Internal to the scenario loader.
 *
 * @returns the checked preferences of each vertex (by vertex index) that had valid ones.
 *
 * @internal
 */
export function validatePreferences(vertices: unknown, problems: PendingProblem[]): Map<number, CheckedPreferences> {
  const out = new Map<number, CheckedPreferences>();
  if (!Array.isArray(vertices) || vertices.length > L.vertices) return out;
  let total = 0;
  for (const vertex of vertices) {
    const written = isMapping(vertex) ? vertex.preferredLocations : undefined;
    if (!Array.isArray(written) || written.length > L.parallelism) continue;
    for (const entry of written) total += Array.isArray(entry) ? entry.length : 1;
  }
  if (total > L.preferences) {
    problems.push(
      problem(
        ["job", "vertices"],
        "LIMIT",
        `the vertices list ${total} preferred locations in total, over the documented limit of ${formatLimit(L.preferences)}`,
      ),
    );
    return out;
  }
  vertices.forEach((vertex: unknown, v) => {
    if (!isMapping(vertex) || problems.length >= PROBLEM_BUDGET) return;
    const written = vertex.preferredLocations;
    if (!Array.isArray(written) || written.length > L.parallelism) return;
    const base: PathSegment[] = ["job", "vertices", v, "preferredLocations"];
    const checked = checkVertex(written, vertex.parallelism, base, problems);
    if (checked !== undefined) out.set(v, checked);
  });
  return out;
}

function checkVertex(
  written: readonly unknown[],
  parallelism: unknown,
  base: readonly PathSegment[],
  problems: PendingProblem[],
): CheckedPreferences | undefined {
  const before = problems.length;
  const references: { segments: readonly PathSegment[]; taskManager: string }[] = [];
  if (written.length === 0) return { form: "shared", lists: [], references };
  const perSubtask = Array.isArray(written[0]);
  const lists: ScenarioLocation[][] = [];
  if (perSubtask) {
    written.forEach((list, k) => {
      if (problems.length >= PROBLEM_BUDGET) return;
      if (!Array.isArray(list)) {
        problems.push(
          problem(
            [...base, k],
            "TYPE",
            `expected the preferred locations of subtask ${k} (a list; this vertex gives one list per subtask), got ${describeValue(list)}`,
          ),
        );
        return;
      }
      if (list.length > L.preferencesPerList) {
        problems.push(limit([...base, k], list.length));
        return;
      }
      lists.push(checkList(list, [...base, k], references, problems));
    });
    if (typeof parallelism === "number" && Number.isInteger(parallelism) && written.length !== parallelism) {
      problems.push(
        problem(
          base,
          "LENGTH_MISMATCH",
          `expected one list of preferred locations per subtask (${parallelism} lists for parallelism ${parallelism}), got ${written.length}`,
        ),
      );
    }
  } else {
    if (written.length > L.preferencesPerList) {
      problems.push(limit(base, written.length));
      return undefined;
    }
    const mixed = written.findIndex((entry) => Array.isArray(entry));
    if (mixed >= 0) {
      problems.push(
        problem(
          [...base, mixed],
          "TYPE",
          `expected ${EXPECTED_LOCATION}, got a list: give either one list of locations for all subtasks or a list of lists (one per subtask), not a mix`,
        ),
      );
      return undefined;
    }
    lists.push(checkList(written, base, references, problems));
  }
  if (problems.length > before) return undefined;
  return { form: perSubtask ? "perSubtask" : "shared", lists, references };
}

function checkList(
  list: readonly unknown[],
  base: readonly PathSegment[],
  references: { segments: readonly PathSegment[]; taskManager: string }[],
  problems: PendingProblem[],
): ScenarioLocation[] {
  const out: ScenarioLocation[] = [];
  list.forEach((entry: unknown, i) => {
    if (problems.length >= PROBLEM_BUDGET) return;
    const path = [...base, i];
    if (typeof entry === "string") {
      const r = validateWithZod(locationIdSchema, entry, path);
      addProblems(problems, r.problems);
      if (r.data !== undefined) {
        out.push({ taskManager: r.data });
        references.push({ segments: path, taskManager: r.data });
      }
      return;
    }
    if (!isMapping(entry)) {
      problems.push(problem(path, "TYPE", `expected ${EXPECTED_LOCATION}, got ${describeValue(entry)}`));
      return;
    }
    const r = validateWithZod(locationObjectSchema, entry, path);
    addProblems(problems, r.problems);
    if (r.data === undefined) return;
    const { taskManager, host } = r.data;
    if (taskManager != null && host != null) {
      problems.push(
        problem(
          path,
          "CONFLICT",
          "a preferred location names either a taskManager or a host, not both; split it in two entries",
        ),
      );
    } else if (taskManager != null) {
      out.push({ taskManager });
      references.push({ segments: [...path, "taskManager"], taskManager });
    } else if (host != null) out.push({ host });
    else
      problems.push(
        problem(path, "REQUIRED", "missing: expected taskManager (a TaskManager id) or host (a host name)"),
      );
  });
  return out;
}

function limit(path: readonly PathSegment[], length: number): PendingProblem {
  return problem(
    path,
    "LIMIT",
    `a list of ${length} preferred locations is over the documented limit of ${L.preferencesPerList} per list`,
  );
}
