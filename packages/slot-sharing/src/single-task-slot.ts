import type { AllocatedSlot, Locality, ResourceProfile, SlotRequestId, TaskManagerLocation } from "@slotpool/core";
import type { CoLocationConstraintLike } from "./co-location-constraint.js";
import type { GroupKey } from "./group-key.js";
import { TaskRequest } from "./task-request.js";

const RELEASED = 1;
const DELIVERED = 2;

/**
 * The node a {@link SingleTaskSlot} hangs under (a {@link MultiTaskSlot}).
 *
 * @example
 * ```ts
 * const parent: SingleTaskSlotParent = multiTaskSlot;
 * ```
 */
export interface SingleTaskSlotParent {
  /** The node's request id. */
  readonly requestId: SlotRequestId;
  /** Drops a released child; a node left without children releases itself. */
  removeChild(child: SingleTaskSlot): void;
}

/**
 * A leaf of a sharing tree: one task in a shared slot (Flink's SingleTaskSlot). The leaf *is* the
 * task's {@link TaskHandle} — the scheduler makes it when the task arrives and hangs it under the
 * chosen root (or co-location node) — so a shared task costs one object, and is reached through
 * its handle (or its parent's children), not through the manager's index of inner nodes. Its
 * group key is the task's vertex; its request id is the task's. When the root's physical slot is
 * known, the leaf completes the task's result with a {@link LogicalSlot}.
 *
 * @example
 * ```ts
 * const handle = scheduler.allocate({ vertexId: "map", subtaskIndex: 0, slotSharingGroup: "g" });
 * if (handle instanceof SingleTaskSlot) console.log(handle.locality, handle.parent?.requestId);
 * ```
 */
export class SingleTaskSlot extends TaskRequest {
  /** The task's vertex key. */
  readonly group: GroupKey;
  /** The task's co-location constraint, if co-located. */
  readonly coLocationConstraint: CoLocationConstraintLike | undefined;
  /**
   * How local the choice of this leaf's shared slot was (`UNKNOWN` when the shared slot was
   * pending; `LOCAL` when it joined an existing co-location node). Updated when the leaf moves.
   */
  locality: Locality = "UNKNOWN";
  /** The node it hangs under; undefined before it is placed, once released, or while it moves. */
  parent: SingleTaskSlotParent | undefined = undefined;
  /** The sharing group. */
  readonly sharingGroup: string;
  /** Bit 1: released; bit 2: delivered. */
  private leafState = 0;

  constructor(
    sharingGroup: string,
    requestId: SlotRequestId,
    subtaskIndex: number,
    group: GroupKey,
    coLocationConstraint: CoLocationConstraintLike | undefined,
    profile: ResourceProfile,
    preferences: readonly TaskManagerLocation[],
    queued: boolean,
    timeoutMs: number,
  ) {
    super(requestId, subtaskIndex, profile, preferences, queued, timeoutMs);
    this.sharingGroup = sharingGroup;
    this.group = group;
    this.coLocationConstraint = coLocationConstraint;
  }

  /** Always `"single"` (tells leaves from {@link MultiTaskSlot}s). */
  get kind(): "single" {
    return "single";
  }

  /** The task's vertex (its group key's id). */
  get vertexId(): string {
    return this.group.id;
  }

  /** The co-location group, or undefined. */
  override get coLocationGroup(): string | undefined {
    return this.coLocationConstraint?.groupId;
  }

  /** True once released. */
  get isReleased(): boolean {
    return (this.leafState & RELEASED) !== 0;
  }

  /** True once the task's result was completed with a logical slot from this leaf. */
  get isDelivered(): boolean {
    return (this.leafState & DELIVERED) !== 0;
  }

  /**
   * True when `key` is this leaf's vertex.
   *
   * @example
   * ```ts
   * leaf.contains(manager.vertexKey("map"));
   * ```
   */
  contains(key: GroupKey): boolean {
    return key === this.group;
  }

  /**
   * Completes the task's result with a logical slot on `slot` (once; no-op after release).
   *
   * @example
   * ```ts
   * leaf.deliverSlot(root.slot!);
   * ```
   */
  deliverSlot(slot: AllocatedSlot): void {
    if (this.leafState !== 0) return;
    this.leafState = DELIVERED;
    this.deliver(slot, this.locality);
  }

  /**
   * Releases the task: the leaf leaves the tree (a parent left empty releases itself, up to the
   * root, which returns its physical slot), then the task hears about it — a waiting result fails
   * with `cause`, a placed logical slot is marked released. Idempotent. Without a cause: the
   * holder's default `SLOT_RELEASED` cause.
   *
   * @example
   * ```ts
   * leaf.release(new SlotReleasedError("task finished"));
   * ```
   */
  release(cause?: Error): void {
    if ((this.leafState & RELEASED) !== 0) return;
    this.leafState |= RELEASED;
    const parent = this.parent;
    this.parent = undefined;
    parent?.removeChild(this);
    this.slotReleased(cause);
  }

  /**
   * `leaf req-4 (vertex:map)`.
   *
   * @example
   * ```ts
   * console.log(`${leaf}`);
   * ```
   */
  override toString(): string {
    return `leaf ${this.requestId} (${this.group})`;
  }
}
