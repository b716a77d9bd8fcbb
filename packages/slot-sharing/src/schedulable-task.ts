import type { ResourceProfile, ResourceSpec, TaskManagerLocation } from "@slotpool/core";
import type { CoLocationConstraintLike } from "./co-location-constraint.js";

/**
 * One task (one subtask of a job vertex) to place, as given to {@link TaskScheduler.allocate}
 * (Flink's ScheduledUnit plus the allocation arguments).
 *
 * @example
 * ```ts
 * const task: SchedulableTask = {
 *   vertexId: "map",
 *   subtaskIndex: 3,
 *   slotSharingGroup: "default",
 *   profile: { cpu: 0.5, memoryMb: 256 },
 *   preferredLocations: [upstreamSlot.location],
 *   timeoutMs: 60_000,
 * };
 * ```
 */
export interface SchedulableTask {
  /** The job vertex (non-empty). At most one subtask of a vertex runs in one shared slot. */
  readonly vertexId: string;
  /** The subtask index (an integer ≥ 0). */
  readonly subtaskIndex: number;
  /** Tasks of the same sharing group may run in one physical slot. Absent: the task gets a slot of its own. */
  readonly slotSharingGroup?: string;
  /** Subtask *i* of every vertex with this constraint runs in the same slot. Needs `slotSharingGroup`. */
  readonly coLocationConstraint?: CoLocationConstraintLike;
  /** What the task needs; absent = UNKNOWN (fits any slot and counts as zero when sharing). */
  readonly profile?: ResourceProfile | ResourceSpec;
  /** Preferred locations, most preferred first (e.g. where the task's inputs are). */
  readonly preferredLocations?: readonly TaskManagerLocation[];
  /** May the task wait for a slot (default true)? If false it fails at once when nothing fits now. */
  readonly queued?: boolean;
  /** How long a queued task may wait (default the scheduler's `defaultTimeoutMs`); `Infinity` waits forever. */
  readonly timeoutMs?: number;
}
