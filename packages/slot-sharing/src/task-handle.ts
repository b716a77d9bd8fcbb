import type { Completable, SlotRequestId } from "@slotpool/core";
import type { LogicalSlot } from "./logical-slot.js";

/**
 * What {@link TaskScheduler.allocate} returns for one task: the placement result, a notification
 * when the placed slot goes away, and the two ways to give things back.
 *
 * @example
 * ```ts
 * const handle = scheduler.allocate({ vertexId: "map", subtaskIndex: 0, slotSharingGroup: "g" });
 * handle.result.onSettled((o) => (o.ok ? deploy(o.value) : report(o.error)));
 * handle.released.onSettled((o) => o.ok && console.log("slot gone:", o.value.message));
 * // later, when the task finished:
 * handle.release();
 * ```
 */
export interface TaskHandle {
  /** The task's request id (unique per scheduler's provider). */
  readonly requestId: SlotRequestId;
  /** The task's vertex. */
  readonly vertexId: string;
  /** The task's subtask index. */
  readonly subtaskIndex: number;
  /**
   * Completes with the task's {@link LogicalSlot} (synchronously, if a slot was at hand), or fails:
   * `NO_RESOURCE_AVAILABLE`, `TIMEOUT`, `REQUEST_CANCELLED`, `INVALID_ARGUMENT`, or the cause that
   * took the physical slot or its request away (`TASK_MANAGER_LOST`, `ALLOCATION_FAILED`, …).
   */
  readonly result: Completable<LogicalSlot>;
  /**
   * Completes with the cause once the placed slot is released (by {@link TaskHandle.release}) or
   * taken away (TaskManager lost, allocation failed, the shared slot released); also completes when
   * the request fails, so a holder can wait on this one thing.
   */
  readonly released: Completable<Error>;
  /**
   * Gives the slot back, or withdraws the request if it is still waiting (the result then fails
   * with `cause`). In a shared slot only this task leaves; the physical slot is returned when its
   * last task leaves. Idempotent. Default cause: `SLOT_RELEASED`.
   */
  release(cause?: Error): void;
  /**
   * Withdraws the request if it is still waiting: the result fails with `REQUEST_CANCELLED` and
   * exactly what the request created is cleaned up (its leaf; a shared slot or physical request
   * only when nothing else uses it).
   *
   * @returns false when the result had already completed (use {@link TaskHandle.release}).
   */
  cancel(): boolean;
}
