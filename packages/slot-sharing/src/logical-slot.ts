import type {
  AllocatedSlot,
  AllocationId,
  Locality,
  ResourceProfile,
  SlotRequestId,
  TaskExecutorGateway,
  TaskManagerLocation,
} from "@slotpool/core";

/**
 * The task a {@link LogicalSlot} was made for (the scheduler's task request).
 *
 * @example
 * ```ts
 * const who: LogicalSlotTask = { requestId, vertexId: "map", subtaskIndex: 0, sharingGroup: "g", coLocationGroup: undefined, profile };
 * ```
 */
export interface LogicalSlotTask {
  readonly requestId: SlotRequestId;
  readonly vertexId: string;
  readonly subtaskIndex: number;
  readonly sharingGroup: string | undefined;
  readonly coLocationGroup: string | undefined;
  readonly profile: ResourceProfile;
}

/**
 * What a task gets from the {@link TaskScheduler}: where it runs (TaskManager, slot index, physical
 * allocation), how local that is, and who it shares the physical slot with. A light view over the
 * task and its physical slot, made by the scheduler; `isAlive` turns false once the slot is
 * released by its holder or taken away.
 *
 * @example
 * ```ts
 * const slot = await scheduler.allocate({ vertexId: "map", subtaskIndex: 0, slotSharingGroup: "g" }).result.promise;
 * console.log(slot.location.resourceId, slot.slotIndex, slot.locality, slot.allocationId);
 * ```
 */
export class LogicalSlot {
  /** How well the placement met the task's preferences (`UNKNOWN` when it waited for a slot). */
  readonly locality: Locality;
  private readonly task: LogicalSlotTask;
  private readonly physical: AllocatedSlot;
  private releasedWith: Error | (() => Error) | undefined = undefined;

  constructor(task: LogicalSlotTask, physical: AllocatedSlot, locality: Locality) {
    this.task = task;
    this.physical = physical;
    this.locality = locality;
  }

  /** The task's request id. */
  get requestId(): SlotRequestId {
    return this.task.requestId;
  }

  /** The physical slot's allocation id (shared by every task in the same shared slot). */
  get allocationId(): AllocationId {
    return this.physical.allocationId;
  }

  /** The TaskManager (and host) the task runs on. */
  get location(): TaskManagerLocation {
    return this.physical.location;
  }

  /** The physical slot's index on its TaskManager. */
  get slotIndex(): number {
    return this.physical.slotIndex;
  }

  /** The physical slot's profile (what the task shares with the others in it). */
  get slotProfile(): ResourceProfile {
    return this.physical.profile;
  }

  /** The TaskExecutor to deploy the task to. */
  get gateway(): TaskExecutorGateway {
    return this.physical.gateway;
  }

  /** The slot sharing group, or undefined for a task that does not share its slot. */
  get sharingGroup(): string | undefined {
    return this.task.sharingGroup;
  }

  /** The co-location group, or undefined. */
  get coLocationGroup(): string | undefined {
    return this.task.coLocationGroup;
  }

  /** The task's vertex. */
  get vertexId(): string {
    return this.task.vertexId;
  }

  /** The task's subtask index. */
  get subtaskIndex(): number {
    return this.task.subtaskIndex;
  }

  /** What the task asked for (UNKNOWN when it gave no profile). */
  get profile(): ResourceProfile {
    return this.task.profile;
  }

  /** True until the slot is released or taken away. */
  get isAlive(): boolean {
    return this.releasedWith === undefined;
  }

  /** Why the slot was released, once it was. */
  get releaseCause(): Error | undefined {
    const cause = this.releasedWith;
    if (typeof cause !== "function") return cause;
    const error = cause();
    this.releasedWith = error;
    return error;
  }

  /**
   * Marks the slot released (called by the scheduler). The cause may be given as a function, so a
   * default cause costs nothing until somebody reads it.
   *
   * @returns false when it was already released.
   * @example
   * ```ts
   * logicalSlot.markReleased(new SlotReleasedError("done"));
   * ```
   */
  markReleased(cause: Error | (() => Error)): boolean {
    if (this.releasedWith !== undefined) return false;
    this.releasedWith = cause;
    return true;
  }

  /**
   * A plain-object copy (for JSON output and assertions).
   *
   * @example
   * ```ts
   * JSON.stringify(logicalSlot.toJSON());
   * ```
   */
  toJSON(): {
    requestId: SlotRequestId;
    vertexId: string;
    subtaskIndex: number;
    allocationId: AllocationId;
    taskManager: string;
    host: string;
    slotIndex: number;
    locality: Locality;
    sharingGroup: string | undefined;
    coLocationGroup: string | undefined;
    alive: boolean;
  } {
    return {
      requestId: this.requestId,
      vertexId: this.vertexId,
      subtaskIndex: this.subtaskIndex,
      allocationId: this.allocationId,
      taskManager: this.location.resourceId,
      host: this.location.host,
      slotIndex: this.slotIndex,
      locality: this.locality,
      sharingGroup: this.sharingGroup,
      coLocationGroup: this.coLocationGroup,
      alive: this.isAlive,
    };
  }

  /**
   * `map#3 → alloc-7@tm-1[0] (LOCAL)`.
   *
   * @example
   * ```ts
   * console.log(`${logicalSlot}`);
   * ```
   */
  toString(): string {
    return `${this.vertexId}#${this.subtaskIndex} → ${this.allocationId}@${this.location.resourceId}[${this.slotIndex}] (${this.locality})`;
  }
}
