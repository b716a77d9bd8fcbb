import { IllegalStateError, InvalidArgumentError, type SlotRequestId, type TaskManagerLocation } from "@slotpool/core";
import type { CoLocationConstraintLike } from "@slotpool/slot-sharing";

/**
 * One co-location constraint of a {@link CoLocationGroup} (Flink's CoLocationConstraint): the
 * subtasks with index *i* of every vertex in the group run in the same slot. The task scheduler
 * points it at the co-location node it creates (`slotRequestId`) and locks it to that node's
 * TaskManager as soon as the slot is known; from then on only that TaskManager will do.
 *
 * Get constraints from {@link CoLocationGroup.constraint}, not from the constructor.
 *
 * @example
 * ```ts
 * const loop = new CoLocationGroup("loop");
 * const c = loop.constraint(3);
 * scheduler.allocate({ vertexId: "head", subtaskIndex: 3, slotSharingGroup: "g", coLocationConstraint: c });
 * c.isAssigned; // true once the slot is known
 * ```
 */
export class CoLocationConstraint implements CoLocationConstraintLike {
  /** The group's id (every constraint of one group reports the same id). */
  readonly groupId: string;
  /** The subtask index the constraint stands for. */
  readonly subtaskIndex: number;
  /** The co-location node its tasks join (set by the scheduler; may be stale). */
  slotRequestId: SlotRequestId | undefined = undefined;
  private locked: TaskManagerLocation | undefined = undefined;

  constructor(groupId: string, subtaskIndex: number) {
    this.groupId = groupId;
    this.subtaskIndex = subtaskIndex;
  }

  /** The locked TaskManager, or undefined while not locked. */
  get location(): TaskManagerLocation | undefined {
    return this.locked;
  }

  /** True once the location is locked (Flink's `isAssigned`). */
  get isAssigned(): boolean {
    return this.locked !== undefined;
  }

  /**
   * The locked location.
   *
   * @throws IllegalStateError when not locked yet.
   * @example
   * ```ts
   * if (c.isAssigned) console.log(c.getLocation().resourceId);
   * ```
   */
  getLocation(): TaskManagerLocation {
    if (this.locked === undefined) throw new IllegalStateError(`co-location constraint ${this} is not locked yet`);
    return this.locked;
  }

  /**
   * Locks the constraint to `location`, once and for all.
   *
   * @throws IllegalStateError when already locked; InvalidArgumentError for a malformed location.
   * @example
   * ```ts
   * c.lockLocation(taskManagerLocation("tm-1", "host-a"));
   * ```
   */
  lockLocation(location: TaskManagerLocation): void {
    if (
      location === null ||
      typeof location !== "object" ||
      typeof location.resourceId !== "string" ||
      typeof location.host !== "string"
    ) {
      throw new InvalidArgumentError("location", "a TaskManagerLocation { resourceId, host }", location);
    }
    if (this.locked !== undefined) {
      throw new IllegalStateError(
        `co-location constraint ${this} is already locked to ${this.locked.resourceId}; it cannot move to ${location.resourceId}`,
      );
    }
    this.locked = location;
  }

  /**
   * `loop[3]`, or `loop[3]@tm-1` once locked.
   *
   * @example
   * ```ts
   * console.log(`${c}`);
   * ```
   */
  toString(): string {
    const at = this.locked === undefined ? "" : `@${this.locked.resourceId}`;
    return `${this.groupId}[${this.subtaskIndex}]${at}`;
  }
}
