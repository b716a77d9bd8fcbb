export { CandidateList } from "./candidate-list.js";
export type { CoLocationConstraintLike } from "./co-location-constraint.js";
export { GroupKey, type GroupKind } from "./group-key.js";
export { LogicalSlot, type LogicalSlotTask } from "./logical-slot.js";
export { MultiTaskSlot, type SharingTreeHost, type TaskSlot } from "./multi-task-slot.js";
export { type OwnSlotOwner, OwnSlotRequest } from "./own-slot-request.js";
export { ResourceUsage, sumKnownProfiles } from "./resource-usage.js";
export { RootAvailability } from "./root-availability.js";
export type { SchedulableTask } from "./schedulable-task.js";
export {
  allocateCoLocatedMultiTaskSlot,
  allocateMultiTaskSlot,
  type RootSearch,
} from "./shared-slot-allocation.js";
export { assertSharingInvariants, checkSharingInvariants, type SharingInvariantOptions } from "./sharing-invariants.js";
export { SingleTaskSlot, type SingleTaskSlotParent } from "./single-task-slot.js";
export { type RootChoice, SlotSharingManager, type SlotSharingManagerHooks } from "./slot-sharing-manager.js";
export type { TaskHandle } from "./task-handle.js";
export { TaskRequest } from "./task-request.js";
export { TaskScheduler, type TaskSchedulerOptions } from "./task-scheduler.js";
