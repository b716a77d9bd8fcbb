import type { ResourceSpec } from "@slotpool/core";
import type { SeededRandom } from "../simulation/random.js";

/**
 * One static TaskManager of a fuzz cluster.
 *
 * @example
 * ```ts
 * const tm: FuzzTaskManager = { id: "tm-1", host: "host-a", slots: 2, slotProfile: { cpu: 1, memoryMb: 1024 }, registerAtMs: 0 };
 * ```
 */
export interface FuzzTaskManager {
  readonly id: string;
  readonly host: string;
  readonly slots: number;
  readonly slotProfile: ResourceSpec;
  readonly registerAtMs: number;
}

/**
 * One job vertex of a fuzz job. `profile: null` is UNKNOWN.
 *
 * @example
 * ```ts
 * const v: FuzzVertex = { id: "v0", parallelism: 3, profile: null, sharingGroup: "ssg-a", coLocationGroup: null };
 * ```
 */
export interface FuzzVertex {
  readonly id: string;
  readonly parallelism: number;
  readonly profile: ResourceSpec | null;
  readonly sharingGroup: string | null;
  readonly coLocationGroup: string | null;
}

/**
 * The cluster, job and timeouts one fuzz run drives, drawn from its seed (or read from a replay).
 * Plain JSON, so a replay file carries it.
 *
 * @example
 * ```ts
 * const config = generateFuzzConfig(new SeededRandom(7));
 * config.vertices.length; // 1…5
 * ```
 */
export interface FuzzConfig {
  readonly jobId: string;
  readonly taskManagers: readonly FuzzTaskManager[];
  readonly elastic: {
    readonly maxTaskExecutors: number;
    readonly slotsPerTaskExecutor: number;
    readonly slotProfile: ResourceSpec;
    readonly startupMs: number;
    readonly idleTimeoutMs: number;
  } | null;
  readonly offerAllSlots: boolean;
  /** The resource manager's slot choice. */
  readonly slotChoice: "spread" | "pack";
  /** The pool's slot selection strategy. */
  readonly slotSelection: "locality-first" | "spread-out";
  readonly messageLatencyMs: number;
  readonly offerTimeoutMs: number;
  readonly taskExecutorRequestTimeoutMs: number;
  readonly timeouts: {
    readonly slotRequestMs: number;
    readonly resourceManagerRequestMs: number;
    readonly resourceManagerAllocationMs: number;
    readonly idleSlotMs: number;
  };
  readonly heartbeat: { readonly intervalMs: number; readonly timeoutMs: number };
  /** The task scheduler's default timeout for queued tasks. */
  readonly taskTimeoutMs: number;
  readonly vertices: readonly FuzzVertex[];
}

/**
 * Slot profiles of generated TaskManagers (one with an extended resource).
 *
 * @example
 * ```ts
 * FUZZ_SLOT_PROFILES[3]; // { cpu: 4, memoryMb: 4096, extended: { gpu: 2 } }
 * ```
 */
export const FUZZ_SLOT_PROFILES: readonly ResourceSpec[] = Object.freeze([
  { cpu: 1, memoryMb: 1024 },
  { cpu: 2, memoryMb: 2048 },
  { cpu: 0.5, memoryMb: 512 },
  { cpu: 4, memoryMb: 4096, extended: { gpu: 2 } },
]);

/**
 * Task profiles of generated vertices and raw requests; `null` is UNKNOWN.
 *
 * @example
 * ```ts
 * FUZZ_TASK_PROFILES[0]; // null (UNKNOWN)
 * ```
 */
export const FUZZ_TASK_PROFILES: readonly (ResourceSpec | null)[] = Object.freeze([
  null,
  { cpu: 0.25, memoryMb: 256 },
  { cpu: 0.5, memoryMb: 512 },
  { cpu: 1, memoryMb: 1024 },
  { cpu: 0.5, memoryMb: 256, extended: { gpu: 1 } },
  { cpu: 3, memoryMb: 1024 },
]);

/**
 * Offer delays never exceed this (the invariant checker waits this long for delayed offers).
 *
 * @example
 * ```ts
 * rm.injectOfferFault({ kind: "delay", delayMs: MAX_OFFER_DELAY_MS });
 * ```
 */
export const MAX_OFFER_DELAY_MS = 15_000;

/**
 * Options of {@link generateFuzzConfig}.
 *
 * @example
 * ```ts
 * generateFuzzConfig(rng, { extendedTaskResources: false });
 * ```
 */
export interface FuzzConfigOptions {
  /** May vertices ask for extended resources (GPUs)? Default true. */
  readonly extendedTaskResources?: boolean;
}

/**
 * Draws a small random cluster and job: 1–5 static TaskManagers on 1–3 hosts with 1–4 slots of
 * mixed profiles, sometimes an elastic pool, sometimes offer-all-slots; 1–5 vertices with UNKNOWN or
 * known profiles (some with extended resources), in zero, one or two sharing groups, with a
 * co-location group where two vertices of one sharing group have equal parallelism; short timeouts,
 * so a run goes quiet within a few virtual minutes.
 *
 * @example
 * ```ts
 * const config = generateFuzzConfig(new SeededRandom(seed));
 * ```
 */
