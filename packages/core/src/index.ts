export { AllocatedSlot, type SlotPayload } from "./allocated-slot.js";
export { AllocatedSlots } from "./allocated-slots.js";
export { AvailableSlots, type AvailableSlotsView } from "./available-slots.js";
export { Completable, type Outcome } from "./completable.js";
export {
  AllocationFailedError,
  FencingTokenMismatchError,
  IllegalStateError,
  InvalidArgumentError,
  InvariantViolationError,
  isSlotPoolError,
  NoResourceAvailableError,
  PoolNotStartedError,
  PoolSuspendedError,
  RequestCancelledError,
  SlotPoolError,
  type SlotPoolErrorCode,
  SlotReleasedError,
  SlotRequestTimeoutError,
  TaskManagerLostError,
  toError,
} from "./errors.js";
export {
  type AllocationId,
  allocationId,
  type Brand,
  type IdGenerator,
  type JobMasterId,
  jobMasterId,
  type ResourceId,
  resourceId,
  type SlotRequestId,
  sequentialIds,
  slotRequestId,
} from "./ids.js";
export { InMemoryResourceManager, InMemoryTaskExecutor } from "./in-memory-resource-manager.js";
export { assertSlotPoolInvariants, checkSlotPoolInvariants, type PoolInvariantOptions } from "./invariant-checker.js";
export { LOCALITIES, Locality } from "./locality.js";
export { PendingRequest, PendingRequests } from "./pending-requests.js";
export type { NewSlotRequestOptions, PhysicalSlotProvider } from "./physical-slot-provider.js";
export type { OfferRejectionReason, SlotPoolEvent, SlotPoolEventType } from "./pool-events.js";
export type {
  ResourceManagerGateway,
  SlotOffer,
  SlotRequest,
  TaskExecutorGateway,
} from "./resource-manager-gateway.js";
export { ResourceProfile, type ResourceSpec } from "./resource-profile.js";
export {
  DEFAULT_TIMEOUTS,
  type SlotAllocationRequest,
  SlotPool,
  type SlotPoolOptions,
  type SlotPoolState,
  type SlotPoolTimeouts,
} from "./slot-pool.js";
export type { SlotLease, SlotRequestHandle } from "./slot-request-handle.js";
export {
  localityFirstStrategy,
  type SlotSelection,
  type SlotSelectionStrategy,
  spreadOutStrategy,
} from "./slot-selection-strategy.js";
export {
  applyTaskExecutorEvent,
  connectTaskExecutorEvents,
  type TaskExecutorEvent,
  type TaskExecutorEventOutcome,
  type TaskExecutorLinkStats,
} from "./task-executor-events.js";
export {
  checkPreferredLocations,
  sameLocation,
  type TaskManagerLocation,
  taskManagerLocation,
} from "./task-manager-location.js";
export { VirtualScheduler } from "./virtual-scheduler.js";
