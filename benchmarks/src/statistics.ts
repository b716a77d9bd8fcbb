/**
 * Summary statistics of one measurement's rounds: the median and its spread.
 *
 * @example
 * ```ts
 * const s: RoundStats = summarize([3, 1, 2]); // { median: 2, min: 1, max: 3, mad: 1, rounds: 3 }
 * ```
 */
export interface RoundStats {
  /** The median over the rounds (the headline number). */
  readonly median: number;
  /** The smallest round value. */
  readonly min: number;
  /** The largest round value. */
  readonly max: number;
  /** Median absolute deviation from the median (a robust spread). */
  readonly mad: number;
  /** How many rounds were measured (warm-up rounds excluded). */
  readonly rounds: number;
}

/**
 * The median of `values` (the mean of the two middle values for an even count).
 *
 * @throws RangeError for an empty list.
 * @example
 * ```ts
 * median([5, 1, 3]); // 3
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Median, min, max and median absolute deviation of the rounds.
 *
 * @throws RangeError for an empty list.
 * @example
 * ```ts
 * summarize([10, 12, 11]).median; // 11
 * ```
 */
export function summarize(values: readonly number[]): RoundStats {
  const m = median(values);
  return {
    median: m,
    min: Math.min(...values),
    max: Math.max(...values),
    mad: median(values.map((v) => Math.abs(v - m))),
    rounds: values.length,
  };
}

/**
 * Maps every round value through `f` (e.g. ns/op → ops/s) and summarizes again, so the median,
 * min and max stay exact for monotone conversions.
 *
 * @example
 * ```ts
 * summarizeAs([100, 200], (ns) => 1e9 / ns).max; // 10_000_000
 * ```
 */
export function summarizeAs(values: readonly number[], f: (value: number) => number): RoundStats {
  return summarize(values.map(f));
}
