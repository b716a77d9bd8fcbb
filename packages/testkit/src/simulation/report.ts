import type { Locality } from "@slotpool/core";

/**
 * One placement of one subtask (a task placed, lost with its TaskManager and placed again appears
 * once per placement). The fields of DESIGN.md's `assignments`, in that order.
 *
 * @example
 * ```ts
 * const a: Assignment = { vertex: "map", subtask: 0, taskManager: "tm-1", host: "h", slotIndex: 0,
 *   allocationId: "alloc-1", locality: "LOCAL", atMs: 3 };
 * ```
 */
export interface Assignment {
  readonly vertex: string;
  readonly subtask: number;
  readonly taskManager: string;
  readonly host: string;
  readonly slotIndex: number;
  readonly allocationId: string;
  readonly locality: Locality;
  readonly atMs: number;
}

/**
 * A subtask that could not be placed (or lost its slot and could not be placed again).
 *
 * @example
 * ```ts
 * const f: Failure = { vertex: "sink", subtask: 3, code: "NO_RESOURCE_AVAILABLE", message: "…", atMs: 10000 };
 * ```
 */
export interface Failure {
  readonly vertex: string;
  readonly subtask: number;
  readonly code: string;
  readonly message: string;
  readonly atMs: number;
}

/**
 * Totals of a run.
 *
 * @example
 * ```ts
 * report.summary.placed / report.summary.tasks;
 * ```
 */
export interface Summary {
  /** Subtasks in the job. */
  readonly tasks: number;
  /** Subtasks placed at least once and not failed at the end. */
  readonly placed: number;
  /** Subtasks that ended failed. */
  readonly failed: number;
  /** Distinct physical slots (allocation ids) that hosted a task. */
  readonly slotsUsed: number;
  /** Distinct TaskManagers that hosted a task. */
  readonly taskManagersUsed: number;
}

/**
 * The JSON document `slotpool simulate --json` prints (DESIGN.md), exactly.
 *
 * @example
 * ```ts
 * process.stdout.write(`${JSON.stringify(result.report, null, 2)}\n`);
 * ```
 */
export interface SimulationReport {
  readonly scenario: string;
  readonly assignments: readonly Assignment[];
  readonly failures: readonly Failure[];
  readonly summary: Summary;
}
