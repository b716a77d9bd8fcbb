import { checkScenarioConsistency } from "./check-scenario-consistency.js";
import { decodeScenarioInput } from "./decode-scenario-input.js";
import { LineIndex } from "./line-index.js";
import { normalizeScenario } from "./normalize-scenario.js";
import { addProblems, type PendingProblem, PROBLEM_BUDGET } from "./pending-problem.js";
import { readJson } from "./read-json.js";
import { readYaml } from "./read-yaml.js";
import type { Scenario } from "./scenario.js";
import { SCENARIO_DEFAULTS } from "./scenario-defaults.js";
import { ScenarioError, type ScenarioProblem } from "./scenario-error.js";
import { SCENARIO_LIMITS } from "./scenario-limits.js";
import { describeValue, formatPath, isMapping } from "./scenario-path.js";
import { scenarioSchema, taskManagerSchema } from "./scenario-schema.js";
import type { Locator } from "./source-document.js";
import { validateEvents } from "./validate-events.js";
import { validatePreferences } from "./validate-preferences.js";
import { validateList, validateWithZod } from "./zod-problems.js";

/**
 * The input format: `yaml`, `json` (strict RFC 8259 JSON), or `auto` (the default): JSON for a
 * file name ending in `.json`, YAML otherwise (YAML 1.2 also reads JSON).
 *
 * @example
 * ```ts
 * const format: ScenarioFormat = "json";
 * ```
 */
export type ScenarioFormat = "yaml" | "json" | "auto";

/**
 * Options of {@link parseScenario}.
 *
 * @example
 * ```ts
 * parseScenario(text, { format: "auto", fileName: "examples/large.yaml" });
 * ```
 */
export interface ParseScenarioOptions {
  /** The input format; default `auto`. */
  readonly format?: ScenarioFormat;
  /** Where the text came from: shown in problems, picks the format in `auto` mode, and names the scenario by default. */
  readonly fileName?: string;
}

/**
 * Parses and validates a scenario (YAML or JSON, the format of DESIGN.md plus the documented
 * extensions) into a normalized {@link Scenario} with every default applied.
 *
 * Bytes are decoded as strict UTF-8; a leading byte-order mark is ignored. Every problem is
 * collected, not just the first, each with the field path, what was expected and a stable code;
 * sizes are checked against {@link SCENARIO_LIMITS} before anything is expanded.
 *
 * @param text - the scenario text, or its bytes.
 * @param options - format and file name.
 * @returns the scenario, deeply frozen.
 * @throws ScenarioError with every problem found (and nothing else: any input gives a scenario or a ScenarioError).
 * @example
 * ```ts
 * const scenario = parseScenario(`
 * cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
 * job: { vertices: [{ id: map, parallelism: 2 }] }
 * `);
 * scenario.cluster.taskManagers[0]?.host; // "tm-1"
 * scenario.timeouts.allocationMs; // 300000
 * ```
 */
export function parseScenario(text: string | Uint8Array, options?: ParseScenarioOptions): Scenario {
  const fileName = typeof options?.fileName === "string" ? options.fileName : undefined;
  const format = options?.format ?? "auto";
  if (format !== "auto" && format !== "yaml" && format !== "json") {
    throw new ScenarioError(
      [
        {
          path: "",
          code: "INVALID_VALUE",
          message: `expected the format option to be "yaml", "json" or "auto", got ${describeValue(format)}`,
        },
      ],
      fileName,
    );
  }
  const decoded = decodeScenarioInput(text);
  if (!decoded.ok) throw new ScenarioError(locate(decoded.problems, undefined, undefined), fileName);
  const source = decoded.text;
  const json = format === "json" || (format === "auto" && fileName !== undefined && /\.json$/i.test(fileName));
  const doc = json ? readJson(source) : readYaml(source);
  const lines = new LineIndex(source);
  if (!doc.ok) throw new ScenarioError(locate(doc.problems, lines, undefined), fileName);
  const root = doc.value;
  if (!isMapping(root)) {
    const what = Array.isArray(root) ? "a list" : describeValue(root);
    throw new ScenarioError(
      locate(
        [
          {
            segments: [],
            code: "NOT_AN_OBJECT",
            message: `expected a scenario mapping with cluster and job at the top level, got ${what}; is this a YAML or JSON scenario file?`,
            offset: 0,
          },
        ],
        lines,
        undefined,
      ),
      fileName,
    );
  }
  const problems: PendingProblem[] = [];
  const shape = validateWithZod(scenarioSchema, root, []);
  addProblems(problems, shape.problems);
  const cluster = isMapping(root.cluster) ? root.cluster : undefined;
  const taskManagers = validateList(
    cluster?.taskManagers,
    taskManagerSchema,
    ["cluster", "taskManagers"],
    SCENARIO_LIMITS.taskManagers,
    problems,
  );
  const events = validateEvents(root.events, problems);
  const preferences = validatePreferences(isMapping(root.job) ? root.job.vertices : undefined, problems);
  checkScenarioConsistency(root, events, preferences, problems);
  if (problems.length > 0 || shape.data === undefined) {
    throw new ScenarioError(locate(problems, lines, doc.locate), fileName);
  }
  return normalizeScenario(shape.data, taskManagers, events, preferences, defaultName(fileName));
}

/** The scenario name when the file has none: the file name without directories and extension. */
function defaultName(fileName: string | undefined): string {
  if (fileName === undefined) return SCENARIO_DEFAULTS.name;
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.(ya?ml|json)$/i, "");
  return stem.length > 0 && stem.length <= SCENARIO_LIMITS.stringLength ? stem : SCENARIO_DEFAULTS.name;
}

/**
 * Turns pending problems into located, ordered problems: by line, keeping discovery order for
 * ties; at most {@link SCENARIO_LIMITS}`.problems`, plus one `TOO_MANY_PROBLEMS` for the rest.
 */
function locate(
  all: readonly PendingProblem[],
  lines: LineIndex | undefined,
  locator: Locator | undefined,
): ScenarioProblem[] {
  const max = SCENARIO_LIMITS.problems;
  // Locate a bounded prefix (in discovery order); the report shows the first `max` by position.
  const pending = all.length > 10 * max ? all.slice(0, 10 * max) : all;
  const offsets: (number | undefined)[] = pending.map((p) => p.offset);
  const missing = pending.flatMap((p, i) => (p.offset === undefined ? [i] : []));
  if (locator !== undefined && missing.length > 0) {
    const found = locator(
      missing.map((i) => ({
        segments: (pending[i] as PendingProblem).segments,
        atKey: (pending[i] as PendingProblem).atKey === true,
      })),
    );
    missing.forEach((i, k) => {
      offsets[i] = found[k];
    });
  }
  const located = pending.map((p, i) => {
    const offset = offsets[i];
    const base: ScenarioProblem = { path: formatPath(p.segments), message: p.message, code: p.code };
    if (offset === undefined || lines === undefined) return { problem: base, order: -1, index: i };
    const { line, column } = lines.position(offset);
    return { problem: { ...base, line, column }, order: offset, index: i };
  });
  located.sort((a, b) => a.order - b.order || a.index - b.index);
  const out = located.slice(0, max).map((l) => l.problem);
  if (all.length > max) {
    const more = all.length >= PROBLEM_BUDGET ? `at least ${all.length - max}` : `${all.length - max}`;
    out.push({
      path: "",
      code: "TOO_MANY_PROBLEMS",
      message: `${more} more problems not shown (only ${max} are reported); fix these and run again`,
    });
  }
  return out;
}
