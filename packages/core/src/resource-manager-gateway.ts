import type { Observable } from "rxjs";
import type { AllocationId, JobMasterId, ResourceId } from "./ids.js";
import type { ResourceProfile } from "./resource-profile.js";

/**
 * What the pool asks the resource manager for: one slot of `profile`, to be offered back with
 * `allocationId`. The pool makes the allocation id; no location preference is sent (as in Flink).
 *
 * @example
 * ```ts
 * rm.requestSlot({ jobMasterId, jobId: "wordcount", allocationId, profile }).subscribe();
 * ```
 */
export interface SlotRequest {
  /** The fencing token of the requesting pool's leadership term. */
  readonly jobMasterId: JobMasterId;
  /** The job the slot is for. */
  readonly jobId: string;
  /** Made by the pool; the TaskExecutor's offer carries it back. */
  readonly allocationId: AllocationId;
  /** What the slot must offer. */
  readonly profile: ResourceProfile;
}

/**
 * The pool's view of a resource manager. Implementations: the embedded and local-process adapters of
 * `@slotpool/resource-manager`, or {@link InMemoryResourceManager} in tests.
 *
 * @example
 * ```ts
 * pool.connectToResourceManager(rm); // rm implements ResourceManagerGateway
 * ```
 */
export interface ResourceManagerGateway {
  /**
   * Asks for one slot. The Observable emits one acknowledgement (any value) and completes when the
   * RM has accepted the request, or errors when it refuses. It is cold: the request is sent on
   * subscribe. The pool applies its own `resourceManagerRequestMs` timeout.
   */
  requestSlot(request: SlotRequest): Observable<unknown>;
  /** Withdraws a request (the pool no longer needs that allocation). Fire and forget. */
  cancelSlotRequest(allocationId: AllocationId): void;
}

/**
 * The pool's view of one TaskExecutor: the one call the pool makes to it directly.
 *
 * @example
 * ```ts
 * const te: TaskExecutorGateway = { resourceId, freeSlot: () => of(undefined) };
 * ```
 */
export interface TaskExecutorGateway {
  /** The TaskExecutor this gateway talks to. */
  readonly resourceId: ResourceId;
  /**
   * Gives a slot back to the TaskExecutor (idle release, failed allocation). Cold; emits once or
   * errors. The pool drops the slot whether or not this succeeds (FLINK-11059).
   */
  freeSlot(allocationId: AllocationId, cause: Error): Observable<unknown>;
}

/**
 * One slot a TaskExecutor offers to the pool.
 *
 * @example
 * ```ts
 * const offer: SlotOffer = { allocationId, slotIndex: 0, profile: ResourceProfile.of({ cpu: 1, memoryMb: 1024 }) };
 * ```
 */
export interface SlotOffer {
  /** The allocation the slot was reserved for (the pool's id, or one it never asked for). */
  readonly allocationId: AllocationId;
  /** The slot's index on its TaskExecutor (an integer ≥ 0). */
  readonly slotIndex: number;
  /** What the slot offers. */
  readonly profile: ResourceProfile;
}
