import type { Locality, ResourceSpec } from "@slotpool/core";
import type { SimulationReport } from "./report.js";

/**
 * What the scheduler saw when it decided where a task goes: the candidates it considered and the
 * rule that decided. `slotpool explain` prints it.
 *
 * @example
 * ```ts
 * console.log(decision.rule, decision.text);
 * ```
 */
export interface Decision {
  /** A stable name of the rule that decided, e.g. `resolved-shared-slot`, `free-slot`, `pending-shared-slot`, `new-request`. */
  readonly rule: string;
  /** Resolved shared slots (of the task's sharing group) that did not yet host this vertex. */
  readonly resolvedSharedSlots: number;
  /** Pending shared slots (waiting for a physical slot) that did not yet host this vertex. */
  readonly pendingSharedSlots: number;
  /** Free physical slots in the pool. */
  readonly freeSlots: number;
  /** Free physical slots whose profile matches the task's profile. */
  readonly matchingFreeSlots: number;
  /** Requests already waiting for a slot when this one was made. */
  readonly requestsAhead: number;
  /** The largest free slot, when none matched (for "needs cpu 2; the largest free slot has cpu 1"). */
  readonly largestFreeSlot?: ResourceSpec | undefined;
  /** One human sentence. */
  readonly text: string;
}

/**
 * One line of the simulation trace: every decision and event, in virtual-time order.
 *
 * @example
 * ```ts
 * result.trace.filter((t) => t.kind === "placed").length;
 * ```
 */
export type TraceEvent =
  | {
      readonly atMs: number;
      readonly kind: "submitted";
      readonly vertex: string;
      readonly subtask: number;
      readonly decision: Decision;
    }
  | {
      readonly atMs: number;
      readonly kind: "placed";
      readonly vertex: string;
      readonly subtask: number;
      readonly taskManager: string;
      readonly slotIndex: number;
      readonly allocationId: string;
      readonly locality: Locality;
    }
  | {
      readonly atMs: number;
      readonly kind: "failed";
      readonly vertex: string;
      readonly subtask: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly atMs: number; readonly kind: "finished"; readonly vertex: string; readonly subtask: number }
  | {
      readonly atMs: number;
      readonly kind: "lost";
      readonly vertex: string;
      readonly subtask: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly atMs: number; readonly kind: "resubmitted"; readonly vertex: string; readonly subtask: number }
  | { readonly atMs: number; readonly kind: "event"; readonly text: string };

/**
 * One TaskManager of the simulated cluster, as the report draws it.
 *
 * @example
 * ```ts
 * result.taskManagers.map((tm) => tm.host);
 * ```
 */
export interface SimulatedTaskManager {
  readonly id: string;
  readonly host: string;
  readonly slots: number;
  readonly slotProfile: ResourceSpec | undefined;
  readonly registeredAtMs: number;
  readonly lostAtMs: number | undefined;
}

/**
 * One vertex of the simulated job.
 *
 * @example
 * ```ts
 * result.vertices.find((v) => v.coLocationGroup !== undefined);
 * ```
 */
export interface SimulatedVertex {
  readonly id: string;
  readonly parallelism: number;
  readonly slotSharingGroup: string | undefined;
  readonly coLocationGroup: string | undefined;
  readonly profile: ResourceSpec | undefined;
}

/**
 * Everything a simulation produces: the DESIGN.md report, the trace of decisions, and the cluster
 * and job as they were, for the text and HTML reports and `slotpool explain`.
 *
 * @example
 * ```ts
 * const result = simulate(scenario);
 * JSON.stringify(result.report);
 * ```
 */
export interface SimulationResult {
  readonly report: SimulationReport;
  readonly trace: readonly TraceEvent[];
  readonly taskManagers: readonly SimulatedTaskManager[];
  readonly vertices: readonly SimulatedVertex[];
  /** Virtual time when the run went quiet. */
  readonly endedAtMs: number;
  readonly seed: number;
}
