import type { AllocationId } from "./ids.js";
import type { TaskExecutorGateway } from "./resource-manager-gateway.js";
import type { ResourceProfile } from "./resource-profile.js";
import type { TaskManagerLocation } from "./task-manager-location.js";

/**
 * What occupies a physical slot: a single task's lease, or the root of a sharing tree. The pool
 * tells it when the slot is taken away (TaskManager lost, allocation failed, pool suspended).
 *
 * @example
 * ```ts
 * const payload: SlotPayload = { release: (cause) => console.log("slot gone:", cause.message) };
 * ```
 */
export interface SlotPayload {
  /** The slot is being taken away with `cause`. Must not throw; must not assume the slot is still registered. */
  release(cause: Error): void;
}

/**
 * A physical slot the pool holds: offered by a TaskExecutor, identified by its {@link AllocationId},
 * and occupied by at most one {@link SlotPayload}. Identity equality: two objects are the same slot
 * only if they are the same object.
 *
 * @example
 * ```ts
 * const slot = new AllocatedSlot(allocationId("a-1"), taskManagerLocation("tm-1"), 0, profile, gateway);
 * slot.tryAssignPayload(payload); // true
 * slot.tryAssignPayload(other);   // false: already used
 * ```
 */
export class AllocatedSlot {
  /** The allocation this slot was offered for. */
  readonly allocationId: AllocationId;
  /** The TaskManager (and host) the slot lives on. */
  readonly location: TaskManagerLocation;
  /** The slot's index on its TaskManager. */
  readonly slotIndex: number;
  /** What the slot offers. */
  readonly profile: ResourceProfile;
  /** The TaskExecutor to talk to about this slot. */
  readonly gateway: TaskExecutorGateway;
  private currentPayload: SlotPayload | undefined = undefined;

  constructor(
    allocationId: AllocationId,
    location: TaskManagerLocation,
    slotIndex: number,
    profile: ResourceProfile,
    gateway: TaskExecutorGateway,
  ) {
    this.allocationId = allocationId;
    this.location = location;
    this.slotIndex = slotIndex;
    this.profile = profile;
    this.gateway = gateway;
  }

  /** The current payload, if any. */
  get payload(): SlotPayload | undefined {
    return this.currentPayload;
  }

  /** True when a payload occupies the slot. */
  get isUsed(): boolean {
    return this.currentPayload !== undefined;
  }

  /**
   * Sets the payload if there is none (compare-and-set).
   *
   * @returns true when assigned; false when the slot already had a payload.
   * @example
   * ```ts
   * if (!slot.tryAssignPayload(root)) root.release(new IllegalStateError("slot taken"));
   * ```
   */
  tryAssignPayload(payload: SlotPayload): boolean {
    if (this.currentPayload !== undefined) return false;
    this.currentPayload = payload;
    return true;
  }

  /**
   * Clears the payload and tells it the slot is gone (fire-and-forget, as since FLINK-9324).
   * No-op without a payload.
   *
   * @example
   * ```ts
   * slot.releasePayload(new TaskManagerLostError("tm-1 lost"));
   * ```
   */
  releasePayload(cause: Error): void {
    const payload = this.currentPayload;
    if (payload === undefined) return;
    this.currentPayload = undefined;
    payload.release(cause);
  }

  /** Clears the payload without telling it (used when the payload itself gives the slot back). */
  clearPayload(): void {
    this.currentPayload = undefined;
  }

  /**
   * `alloc-1@tm-1[0]`.
   *
   * @example
   * ```ts
   * console.log(`${slot}`);
   * ```
   */
  toString(): string {
    return `${this.allocationId}@${this.location.resourceId}[${this.slotIndex}]`;
  }
}
