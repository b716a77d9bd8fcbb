import type { HarnessSettings } from "./harness.js";
import type { RoundStats } from "./statistics.js";

/**
 * A target a measurement or ratio must meet, judged on the median.
 *
 * @example
 * ```ts
 * const t: Target = { comparison: ">=", threshold: 1_000_000, description: "≥ 1,000,000 placements/s" };
 * ```
 */
export interface Target {
  readonly comparison: "<=" | ">=" | "<" | ">";
  readonly threshold: number;
  /** How the target reads in the table, e.g. `≥ 2× generic-pool`. */
  readonly description: string;
}

/**
 * A {@link Target} with its verdict.
 *
 * @example
 * ```ts
 * if (!outcome.pass) console.log(`missed: ${outcome.description}`);
 * ```
 */
export interface TargetOutcome extends Target {
  /** Met: by the wall-clock median and, for timings, also by the CPU-time median. */
  readonly pass: boolean;
  /** For timings: whether the wall-clock median meets it. */
  readonly passByWallClock?: boolean;
  /** For timings: whether the CPU-time median meets it. */
  readonly passByCpuTime?: boolean;
}

/**
 * One row of the results: a measured value (median and spread over rounds) in a unit.
 *
 * @example
 * ```ts
 * const row: Measurement = { name: "1k slots", unit: "ns/op", stats, opsPerRound: 100_000 };
 * ```
 */
export interface Measurement {
  /** What was measured, e.g. `1M slots, with preferences`. */
  readonly name: string;
  /** The unit of `stats`: `ns/op`, `ops/s`, `bytes/slot`… */
  readonly unit: string;
  /** Median, min, max and MAD over the recorded rounds, in `unit`. */
  readonly stats: RoundStats;
  /**
   * For timings: the same rounds measured by process CPU time instead of wall time, in `unit`.
   * Close to `stats` on an idle machine; the fairer number when other processes shared the CPUs.
   */
  readonly byCpuTime?: RoundStats;
  /** For timings: nanoseconds per operation over the same rounds (wall clock). */
  readonly nsPerOp?: RoundStats;
  /** For timings: process CPU nanoseconds per operation over the same rounds. */
  readonly cpuNsPerOp?: RoundStats;
  /** Operations timed per round (the calibrated batch). */
  readonly opsPerRound?: number;
  /**
   * Median process CPU time ÷ wall time per round: ≈ 1 on an otherwise idle core; lower when other
   * processes took the CPU, which inflates wall-clock timings.
   */
  readonly cpuShare?: number;
  /** The target this row is judged against, if any. */
  readonly target?: TargetOutcome;
  /** Extra facts (sizes, locality counts, build time…), recorded in results.json. */
  readonly details?: Readonly<Record<string, number | string | boolean>>;
}

/**
 * A ratio between two measurements (e.g. cost at 1M slots / cost at 1k slots).
 *
 * @example
 * ```ts
 * const r: Ratio = { name: "cost(1M)/cost(1k)", value: 1.2, numerator: "1M", denominator: "1k" };
 * ```
 */
export interface Ratio {
  readonly name: string;
  readonly value: number;
  /** The measurement the value divides. */
  readonly numerator: string;
  /** The measurement it is divided by. */
  readonly denominator: string;
  /** The same ratio by process CPU time (for timing rows). */
  readonly byCpuTime?: number;
  readonly target?: TargetOutcome;
}

/**
 * What a workload hands back to the suite.
 *
 * @example
 * ```ts
 * return { measurements: [row], ratios: [ratio], notes: ["pool built once per size"] };
 * ```
 */
export interface WorkloadReport {
  readonly measurements: readonly Measurement[];
  readonly ratios?: readonly Ratio[];
  /** Sentences for the reader (method details, caveats). */
  readonly notes?: readonly string[];
}

/**
 * What the suite gives a workload.
 *
 * @example
 * ```ts
 * const sizes = ctx.smoke ? [100, 1000] : [1_000, 10_000, 100_000, 1_000_000];
 * ```
 */
export interface WorkloadContext {
  /** Tiny sizes, few rounds: only proves the workload runs. */
  readonly smoke: boolean;
  /** Warm-up and round counts for timed measurements. */
  readonly harness: HarnessSettings;
  /** Progress output (stderr in `pnpm bench`); never part of the results. */
  log(message: string): void;
}

/**
 * One benchmark workload. Add one by writing a file that exports a `Workload` and adding it to
 * `WORKLOADS` in `registry.ts`.
 *
 * @example
 * ```ts
 * export const myWorkload: Workload = {
 *   id: "W9", title: "my workload", summary: "what it measures and why",
 *   async run(ctx) { return { measurements: [] }; },
 * };
 * ```
 */
export interface Workload {
  /** Short id used by `--only` and in the table, e.g. `W2`. */
  readonly id: string;
  /** A few words, e.g. `placement with locality and mixed profiles`. */
  readonly title: string;
  /** One or two sentences: what it measures and why (printed in docs and results.json). */
  readonly summary: string;
  run(ctx: WorkloadContext): Promise<WorkloadReport>;
}
