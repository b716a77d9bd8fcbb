import { formatNumber } from "./format.js";
import type { SuiteResults } from "./suite-results.js";
import type { TargetOutcome } from "./workload.js";

const HEADER = [
  "id",
  "case",
  "median",
  "min … max",
  "MAD",
  "cpu",
  "CPU-time median",
  "unit",
  "target",
  "result",
] as const;

/**
 * The results as a plain-text table: one line per measurement and per ratio, with target and
 * pass/MISS columns, then a summary line. `MAD` is the median absolute deviation relative to the
 * median; `cpu` is the process's CPU time ÷ wall time of the timed parts (≈ 100% on an idle core,
 * lower when other processes took the CPU); `CPU-time median` is the same measurement by CPU time.
 *
 * @example
 * ```ts
 * console.log(resultsTable(results));
 * ```
 */
export function resultsTable(results: SuiteResults): string {
  const rows: string[][] = [];
  for (const w of results.workloads) {
    if (w.error !== undefined) {
      rows.push([w.id, `ERROR: ${w.error}`, "", "", "", "", "", "", "", "ERROR"]);
      continue;
    }
    for (const m of w.measurements) {
      rows.push([
        w.id,
        m.name,
        formatNumber(m.stats.median),
        `${formatNumber(m.stats.min)} … ${formatNumber(m.stats.max)}`,
        m.stats.median === 0 ? "" : `${((100 * m.stats.mad) / Math.abs(m.stats.median)).toFixed(1)}%`,
        m.cpuShare === undefined ? "" : `${Math.round(100 * m.cpuShare)}%`,
        m.byCpuTime === undefined ? "" : formatNumber(m.byCpuTime.median),
        m.unit,
        m.target?.description ?? "",
        verdict(m.target),
      ]);
    }
    for (const r of w.ratios ?? []) {
      rows.push([
        w.id,
        `ratio ${r.name}`,
        `${r.value.toFixed(2)}×`,
        "",
        "",
        "",
        r.byCpuTime === undefined ? "" : `${r.byCpuTime.toFixed(2)}×`,
        "ratio",
        r.target?.description ?? "",
        verdict(r.target),
      ]);
    }
  }
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join(" | ")
      .trimEnd();
  const out = [line(HEADER), widths.map((w) => "-".repeat(w)).join("-|-")];
  for (const r of rows) out.push(line(r));
  const s = results.summary;
  out.push(
    "",
    `${s.passed}/${s.targets} targets met, ${s.missed} missed${s.errors > 0 ? `, ${s.errors} workload errors` : ""}` +
      ` · ${results.mode} run · library: ${results.libraryBuild} · ${(results.durationMs / 1000).toFixed(0)} s · ` +
      `${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.node}` +
      ` · load average ${results.machine.loadAverageAtStart[0]} → ${results.loadAverageAtEnd[0]}`,
  );
  return out.join("\n");
}

function verdict(target: TargetOutcome | undefined): string {
  if (target === undefined) return "";
  if (target.pass) return "pass";
  if (target.passByWallClock === true) return "MISS (CPU time)";
  if (target.passByCpuTime === true) return "MISS (wall clock)";
  return "MISS";
}
