import { collectGarbage } from "./gc.js";
import { Stopwatch } from "./stopwatch.js";

/**
 * How every timed measurement is run: a calibration round picks the batch size (operations per
 * round) so a round lasts at least `minRoundMs`; then warm-up rounds (run, not recorded, so V8 has
 * optimized the code and the data is in steady state); then the recorded rounds.
 *
 * @example
 * ```ts
 * const settings: HarnessSettings = { warmupRounds: 2, rounds: 7, minRoundMs: 200, gcBeforeMeasuring: true };
 * ```
 */
export interface HarnessSettings {
  /** Rounds run after calibration and thrown away. */
  readonly warmupRounds: number;
  /** Rounds recorded; the reported value is their median. */
  readonly rounds: number;
  /** The calibrated batch makes a round last at least this long (wall clock). */
  readonly minRoundMs: number;
  /**
   * One full collection before the first round (outside timing). Rounds themselves run back to
   * back, so each pays for the garbage of the one before, as in steady state.
   */
  readonly gcBeforeMeasuring: boolean;
}

/**
 * A full run: rounds of ≥ 200 ms, 2 warm-up rounds, 7 recorded rounds.
 *
 * @example
 * ```ts
 * await measureRounds(FULL_HARNESS, { initialOps: 1000 }, (ops, sw) => sw.time(() => work(ops)));
 * ```
 */
export const FULL_HARNESS: HarnessSettings = Object.freeze({
  warmupRounds: 2,
  rounds: 7,
  minRoundMs: 200,
  gcBeforeMeasuring: true,
});

/**
 * A smoke run: no calibration beyond the first batch, no warm-up, 2 rounds (it only proves the suite runs).
 *
 * @example
 * ```ts
 * const settings = smoke ? SMOKE_HARNESS : FULL_HARNESS;
 * ```
 */
export const SMOKE_HARNESS: HarnessSettings = Object.freeze({
  warmupRounds: 0,
  rounds: 2,
  minRoundMs: 0,
  gcBeforeMeasuring: false,
});

/**
 * One round: performs `ops` operations, timing the measured parts with `stopwatch` (one call
 * around the whole batch, or several around parts of it). A round may do untimed work too
 * (set-up, clean-up) outside the stopwatch.
 *
 * @example
 * ```ts
 * const round: Round = (ops, sw) => sw.time(() => { for (let i = 0; i < ops; i++) op(); });
 * ```
 */
export type Round = (ops: number, stopwatch: Stopwatch) => void | Promise<void>;

/**
 * Batch-size limits of one measurement.
 *
 * @example
 * ```ts
 * const plan: BatchPlan = { initialOps: 2_000, maxOps: 20_000 };
 * ```
 */
export interface BatchPlan {
  /** Operations in the calibration round. */
  readonly initialOps: number;
  /** Never more operations per round than this (e.g. a queue that must not run dry). */
  readonly maxOps?: number;
}

/**
 * What {@link measureRounds} measured.
 *
 * @example
 * ```ts
 * const { nsPerOp, opsPerRound, cpuShare } = await measureRounds(settings, plan, round);
 * ```
 */
export interface RoundsResult {
  /** Nanoseconds per operation (timed part, wall clock), one per recorded round. */
  readonly nsPerOp: number[];
  /** Process CPU nanoseconds per operation (timed part), one per recorded round. */
  readonly cpuNsPerOp: number[];
  /** Operations per recorded round (the calibrated batch). */
  readonly opsPerRound: number;
  /**
   * Process CPU time ÷ wall time of each recorded round's timed part. About 1 when the process had
   * a core to itself; well below 1 when other processes took the CPU (the wall times are then
   * inflated). Above 1 means parallel GC threads were busy too.
   */
  readonly cpuShare: number[];
}

/**
 * Runs one measurement: calibration, warm-up and recorded rounds. Very fast operations are always
 * timed as batches (a whole round of them), never one call at a time, so the clock's own cost
 * disappears in the batch.
 *
 * @example
 * ```ts
 * const r = await measureRounds(FULL_HARNESS, { initialOps: 10_000 }, (ops, sw) => sw.time(() => pairs(ops)));
 * ```
 */
export async function measureRounds(settings: HarnessSettings, plan: BatchPlan, round: Round): Promise<RoundsResult> {
  const maxOps = plan.maxOps ?? Number.MAX_SAFE_INTEGER;
  let ops = Math.max(1, Math.min(Math.floor(plan.initialOps), maxOps));
  const stopwatch = new Stopwatch();
  if (settings.gcBeforeMeasuring) collectGarbage();
  // Calibration: grow the batch until a round lasts minRoundMs (these rounds also warm up).
  for (let attempt = 0; attempt < 8 && settings.minRoundMs > 0; attempt++) {
    const t0 = performance.now();
    stopwatch.reset();
    await round(ops, stopwatch);
    const ms = performance.now() - t0;
    if (ms >= settings.minRoundMs || ops >= maxOps) break;
    const factor = Math.min(10, (1.2 * settings.minRoundMs) / Math.max(ms, 0.01));
    ops = Math.min(maxOps, Math.ceil(ops * factor));
  }
  const nsPerOp: number[] = [];
  const cpuNsPerOp: number[] = [];
  const cpuShare: number[] = [];
  for (let i = 0; i < settings.warmupRounds + settings.rounds; i++) {
    stopwatch.reset();
    await round(ops, stopwatch);
    if (i < settings.warmupRounds) continue;
    if (stopwatch.wallNs <= 0) throw new Error("a round timed nothing (call stopwatch.time)");
    nsPerOp.push(stopwatch.wallNs / ops);
    cpuNsPerOp.push(stopwatch.cpuNs / ops);
    cpuShare.push(stopwatch.cpuNs / stopwatch.wallNs);
  }
  return { nsPerOp, cpuNsPerOp, opsPerRound: ops, cpuShare };
}
