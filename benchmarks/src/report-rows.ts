import type { RoundsResult } from "./harness.js";
import { median, type RoundStats, summarize, summarizeAs } from "./statistics.js";
import type { Measurement, Ratio, Target, TargetOutcome } from "./workload.js";

/**
 * Judges a median against `target`. With `byCpuTime` (the same measurement by CPU time) the target
 * is met only if both values meet it: on a shared machine wall-clock numbers are inflated by other
 * processes and CPU-time numbers include parallel GC threads, so neither alone is trusted.
 *
 * @example
 * ```ts
 * judge({ comparison: "<=", threshold: 1.5, description: "≤ 1.5" }, 1.2).pass; // true
 * judge({ comparison: "<=", threshold: 1.5, description: "≤ 1.5" }, 1.2, 1.9).pass; // false
 * ```
 */
export function judge(target: Target, value: number, byCpuTime?: number): TargetOutcome {
  const byWall = meets(target, value);
  if (byCpuTime === undefined) return { ...target, pass: byWall };
  const byCpu = meets(target, byCpuTime);
  return { ...target, pass: byWall && byCpu, passByWallClock: byWall, passByCpuTime: byCpu };
}

function meets(target: Target, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  switch (target.comparison) {
    case "<=":
      return value <= target.threshold;
    case ">=":
      return value >= target.threshold;
    case "<":
      return value < target.threshold;
    case ">":
      return value > target.threshold;
  }
}

/**
 * Options of {@link timingRow}.
 *
 * @example
 * ```ts
 * const o: TimingRowOptions = { name: "1k slots", measured, unit: "ops/s", throughputLabel: "placements/s" };
 * ```
 */
export interface TimingRowOptions {
  readonly name: string;
  /** What {@link measureRounds} returned. */
  readonly measured: RoundsResult;
  /** Show the row as cost (`ns/op`) or throughput (`ops/s`, optionally with a custom label). */
  readonly unit: "ns/op" | "ops/s";
  /** The unit label for throughput, e.g. `placements/s` (default `ops/s`). */
  readonly throughputLabel?: string;
  readonly target?: Target;
  readonly details?: Readonly<Record<string, number | string | boolean>>;
}

/**
 * Makes a timing row: stats in the display unit, plus ns/op stats for ratios.
 *
 * @example
 * ```ts
 * timingRow({ name: "pair", measured: await measureRounds(settings, plan, round), unit: "ns/op" });
 * ```
 */
export function timingRow(o: TimingRowOptions): Measurement {
  const nsPerOp = summarize(o.measured.nsPerOp);
  const display = (values: readonly number[]): RoundStats =>
    o.unit === "ns/op" ? summarize(values) : summarizeAs(values, (ns) => 1e9 / ns);
  const stats = display(o.measured.nsPerOp);
  const byCpuTime = display(o.measured.cpuNsPerOp);
  return withOptional(
    {
      name: o.name,
      unit: o.unit === "ns/op" ? "ns/op" : (o.throughputLabel ?? "ops/s"),
      stats,
      byCpuTime,
      nsPerOp,
      cpuNsPerOp: summarize(o.measured.cpuNsPerOp),
      opsPerRound: o.measured.opsPerRound,
      cpuShare: Math.round(100 * median(o.measured.cpuShare)) / 100,
    },
    o.target === undefined ? undefined : judge(o.target, stats.median, byCpuTime.median),
    o.details,
  );
}

/**
 * Makes a row of plain values (e.g. bytes per slot, one per round).
 *
 * @example
 * ```ts
 * valueRow({ name: "1M free slots", unit: "bytes/slot", values: [212, 214, 213] });
 * ```
 */
export function valueRow(o: {
  readonly name: string;
  readonly unit: string;
  readonly values: readonly number[];
  readonly target?: Target;
  readonly details?: Readonly<Record<string, number | string | boolean>>;
}): Measurement {
  const stats = summarize(o.values);
  return withOptional(
    { name: o.name, unit: o.unit, stats },
    o.target === undefined ? undefined : judge(o.target, stats.median),
    o.details,
  );
}

/**
 * The ratio of two rows' medians. `cost` divides nanoseconds per operation (for cost curves such
 * as cost(1M)/cost(1k)); `value` divides the displayed values (e.g. throughputs). For timing rows
 * the same ratio by CPU time is added as `byCpuTime`.
 *
 * @throws Error when a `cost` ratio is asked of a row that is not a timing row.
 * @example
 * ```ts
 * ratioOf("cost(1M)/cost(1k)", rowAt1M, rowAt1k, "cost", { comparison: "<=", threshold: 1.5, description: "≤ 1.5" });
 * ```
 */
export function ratioOf(
  name: string,
  numerator: Measurement,
  denominator: Measurement,
  basis: "cost" | "value",
  target?: Target,
): Ratio {
  let value: number;
  let byCpuTime: number | undefined;
  if (basis === "cost") {
    if (numerator.nsPerOp === undefined || denominator.nsPerOp === undefined) {
      throw new Error(`a cost ratio needs timing rows (${numerator.name}, ${denominator.name})`);
    }
    value = numerator.nsPerOp.median / denominator.nsPerOp.median;
    if (numerator.cpuNsPerOp !== undefined && denominator.cpuNsPerOp !== undefined) {
      byCpuTime = numerator.cpuNsPerOp.median / denominator.cpuNsPerOp.median;
    }
  } else {
    value = numerator.stats.median / denominator.stats.median;
    if (numerator.byCpuTime !== undefined && denominator.byCpuTime !== undefined) {
      byCpuTime = numerator.byCpuTime.median / denominator.byCpuTime.median;
    }
  }
  let ratio: Ratio = { name, value, numerator: numerator.name, denominator: denominator.name };
  if (byCpuTime !== undefined) ratio = { ...ratio, byCpuTime };
  if (target !== undefined) ratio = { ...ratio, target: judge(target, value, byCpuTime) };
  return ratio;
}

function withOptional(
  row: Measurement,
  target: TargetOutcome | undefined,
  details: Readonly<Record<string, number | string | boolean>> | undefined,
): Measurement {
  let out = row;
  if (target !== undefined) out = { ...out, target };
  if (details !== undefined) out = { ...out, details };
  return out;
}
