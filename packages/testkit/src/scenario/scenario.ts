/**
 * A resource amount as it appears in a normalized scenario: always with an `extended` record
 * (empty when none). Assignable to `ResourceSpec` of `@slotpool/core`.
 *
 * @example
 * ```ts
 * const gpuSlot: ScenarioResources = { cpu: 4, memoryMb: 16384, extended: { gpu: 1 } };
 * ResourceProfile.of(gpuSlot);
 * ```
 */
export interface ScenarioResources {
  /** CPU cores (fractions allowed). */
  readonly cpu: number;
  /** Memory in MiB. */
  readonly memoryMb: number;
  /** Extended resources by name, sorted by name. */
  readonly extended: Readonly<Record<string, number>>;
}

/**
 * A static TaskManager (or one added by an `addTaskManager` event), every default applied.
 *
 * @example
 * ```ts
 * const tm: ScenarioTaskManager = {
 *   id: "tm-1", host: "host-a", slots: 4,
 *   slotProfile: { cpu: 1, memoryMb: 1024, extended: {} }, registerAtMs: 0,
 * };
 * ```
 */
export interface ScenarioTaskManager {
  /** Unique among all TaskManagers of the scenario. */
  readonly id: string;
  /** Host name; defaults to the id. */
  readonly host: string;
  /** Number of slots (slot indexes 0 … slots−1); default 1. */
  readonly slots: number;
  /** Profile of every slot; default `{ cpu: 1, memoryMb: 1024 }`. */
  readonly slotProfile: ScenarioResources;
  /** Virtual time of registration; default 0. For TaskManagers added by an event: the event's time. */
  readonly registerAtMs: number;
}

/**
 * The elastic part of the cluster: the embedded resource manager starts TaskManagers on demand.
 * Elastic TaskManager number `n` (1-based, in start order) has id `${idPrefix}${n}` and host
 * `host` when set, else `${hostPrefix}${n}`.
 *
 * @example
 * ```ts
 * const elastic: ScenarioElastic = {
 *   maxTaskManagers: 10, slotsPerTaskManager: 2, slotProfile: { cpu: 1, memoryMb: 1024, extended: {} },
 *   startupMs: 500, idleTimeoutMs: 30000, idPrefix: "elastic-", hostPrefix: "elastic-", host: null,
 * };
 * ```
 */
export interface ScenarioElastic {
  /** At most this many elastic TaskManagers run at once (and are ever numbered). */
  readonly maxTaskManagers: number;
  /** Slots of each elastic TaskManager; default 1. */
  readonly slotsPerTaskManager: number;
  /** Profile of each slot; default `{ cpu: 1, memoryMb: 1024 }`. */
  readonly slotProfile: ScenarioResources;
  /** Virtual time from the start request until the TaskManager registers; default 0. */
  readonly startupMs: number;
  /** An elastic TaskManager whose slots have all been free this long is stopped; `null` (default): never. */
  readonly idleTimeoutMs: number | null;
  /** Prefix of elastic TaskManager ids; default `elastic-`. */
  readonly idPrefix: string;
  /** Prefix of elastic host names (used when `host` is null); default: the `idPrefix`, so host = id. */
  readonly hostPrefix: string;
  /** One host for every elastic TaskManager, or `null` (default) for one host each. */
  readonly host: string | null;
}

/**
 * How free slots are chosen: Flink's locality-first poll, or spreading tasks over TaskManagers.
 *
 * @example
 * ```ts
 * const s: SlotSelectionName = "spread-out";
 * ```
 */
export type SlotSelectionName = "locality-first" | "spread-out";

/**
 * The cluster: static TaskManagers and an optional elastic part.
 *
 * @example
 * ```ts
 * scenario.cluster.taskManagers.length;
 * ```
 */
export interface ScenarioCluster {
  /** `false` (default): TaskExecutors offer slots only when the resource manager asks; `true`: all on registration. */
  readonly offerAllSlots: boolean;
  /** The slot selection strategy; default `locality-first`. */
  readonly slotSelection: SlotSelectionName;
  /** Static TaskManagers, in file order (may be empty). */
  readonly taskManagers: readonly ScenarioTaskManager[];
  /** The elastic part, or `null`. */
  readonly elastic: ScenarioElastic | null;
}

/**
 * One preferred location: a TaskManager (→ `LOCAL`) or a host (→ `HOST_LOCAL`).
 *
 * @example
 * ```ts
 * const prefs: ScenarioLocation[] = [{ taskManager: "tm-1" }, { host: "host-b" }];
 * ```
 */
export type ScenarioLocation = { readonly taskManager: string } | { readonly host: string };

/**
 * One job vertex, every default applied.
 *
 * @example
 * ```ts
 * for (const v of scenario.job.vertices) console.log(v.id, v.parallelism);
 * ```
 */
