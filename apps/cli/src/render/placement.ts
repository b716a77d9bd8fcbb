import type { Assignment, SimulationResult } from "@slotpool/testkit";

/**
 * One slot of one TaskManager with every task it hosted, in placement order.
 *
 * @example
 * ```ts
 * slot.tasks.map((a) => `${a.vertex}#${a.subtask}`);
 * ```
 */
export interface SlotRow {
  readonly slotIndex: number;
  readonly tasks: readonly Assignment[];
}

/**
 * A TaskManager with its slots (every slot index it has, used or not).
 *
 * @example
 * ```ts
 * for (const tm of groupPlacement(result)) console.log(tm.id, tm.slots.length);
 * ```
 */
export interface TaskManagerRow {
  readonly id: string;
  readonly host: string;
  readonly slots: readonly SlotRow[];
  readonly lostAtMs: number | undefined;
}

/**
 * Groups a simulation's assignments by TaskManager (in cluster order) and slot index.
 *
 * @example
 * ```ts
 * const rows = groupPlacement(result);
 * ```
 */
export function groupPlacement(result: SimulationResult): TaskManagerRow[] {
  const bySlot = new Map<string, Assignment[]>();
  for (const a of result.report.assignments) {
    const key = `${a.taskManager}\u0000${a.slotIndex}`;
    const list = bySlot.get(key);
    if (list === undefined) bySlot.set(key, [a]);
    else list.push(a);
  }
  return result.taskManagers.map((tm) => {
    const slots: SlotRow[] = [];
    for (let i = 0; i < tm.slots; i++) slots.push({ slotIndex: i, tasks: bySlot.get(`${tm.id}\u0000${i}`) ?? [] });
    return { id: tm.id, host: tm.host, slots, lostAtMs: tm.lostAtMs };
  });
}

/**
 * Counts placements per locality, in a fixed order.
 *
 * @example
 * ```ts
 * localityHistogram(result.report.assignments); // [["LOCAL", 3], …]
 * ```
 */
export function localityHistogram(assignments: readonly Assignment[]): [string, number][] {
  const order = ["LOCAL", "HOST_LOCAL", "NON_LOCAL", "UNCONSTRAINED", "UNKNOWN"];
  const counts = new Map<string, number>(order.map((l) => [l, 0]));
  for (const a of assignments) counts.set(a.locality, (counts.get(a.locality) ?? 0) + 1);
  return [...counts.entries()];
}

/**
 * The notable moments of a run (events, losses, failures, first and last placement), at most `max` lines.
 *
 * @example
 * ```ts
 * for (const [atMs, text] of timeline(result, 12)) console.log(atMs, text);
 * ```
 */
export function timeline(result: SimulationResult, max: number): [number, string][] {
  const lines: [number, string][] = [];
  let placed = 0;
  let firstPlacement: number | undefined;
  let lastPlacement = 0;
  let lost = 0;
  let failed = 0;
  for (const t of result.trace) {
    if (t.kind === "placed") {
      placed++;
      firstPlacement ??= t.atMs;
      lastPlacement = t.atMs;
    } else if (t.kind === "event") {
      lines.push([t.atMs, t.text]);
    } else if (t.kind === "lost") {
      lost++;
    } else if (t.kind === "failed") {
      failed++;
      if (failed <= 3) lines.push([t.atMs, `${t.vertex}#${t.subtask} failed: ${t.code}`]);
    }
  }
  if (firstPlacement !== undefined) lines.push([firstPlacement, "first task placed"]);
  if (placed > 0) lines.push([lastPlacement, `last task placed (${placed} placements in all)`]);
  if (lost > 0) lines.push([result.endedAtMs, `${lost} task(s) were lost with their TaskManager`]);
  if (failed > 3) lines.push([result.endedAtMs, `… and ${failed - 3} more failures`]);
  lines.sort((a, b) => a[0] - b[0]);
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max - 1), [lines[lines.length - 1]![0], `… ${lines.length - max} more`]];
}
