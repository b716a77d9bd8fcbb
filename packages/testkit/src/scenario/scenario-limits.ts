/**
 * The documented size limits of a scenario file. Every limit is checked before anything is
 * expanded (a vertex of parallelism 10^12 is a `LIMIT` problem, never an out-of-memory crash).
 *
 * @example
 * ```ts
 * if (vertices.length > SCENARIO_LIMITS.vertices) throw new Error("too many vertices");
 * ```
 */
export interface ScenarioLimits {
  /** Size of the input in bytes (UTF-8). */
  readonly inputBytes: number;
  /** Nesting depth of the parsed document (the format itself needs 6). */
  readonly depth: number;
  /** YAML anchors plus aliases in one file; also the `yaml` library's `maxAliasCount` (uses of an anchor × its nested aliases), which stops alias bombs. */
  readonly yamlAliases: number;
  /** Length of every string (ids, hosts, group and resource names, the scenario name). */
  readonly stringLength: number;
  /** Parallelism of one vertex (Flink's upper bound for max parallelism, 2^15). */
  readonly parallelism: number;
  /** Vertices in the job. */
  readonly vertices: number;
  /** Tasks in the job: the sum of all parallelisms. */
  readonly tasks: number;
  /** Slots of one TaskManager. */
  readonly slotsPerTaskManager: number;
  /** TaskManagers: static ones, those added by events and the elastic maximum together. */
  readonly taskManagers: number;
  /** Slots of all those TaskManagers together. */
  readonly slots: number;
  /** Events in the file. */
  readonly events: number;
  /** Preferred locations in one list. */
  readonly preferencesPerList: number;
  /** Preferred-location entries in the whole file (lists written out, not expanded). */
  readonly preferences: number;
  /** Extended resources in one profile. */
  readonly extendedResources: number;
  /** Any resource amount (cpu, memoryMb, an extended resource). */
  readonly resourceAmount: number;
  /** Any time or duration, in virtual milliseconds (about 31.7 years). */
  readonly timeMs: number;
  /** The largest seed (seeds are unsigned 32-bit integers). */
  readonly seed: number;
  /** Problems reported for one input; the rest are summarised in one `TOO_MANY_PROBLEMS` problem. */
  readonly problems: number;
}

/**
 * The limits every scenario is checked against (see {@link ScenarioLimits} for what each bounds).
 *
 * @example
 * ```ts
 * SCENARIO_LIMITS.parallelism; // 32768
 * ```
 */
export const SCENARIO_LIMITS: ScenarioLimits = Object.freeze({
  inputBytes: 8 * 1024 * 1024,
  depth: 32,
  yamlAliases: 2_000,
  stringLength: 256,
  parallelism: 32_768,
  vertices: 1_000,
  tasks: 1_000_000,
  slotsPerTaskManager: 4_096,
  taskManagers: 100_000,
  slots: 1_000_000,
  events: 100_000,
  preferencesPerList: 256,
  preferences: 1_000_000,
  extendedResources: 32,
  resourceAmount: 1e12,
  timeMs: 1e12,
  seed: 4_294_967_295,
  problems: 100,
});
