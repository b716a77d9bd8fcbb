import type { SimulationResult } from "@slotpool/testkit";
import { groupPlacement, localityHistogram, type PlacedTask, timeline } from "./placement.js";

/**
 * Options of {@link renderTextReport}.
 *
 * @example
 * ```ts
 * renderTextReport(result, { maxTaskManagers: 20, color: false });
 * ```
 */
export interface TextReportOptions {
  /** TaskManagers listed in the placement table before it is cut short (default 40). */
  readonly maxTaskManagers?: number;
  /** Use ANSI colours (default false). */
  readonly color?: boolean;
}

/**
 * The human output of `slotpool simulate`: placement table (TaskManager → slot → tasks), locality
 * histogram, failures with reasons, a short timeline and the summary.
 *
 * @example
 * ```ts
 * process.stdout.write(renderTextReport(result));
 * ```
 */
export function renderTextReport(result: SimulationResult, options: TextReportOptions = {}): string {
  const maxTms = options.maxTaskManagers ?? 40;
  const bold = (s: string): string => (options.color ? `\u001b[1m${s}\u001b[22m` : s);
  const dim = (s: string): string => (options.color ? `\u001b[2m${s}\u001b[22m` : s);
  const { report } = result;
  const out: string[] = [];
  out.push(
    bold(`Scenario ${report.scenario}`) +
      ` — ${report.summary.tasks} tasks, ${result.taskManagers.length} TaskManagers, seed ${result.seed}, ended at ${result.endedAtMs} ms`,
    "",
    bold("Placement"),
  );
  const rows = groupPlacement(result);
  const used = rows.filter((tm) => tm.slots.some((s) => s.tasks.length > 0));
  const shown = used.slice(0, maxTms);
  for (const tm of shown) {
    out.push(`  ${tm.id} (${tm.host})${tm.lostAtMs === undefined ? "" : dim(`  lost at ${tm.lostAtMs} ms`)}`);
    for (const slot of tm.slots) {
      const head = `    slot ${String(slot.slotIndex).padEnd(3)} `;
      if (slot.tasks.length === 0) {
        out.push(`${head}${dim("(free)")}`);
        continue;
      }
      // One line per allocation the slot hosted (a slot whose allocation failed is allocated again).
      let line = 0;
      for (const group of byAllocation(slot.tasks)) {
        const tasks = group.map((a) => `${a.vertex}#${a.subtask}`).join(" ");
        const lost = group.find((a) => a.end?.kind === "lost")?.end;
        const note = lost === undefined ? "" : dim(`  ✕ lost at ${lost.atMs} ms (${lost.code ?? "?"})`);
        out.push(`${line++ === 0 ? head : " ".repeat(head.length)}${tasks}${note}`);
      }
    }
  }
  if (used.length > shown.length) {
    out.push(dim(`  … ${used.length - shown.length} more TaskManagers with tasks (use --json or --html for all)`));
  }
  const idle = rows.length - used.length;
  if (idle > 0) out.push(dim(`  ${idle} TaskManager(s) hosted no task`));
  if (used.length === 0) out.push(dim("  (no task was placed)"));

  out.push("", bold("Locality"));
  const hist = localityHistogram(report.assignments);
  const maxCount = Math.max(1, ...hist.map(([, n]) => n));
  for (const [locality, n] of hist) {
    const bar = n === 0 ? "" : `  ${"█".repeat(Math.ceil((n / maxCount) * 30))}`;
    out.push(`  ${locality.padEnd(14)}${String(n).padStart(7)}${bar}`);
  }

  out.push("", bold(`Failures (${report.failures.length})`));
  if (report.failures.length === 0) out.push(dim("  none"));
  for (const f of report.failures.slice(0, 20)) {
    out.push(`  ${`${f.vertex}#${f.subtask}`.padEnd(18)} ${f.code.padEnd(24)} at ${f.atMs} ms: ${f.message}`);
  }
  if (report.failures.length > 20) out.push(dim(`  … ${report.failures.length - 20} more (use --json)`));

  out.push("", bold("Timeline"));
  for (const [atMs, text] of timeline(result, 14)) out.push(`  ${`${atMs} ms`.padStart(10)}  ${text}`);

  const s = report.summary;
  out.push(
    "",
    bold("Summary") +
      `: ${s.placed}/${s.tasks} tasks placed, ${s.failed} failed, ${s.slotsUsed} slots on ${s.taskManagersUsed} TaskManagers`,
  );
  return `${out.join("\n")}\n`;
}

function byAllocation(tasks: readonly PlacedTask[]): PlacedTask[][] {
  const groups = new Map<string, PlacedTask[]>();
  for (const t of tasks) {
    const group = groups.get(t.allocationId);
    if (group === undefined) groups.set(t.allocationId, [t]);
    else group.push(t);
  }
  return [...groups.values()];
}
