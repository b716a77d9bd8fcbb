import type { Assignment, SimulatedTaskManager, SimulationResult } from "@slotpool/testkit";

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
  readonly tasks: readonly PlacedTask[];
}

/**
 * One placement (an {@link Assignment}) with how it ended.
 *
 * @example
 * ```ts
 * task.end?.kind === "lost"; // the task lost this slot and was resubmitted
 * ```
 */
export interface PlacedTask extends Assignment {
  readonly end: PlacementEnd | undefined;
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
  readonly slotProfile: SimulatedTaskManager["slotProfile"];
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
  const bySlot = new Map<string, PlacedTask[]>();
  const ends = placementEnds(result);
  result.report.assignments.forEach((a, i) => {
    const key = `${a.taskManager}\u0000${a.slotIndex}`;
    const task: PlacedTask = { ...a, end: ends[i] };
    const list = bySlot.get(key);
    if (list === undefined) bySlot.set(key, [task]);
    else list.push(task);
  });
  return result.taskManagers.map((tm) => {
    const slots: SlotRow[] = [];
    for (let i = 0; i < tm.slots; i++) slots.push({ slotIndex: i, tasks: bySlot.get(`${tm.id}\u0000${i}`) ?? [] });
    return { id: tm.id, host: tm.host, slots, lostAtMs: tm.lostAtMs, slotProfile: tm.slotProfile };
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
 * The notable moments of a run (events, losses, failures, first and last placement), at most `max`
 * lines, in time order.
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
  let failed = 0;
  // Losses at the same instant with the same cause are one line ("4 tasks lost their slot …").
  const losses = new Map<string, { atMs: number; code: string; count: number }>();
  const resubmitted = new Map<number, number>();
  for (const t of result.trace) {
    if (t.kind === "placed") {
      placed++;
      firstPlacement ??= t.atMs;
      lastPlacement = t.atMs;
    } else if (t.kind === "event") {
      lines.push([t.atMs, t.text]);
    } else if (t.kind === "lost") {
      const key = `${t.atMs}\u0000${t.code}`;
      const loss = losses.get(key);
      if (loss === undefined) losses.set(key, { atMs: t.atMs, code: t.code, count: 1 });
      else loss.count++;
    } else if (t.kind === "resubmitted") {
      resubmitted.set(t.atMs, (resubmitted.get(t.atMs) ?? 0) + 1);
    } else if (t.kind === "failed") {
      failed++;
      if (failed <= 3) lines.push([t.atMs, `${t.vertex}#${t.subtask} failed: ${t.code}`]);
    }
  }
  for (const loss of losses.values()) {
    const again = resubmitted.get(loss.atMs) ?? 0;
    resubmitted.delete(loss.atMs);
    lines.push([
      loss.atMs,
      `${loss.count} task(s) lost their slot (${loss.code})${again > 0 ? `; ${again} resubmitted` : ""}`,
    ]);
  }
  if (firstPlacement !== undefined) lines.push([firstPlacement, "first task placed"]);
  if (placed > 0) lines.push([lastPlacement, `last task placed (${placed} placements in all)`]);
  if (failed > 3) lines.push([result.endedAtMs, `… and ${failed - 3} more failures`]);
  // Stable sort: at equal times, the order above (events, then losses, then placements).
  lines.sort((a, b) => a[0] - b[0]);
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max - 1), [lines[lines.length - 1]![0], `… ${lines.length - max + 1} more`]];
}

/**
 * How one placement ended: the task finished, lost its slot (and was resubmitted), or failed while
 * running; `undefined` while it still ran when the run went quiet.
 *
 * @example
 * ```ts
 * const end: PlacementEnd = { kind: "lost", atMs: 5002, code: "TASK_MANAGER_LOST" };
 * ```
 */
export interface PlacementEnd {
  readonly kind: "finished" | "lost" | "failed";
  readonly atMs: number;
  readonly code?: string;
}

/**
 * For every assignment of the report (same index), how that placement ended. The i-th `placed`
 * trace event is the i-th assignment; the next `finished`, `lost` or `failed` event of the same
 * subtask ends it.
 *
 * @example
 * ```ts
 * const ends = placementEnds(result);
 * result.report.assignments.filter((_, i) => ends[i]?.kind === "lost");
 * ```
 */
export function placementEnds(result: SimulationResult): (PlacementEnd | undefined)[] {
  const ends: (PlacementEnd | undefined)[] = result.report.assignments.map(() => undefined);
  const running = new Map<string, number>();
  let next = 0;
  for (const t of result.trace) {
    if (t.kind === "event") continue;
    const key = `${t.vertex}\u0000${t.subtask}`;
    if (t.kind === "placed") {
      running.set(key, next++);
    } else if (t.kind === "finished" || t.kind === "lost" || t.kind === "failed") {
      const index = running.get(key);
      if (index === undefined) continue;
      running.delete(key);
      ends[index] =
        t.kind === "finished" ? { kind: t.kind, atMs: t.atMs } : { kind: t.kind, atMs: t.atMs, code: t.code };
    }
  }
  return ends;
}
