import type { SlotRequestId, TaskManagerLocation } from "@slotpool/core";

/**
 * What the task scheduler needs from a co-location constraint (Flink's `CoLocationConstraint`):
 * subtask *i* of every vertex with the same constraint runs in the same physical slot. Defined here
 * so that slot sharing does not depend on `@slotpool/co-location`, which ships the real
 * implementation (`CoLocationGroup.constraint(i)`); any object of this shape works.
 *
 * The scheduler reads `groupId` and `location`, sets `slotRequestId` to the co-location node it
 * creates in the sharing tree, and calls `lockLocation` once that node's physical slot is known.
 *
 * @example
 * ```ts
 * const constraint: CoLocationConstraintLike = new CoLocationGroup("loop").constraint(0);
 * scheduler.allocate({ vertexId: "head", subtaskIndex: 0, slotSharingGroup: "g", coLocationConstraint: constraint });
 * ```
 */
export interface CoLocationConstraintLike {
  /** The co-location group's id (every constraint of one group reports the same id). */
  readonly groupId: string;
  /** The TaskManager the constraint is locked to, once its first slot was known; never changes after. */
  readonly location: TaskManagerLocation | undefined;
  /**
   * The request id of the co-location node in the sharing tree that the constraint's tasks join.
   * Set by the scheduler; may be stale (the node was released), in which case the scheduler clears it.
   */
  slotRequestId: SlotRequestId | undefined;
  /**
   * Locks the location. Called by the scheduler at most once per constraint (and never when already
   * locked); implementations should throw when asked to lock twice.
   */
  lockLocation(location: TaskManagerLocation): void;
}