export interface ScenarioVertex {
  /** Unique among the vertices. */
  readonly id: string;
  /** Number of subtasks. */
  readonly parallelism: number;
  /** What each subtask needs, or `null` for unknown (matches any slot). */
  readonly profile: ScenarioResources | null;
  /** The slot sharing group, or `null` (the tasks do not share slots). */
  readonly slotSharingGroup: string | null;
  /** The co-location group, or `null`. */
  readonly coLocationGroup: string | null;
  /** Preferred locations, one list per subtask (`preferredLocations.length === parallelism`; lists may be empty). */
  readonly preferredLocations: readonly (readonly ScenarioLocation[])[];
  /** Each subtask finishes and frees its slot this long after it was placed, or `null` (runs until the end). */
  readonly durationMs: number | null;
  /** How long each subtask's slot request may wait; defaults to `timeouts.allocationMs`. */
  readonly timeoutMs: number;
}

/**
 * The job: submission settings and vertices in submission order.
 *
 * @example
 * ```ts
 * const tasks = scenario.job.vertices.reduce((n, v) => n + v.parallelism, 0);
 * ```
 */
export interface ScenarioJob {
  /** `true` (default): requests may wait for slots; `false`: a request fails when no slot is free at once. */
  readonly queued: boolean;
  /** Virtual time of submission; default 0. Tasks are submitted in vertex order, then subtask order. */
  readonly submitAtMs: number;
  /** The vertices (at least one). */
  readonly vertices: readonly ScenarioVertex[];
}

/**
 * The pool's timeouts, in virtual milliseconds.
 *
 * @example
 * ```ts
 * new SlotPool({ timeouts: { slotRequestMs: scenario.timeouts.allocationMs } });
 * ```
 */
export interface ScenarioTimeouts {
  /** RPC timeout of a resource-manager request, and how long a request may wait for one; default 10 000. */
  readonly resourceManagerRequestMs: number;
  /** How long a slot request may wait (core's `slotRequestMs`); default 300 000. */
  readonly allocationMs: number;
  /** A free slot unused this long goes back to its TaskExecutor; default 50 000. */
  readonly idleSlotMs: number;
  /** After the resource manager acknowledged a request, how long until the slot must arrive; default 600 000. */
  readonly resourceManagerAllocationMs: number;
}

/**
 * Something that happens at a virtual time. Events apply in order of `atMs`; events with the same
 * time apply in file order. An event naming a TaskManager that is not running at that moment has
 * no effect.
 *
 * - `loseTaskManager`: the TaskManager is lost (as after a heartbeat timeout); its slots and the tasks on them are lost.
 * - `addTaskManager`: a new TaskManager registers (its `registerAtMs` is the event time).
 * - `disconnectResourceManager` / `connectResourceManager`: the pool loses / regains its resource manager.
 * - `freezeTaskManager` / `unfreezeTaskManager`: the TaskManager stops / resumes answering (slot requests and offers wait).
 * - `failAllocation`: the allocation held on that slot fails (core's `failAllocation`).
 * - `suspendJobMaster` / `resumeJobMaster`: the job master loses leadership / is granted it again with a new fencing token.
 *
 * @example
 * ```ts
 * const e: ScenarioEvent = { atMs: 2000, type: "loseTaskManager", taskManagerId: "tm-1" };
 * ```
 */
export type ScenarioEvent =
  | { readonly atMs: number; readonly type: "loseTaskManager"; readonly taskManagerId: string }
  | { readonly atMs: number; readonly type: "addTaskManager"; readonly taskManager: ScenarioTaskManager }
  | { readonly atMs: number; readonly type: "disconnectResourceManager" }
  | { readonly atMs: number; readonly type: "connectResourceManager" }
  | { readonly atMs: number; readonly type: "freezeTaskManager"; readonly taskManagerId: string }
  | { readonly atMs: number; readonly type: "unfreezeTaskManager"; readonly taskManagerId: string }
  | {
      readonly atMs: number;
      readonly type: "failAllocation";
      readonly taskManagerId: string;
      readonly slotIndex: number;
    }
  | { readonly atMs: number; readonly type: "suspendJobMaster" }
  | { readonly atMs: number; readonly type: "resumeJobMaster" };

/**
 * The kinds of {@link ScenarioEvent}.
 *
 * @example
 * ```ts
 * const kinds: ScenarioEventType[] = ["loseTaskManager", "addTaskManager"];
 * ```
 */
export type ScenarioEventType = ScenarioEvent["type"];

/**
 * A validated scenario: normalized, every default applied, deeply readonly (and frozen).
 * It is plain data (JSON-serialisable); `stringifyScenario` writes it back as a scenario file
 * that parses to an equal scenario.
 *
 * @example
 * ```ts
 * const scenario: Scenario = parseScenario(text);
 * scenario.cluster.taskManagers[0]?.host; // "tm-1" when no host was written
 * ```
 */
export interface Scenario {
  /** The `name` field; defaults to the file name without extension, else `scenario`. */
  readonly name: string;
  /** Seed of the simulator's randomness; default 0. */
  readonly seed: number;
  /** The cluster. */
  readonly cluster: ScenarioCluster;
  /** The job. */
  readonly job: ScenarioJob;
  /** The pool's timeouts. */
  readonly timeouts: ScenarioTimeouts;
  /** The events, in file order (see {@link ScenarioEvent} for the order they apply in). */
  readonly events: readonly ScenarioEvent[];
}
