/**
 * A count in short form: 1k, 10k, 100k, 1M, 1.5M, 999.
 *
 * @example
 * ```ts
 * shortCount(1_000_000); // "1M"
 * ```
 */
export function shortCount(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

/**
 * A number for the table: 3 significant digits, with k/M/G suffixes for large values.
 *
 * @example
 * ```ts
 * formatNumber(2_345_678); // "2.35M"
 * formatNumber(412.34);    // "412"
 * ```
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${(v / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(v / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
