import type { AllocationId, SlotRequestId } from "./ids.js";
import type { TaskExecutorGateway } from "./resource-manager-gateway.js";
import type { ResourceProfile } from "./resource-profile.js";
import type { TaskManagerSlots } from "./slot-directory.js";
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
  // Index bookkeeping, owned by AvailableSlots, AllocatedSlots and their SlotDirectory. Keeping the
  // links on the slot itself (an intrusive index) means moving a slot between "free" and "allocated"
  // allocates nothing and touches no hash map. Not part of the API: never write these. (Every field
  // costs 8 bytes per slot: keep them few. They come first, with `profile`, so that what the hot
  // paths read shares the slot's first cache line.)

  /** What the slot offers. */
  readonly profile: ResourceProfile;
  /** @internal Links in its TaskManager's chain of free slots (oldest first) or of allocated slots. */
  tmNext: AllocatedSlot | undefined = undefined;
  /** @internal */ tmPrev: AllocatedSlot | undefined = undefined;
  /**
   * @internal The slot's state in its indexes: > 0 free (its FIFO position among the free slots);
   * 0 not free; −1 being handed back by the pool after a release (its payload is being told,
   * which may re-enter the pool: known, but neither free nor allocated).
   */
  seq = 0;
  /** @internal The record of this slot's TaskManager in the directory that knows it. */
  home: TaskManagerSlots | undefined = undefined;
  /** @internal Links in the chain of free slots of the same profile, oldest first. */
  bucketPrev: AllocatedSlot | undefined = undefined;
  /** @internal */ bucketNext: AllocatedSlot | undefined = undefined;
  /** @internal The request the slot is allocated to; undefined while not allocated. */
  holder: SlotRequestId | undefined = undefined;
  // Next to `holder`: both are written for every allocation.
  private currentPayload: SlotPayload | undefined = undefined;
  /** @internal Place in AllocatedSlots' request-id index (see LazyKeyIndex). */
  indexState: 0 | 1 | 2 = 0;
  /** @internal */ indexPrev: AllocatedSlot | undefined = undefined;
  /** @internal */ indexNext: AllocatedSlot | undefined = undefined;
  /** @internal When the slot became free, relative to its AvailableSlots' epoch (a small integer). */
  freeSince = 0;

  /** The allocation this slot was offered for. */
  readonly allocationId: AllocationId;
  /** The TaskManager (and host) the slot lives on. */
  readonly location: TaskManagerLocation;
  /** The slot's index on its TaskManager. */
  readonly slotIndex: number;
  /** The TaskExecutor to talk to about this slot. */
  readonly gateway: TaskExecutorGateway;

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
   * The slot's data for `JSON.stringify`: id, location, index, profile and gateway. The index
   * links the slot carries for its pool (which form cycles) and its payload are left out.
   *
   * @example
   * ```ts
   * JSON.stringify(lease); // { "requestId": "req-1", "slot": { "allocationId": "a1", … }, "locality": "LOCAL" }
   * ```
   */
  toJSON(): {
    readonly allocationId: AllocationId;
    readonly location: TaskManagerLocation;
    readonly slotIndex: number;
    readonly profile: ResourceProfile;
    readonly gateway: TaskExecutorGateway;
  } {
    return {
      allocationId: this.allocationId,
      location: this.location,
      slotIndex: this.slotIndex,
      profile: this.profile,
      gateway: this.gateway,
    };
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
