import type { AllocationId, JobMasterId, ResourceId, SlotRequestId } from "./ids.js";
import type { Locality } from "./locality.js";

/**
 * Why an offered slot was not accepted.
 *
 * - `POOL_NOT_STARTED`: the pool has no leadership (never started or suspended).
 * - `UNKNOWN_TASK_MANAGER`: the TaskManager is not registered.
 * - `CONFLICTING_ALLOCATION`: the allocation id is known from another TaskManager or slot index.
 * - `INVALID_OFFER`: the offer is malformed (negative or fractional slot index, missing id or profile).
 *
 * @example
 * ```ts
 * pool.events$.subscribe((e) => { if (e.type === "offerRejected") console.warn(e.reason); });
 * ```
 */
export type OfferRejectionReason =
  | "POOL_NOT_STARTED"
  | "UNKNOWN_TASK_MANAGER"
  | "CONFLICTING_ALLOCATION"
  | "INVALID_OFFER";

/**
 * Everything the pool decides, as a typed event stream (`pool.events$`). Every event carries the
 * scheduler time `atMs`. Events are only built while someone subscribes, so an unobserved pool pays
 * nothing for them.
 *
 * @example
 * ```ts
 * pool.events$.pipe(filter((e) => e.type === "slotAllocated")).subscribe((e) => console.log(e.locality));
 * ```
 */
export type SlotPoolEvent =
  | { readonly type: "started"; readonly atMs: number; readonly jobMasterId: JobMasterId }
  | { readonly type: "suspended"; readonly atMs: number }
  | { readonly type: "resourceManagerConnected"; readonly atMs: number }
  | { readonly type: "resourceManagerDisconnected"; readonly atMs: number }
  | { readonly type: "taskManagerRegistered"; readonly atMs: number; readonly resourceId: ResourceId }
  | {
      readonly type: "taskManagerReleased";
      readonly atMs: number;
      readonly resourceId: ResourceId;
      readonly cause: Error;
    }
  | {
      readonly type: "slotOffered";
      readonly atMs: number;
      readonly allocationId: AllocationId;
      readonly resourceId: ResourceId;
      readonly slotIndex: number;
      /** The request the slot went to directly, if any. */
      readonly requestId: SlotRequestId | undefined;
    }
  | {
      readonly type: "offerRejected";
      readonly atMs: number;
      readonly allocationId: AllocationId;
      readonly resourceId: ResourceId;
      readonly reason: OfferRejectionReason;
    }
  | {
      readonly type: "slotAllocated";
      readonly atMs: number;
      readonly requestId: SlotRequestId;
      readonly allocationId: AllocationId;
      readonly resourceId: ResourceId;
      readonly locality: Locality;
    }
  | { readonly type: "slotAvailable"; readonly atMs: number; readonly allocationId: AllocationId }
  | {
      readonly type: "slotReleased";
      readonly atMs: number;
      readonly requestId: SlotRequestId;
      readonly allocationId: AllocationId;
      readonly cause: Error;
    }
  | { readonly type: "slotFreed"; readonly atMs: number; readonly allocationId: AllocationId; readonly reason: "IDLE" }
  | { readonly type: "slotDropped"; readonly atMs: number; readonly allocationId: AllocationId; readonly cause: Error }
  | { readonly type: "requestStashed"; readonly atMs: number; readonly requestId: SlotRequestId }
  | {
      readonly type: "requestSent";
      readonly atMs: number;
      readonly requestId: SlotRequestId;
      readonly allocationId: AllocationId;
    }
  | { readonly type: "requestFailed"; readonly atMs: number; readonly requestId: SlotRequestId; readonly error: Error }
  | { readonly type: "resourceManagerRequestCancelled"; readonly atMs: number; readonly allocationId: AllocationId };

/**
 * The `type` of a {@link SlotPoolEvent}.
 *
 * @example
 * ```ts
 * const t: SlotPoolEventType = "slotAllocated";
 * ```
 */
export type SlotPoolEventType = SlotPoolEvent["type"];
