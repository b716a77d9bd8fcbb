import type { SchedulerLike } from "rxjs";
import type { AllocatedSlot } from "./allocated-slot.js";
import type { Completable } from "./completable.js";
import type { SlotRequestId } from "./ids.js";
import type { ResourceProfile } from "./resource-profile.js";
import type { SlotSelection } from "./slot-selection-strategy.js";
import type { TaskManagerLocation } from "./task-manager-location.js";

/**
 * Options of {@link PhysicalSlotProvider.requestNewAllocatedSlot}.
 *
 * @example
 * ```ts
 * provider.requestNewAllocatedSlot(id, profile, { timeoutMs: 60_000 });
 * ```
 */
export interface NewSlotRequestOptions {
  /** The request's own timeout; default the pool's `slotRequestMs`. `Infinity` waits forever. */
  readonly timeoutMs?: number;
}

/**
 * The narrow interface that slot sharing (and any other task-level scheduler) builds on: take a free
 * physical slot now, request a new one, give one back. Every slot obtained here is registered as
 * allocated under the given request id; the caller must assign a {@link SlotPayload} to it, which
 * the pool tells when the slot is taken away.
 *
 * {@link SlotPool} implements it.
 *
 * @example
 * ```ts
 * const now = provider.allocateAvailableSlot(id, profile, prefs);
 * if (now) now.slot.tryAssignPayload(myPayload);
 * else provider.requestNewAllocatedSlot(id, profile).onSettled((o) => { if (o.ok) o.value.tryAssignPayload(myPayload); });
 * ```
 */
export interface PhysicalSlotProvider {
  /** The scheduler every timer runs on. */
  readonly scheduler: SchedulerLike;
  /** A fresh request id from the pool's generator. */
  nextSlotRequestId(): SlotRequestId;
  /**
   * Takes a matching free slot now (by the pool's selection strategy) and registers it as allocated
   * under `requestId`. Returns undefined when no free slot matches; never queues.
   */
  allocateAvailableSlot(
    requestId: SlotRequestId,
    profile: ResourceProfile,
    preferences: readonly TaskManagerLocation[],
  ): SlotSelection | undefined;
  /**
   * Queues a request for a new physical slot: served by a returned slot, or sent to the resource
   * manager (stashed while none is connected). Completes with the slot, registered as allocated
   * under `requestId`, or fails (timeout, resource manager failure, release).
   */
  requestNewAllocatedSlot(
    requestId: SlotRequestId,
    profile: ResourceProfile,
    options?: NewSlotRequestOptions,
  ): Completable<AllocatedSlot>;
  /**
   * Gives back what `requestId` holds: cancels its pending request, or releases its slot's payload
   * with `cause` and returns the slot to waiting requests or to the free slots. Unknown ids are ignored.
   */
  releaseSlot(requestId: SlotRequestId, cause: Error): void;
}
