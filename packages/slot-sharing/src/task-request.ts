import {
  type AllocatedSlot,
  Completable,
  type Locality,
  RequestCancelledError,
  type ResourceProfile,
  SlotReleasedError,
  type SlotRequestId,
  type TaskManagerLocation,
} from "@slotpool/core";
import type { Subscription } from "rxjs";
import { LogicalSlot, type LogicalSlotTask } from "./logical-slot.js";
import type { TaskHandle } from "./task-handle.js";

/**
 * One task's request inside the scheduler: the validated task, its result and its release signal.
 * It is the {@link TaskHandle} the caller holds. Two kinds: a task in a slot of its own
 * ({@link OwnSlotRequest}) and a task in a shared slot, which is its own leaf in the sharing tree
 * ({@link SingleTaskSlot}) — so a task costs one object either way.
 *
 * @example
 * ```ts
 * const handle: TaskHandle = scheduler.allocate(task); // a TaskRequest
 * ```
 */
export abstract class TaskRequest implements TaskHandle, LogicalSlotTask {
  readonly requestId: SlotRequestId;
  readonly subtaskIndex: number;
  /** What the task needs (UNKNOWN when it gave no profile). */
  readonly profile: ResourceProfile;
  /** Preferred locations, most preferred first. */
  readonly preferences: readonly TaskManagerLocation[];
  /** May the task wait for a slot? */
  readonly queued: boolean;
  /** How long it may wait. */
  readonly timeoutMs: number;
  readonly result: Completable<LogicalSlot> = new Completable<LogicalSlot>();
  /** The placed slot, once delivered. */
  logicalSlot: LogicalSlot | undefined = undefined;
  /** The caller-side timeout while waiting. */
  timer: Subscription | undefined = undefined;
  private releasedSignal: Completable<Error> | undefined = undefined;
  private releasedFlag = false;
  private releasedCause: Error | undefined = undefined;

  constructor(
    requestId: SlotRequestId,
    subtaskIndex: number,
    profile: ResourceProfile,
    preferences: readonly TaskManagerLocation[],
    queued: boolean,
    timeoutMs: number,
  ) {
    this.requestId = requestId;
    this.subtaskIndex = subtaskIndex;
    this.profile = profile;
    this.preferences = preferences;
    this.queued = queued;
    this.timeoutMs = timeoutMs;
  }

  /** The task's vertex. */
  abstract get vertexId(): string;

  /** The sharing group, or undefined for a task with a slot of its own. */
  abstract readonly sharingGroup: string | undefined;

  /** The co-location group, or undefined. */
  get coLocationGroup(): string | undefined {
    return undefined;
  }

  /** {@inheritDoc TaskHandle.released} */
  get released(): Completable<Error> {
    if (this.releasedSignal === undefined) {
      this.releasedSignal = this.releasedFlag ? Completable.resolved(this.releaseCause()) : new Completable<Error>();
    }
    return this.releasedSignal;
  }

  /** {@inheritDoc TaskHandle.release} */
  abstract release(cause?: Error): void;

  /** {@inheritDoc TaskHandle.cancel} */
  cancel(): boolean {
    if (this.result.isDone) return false;
    this.release(new RequestCancelledError(`Task ${this} was cancelled before it was placed.`));
    return true;
  }

  /**
   * Completes the result with a logical slot on `slot` (no-op once the result completed).
   *
   * @returns false when the result had already completed.
   * @example
   * ```ts
   * request.deliver(slot, Locality.LOCAL);
   * ```
   */
  deliver(slot: AllocatedSlot, locality: Locality): boolean {
    if (this.result.isDone) return false;
    this.stopTimer();
    const logical = new LogicalSlot(this, slot, locality);
    this.logicalSlot = logical;
    return this.result.complete(logical);
  }

  /**
   * Fails the result (no-op once completed); the release signal completes with the same error.
   *
   * @example
   * ```ts
   * request.fail(new NoResourceAvailableError("nothing fits"));
   * ```
   */
  fail(cause: Error): boolean {
    if (!this.result.fail(cause)) return false;
    this.stopTimer();
    this.signalReleased(cause);
    return true;
  }

  /**
   * The task's slot (or the request for it) is gone: fails a waiting result, or marks the placed
   * logical slot released and completes the release signal. Without a cause: the holder's default
   * cause (`SLOT_RELEASED`), made only when somebody reads it — building an Error captures a stack
   * trace, which would dominate a release nobody asks the cause of.
   *
   * @example
   * ```ts
   * request.slotReleased(new TaskManagerLostError("tm-1 lost"));
   * ```
   */
  slotReleased(cause: Error | undefined): void {
    if (!this.result.isDone) {
      this.fail(cause ?? this.holderReleaseCause());
      return;
    }
    if (this.logicalSlot?.markReleased(cause ?? (() => this.releaseCause()))) this.signalReleased(cause);
  }

  /** Cancels the caller-side timeout. */
  stopTimer(): void {
    if (this.timer !== undefined) {
      this.timer.unsubscribe();
      this.timer = undefined;
    }
  }

  /**
   * `map#3 (req-12)`.
   *
   * @example
   * ```ts
   * console.log(`${request}`);
   * ```
   */
  toString(): string {
    return `${this.vertexId}#${this.subtaskIndex} (${this.requestId})`;
  }

  /** The cause the task was released with, made now if it was the holder's default one. */
  private releaseCause(): Error {
    this.releasedCause ??= this.holderReleaseCause();
    return this.releasedCause;
  }

  private holderReleaseCause(): Error {
    return new SlotReleasedError(`Slot of task ${this.vertexId}#${this.subtaskIndex} was released by its holder.`);
  }

  private signalReleased(cause: Error | undefined): void {
    if (this.releasedFlag) return;
    this.releasedFlag = true;
    this.releasedCause = cause;
    if (this.releasedSignal !== undefined) this.releasedSignal.complete(this.releaseCause());
  }
}