export function generateFuzzConfig(rng: SeededRandom, options: FuzzConfigOptions = {}): FuzzConfig {
  const taskProfiles =
    options.extendedTaskResources === false
      ? FUZZ_TASK_PROFILES.filter((p) => p === null || p.extended === undefined)
      : FUZZ_TASK_PROFILES;
  const hosts = ["host-a", "host-b", "host-c"].slice(0, rng.int(1, 3));
  const taskManagers: FuzzTaskManager[] = [];
  const count = rng.int(1, 5);
  for (let i = 1; i <= count; i++) {
    taskManagers.push({
      id: `tm-${i}`,
      host: rng.pick(hosts),
      slots: rng.int(1, 4),
      slotProfile: rng.pick(FUZZ_SLOT_PROFILES),
      registerAtMs: rng.chance(0.7) ? 0 : rng.int(0, 5_000),
    });
  }
  const elastic = rng.chance(0.35)
    ? {
        maxTaskExecutors: rng.int(1, 3),
        slotsPerTaskExecutor: rng.int(1, 3),
        slotProfile: rng.pick(FUZZ_SLOT_PROFILES),
        startupMs: rng.int(0, 2_000),
        idleTimeoutMs: rng.int(2_000, 30_000),
      }
    : null;
  const vertices: FuzzVertex[] = [];
  const groups = rng.pick([[], ["ssg-a"], ["ssg-a"], ["ssg-a", "ssg-b"]] as const);
  const vertexCount = rng.int(1, 5);
  for (let i = 0; i < vertexCount; i++) {
    vertices.push({
      id: `v${i}`,
      parallelism: rng.int(1, 5),
      profile: rng.pick(taskProfiles),
      sharingGroup: groups.length === 0 || rng.chance(0.2) ? null : rng.pick(groups),
      coLocationGroup: null,
    });
  }
  // A co-location group over two vertices of one sharing group (same parallelism, as required).
  if (rng.chance(0.5)) {
    const shared = vertices.filter((v) => v.sharingGroup !== null);
    const first = shared[0];
    const second = shared.find((v) => v !== first && v.sharingGroup === first?.sharingGroup);
    if (first !== undefined && second !== undefined) {
      const i = vertices.indexOf(first);
      const j = vertices.indexOf(second);
      vertices[i] = { ...first, coLocationGroup: "col-a" };
      vertices[j] = { ...second, parallelism: first.parallelism, coLocationGroup: "col-a" };
    }
  }
  const heartbeatInterval = rng.int(500, 3_000);
  return {
    jobId: "fuzz-job",
    taskManagers,
    elastic,
    offerAllSlots: rng.chance(0.2),
    slotChoice: rng.chance(0.5) ? "spread" : "pack",
    slotSelection: rng.chance(0.8) ? "locality-first" : "spread-out",
    messageLatencyMs: rng.chance(0.8) ? 1 : rng.int(0, 20),
    offerTimeoutMs: rng.int(1_000, 10_000),
    taskExecutorRequestTimeoutMs: rng.int(1_000, 10_000),
    timeouts: {
      slotRequestMs: rng.int(2_000, 60_000),
      resourceManagerRequestMs: rng.int(500, 10_000),
      resourceManagerAllocationMs: rng.int(2_000, 60_000),
      idleSlotMs: rng.int(500, 30_000),
    },
    heartbeat: { intervalMs: heartbeatInterval, timeoutMs: heartbeatInterval * rng.int(2, 5) },
    taskTimeoutMs: rng.int(1_000, 60_000),
    vertices,
  };
}

/**
 * The longest any single timer of the run can take (timeouts, heartbeats, offer retries and
 * delays, elastic start-up and idling): advancing a few multiples of it with no new steps lets
 * every request and slot settle.
 *
 * @example
 * ```ts
 * scheduler.advanceBy(3 * fuzzHorizonMs(config));
 * ```
 */
export function fuzzHorizonMs(config: FuzzConfig): number {
  const t = config.timeouts;
  return Math.max(
    t.slotRequestMs,
    t.resourceManagerRequestMs,
    t.resourceManagerAllocationMs,
    t.idleSlotMs,
    config.heartbeat.timeoutMs,
    config.offerTimeoutMs,
    config.taskExecutorRequestTimeoutMs,
    config.taskTimeoutMs,
    MAX_TASK_TIMEOUT_MS,
    MAX_OFFER_DELAY_MS,
    config.elastic === null ? 0 : config.elastic.startupMs + config.elastic.idleTimeoutMs,
    ...config.taskManagers.map((tm) => tm.registerAtMs),
  );
}

/**
 * Explicit task and raw-request timeouts the generator draws stay at or below this.
 *
 * @example
 * ```ts
 * scheduler.allocate({ vertexId: "v0", subtaskIndex: 0, timeoutMs: MAX_TASK_TIMEOUT_MS });
 * ```
 */
export const MAX_TASK_TIMEOUT_MS = 20_000;
