import type { AllocatedSlot } from "./allocated-slot.js";
import { IllegalStateError } from "./errors.js";
import type { AllocationId, ResourceId, SlotRequestId } from "./ids.js";

interface AllocatedEntry {
  readonly slot: AllocatedSlot;
  readonly requestId: SlotRequestId;
}

/**
 * The slots the pool has handed out, reachable by allocation id, by the slot request id they were
 * handed to, and by TaskManager (Flink's `AllocatedSlots`). No empty per-TaskManager set is kept.
 *
 * @example
 * ```ts
 * const used = new AllocatedSlots();
 * used.add(requestId, slot);
 * used.getByRequestId(requestId) === slot; // true
 * ```
 */
export class AllocatedSlots {
  private readonly byAllocationId = new Map<AllocationId, AllocatedEntry>();
  private readonly byRequestId = new Map<SlotRequestId, AllocatedEntry>();
  private readonly byTaskManager = new Map<ResourceId, Set<AllocatedEntry>>();

  /** Number of allocated slots. */
  get size(): number {
    return this.byAllocationId.size;
  }

  /**
   * Registers `slot` as handed to `requestId`.
   *
   * @throws IllegalStateError if the allocation id or the request id is already registered.
   * @example
   * ```ts
   * used.add(slotRequestId("r1"), slot);
   * ```
   */
  add(requestId: SlotRequestId, slot: AllocatedSlot): void {
    if (this.byAllocationId.has(slot.allocationId)) {
      throw new IllegalStateError(`slot ${slot.allocationId} is already allocated`);
    }
    if (this.byRequestId.has(requestId)) {
      throw new IllegalStateError(`request ${requestId} already holds a slot`);
    }
    const entry: AllocatedEntry = { slot, requestId };
    this.byAllocationId.set(slot.allocationId, entry);
    this.byRequestId.set(requestId, entry);
    const tm = slot.location.resourceId;
    const set = this.byTaskManager.get(tm);
    if (set === undefined) this.byTaskManager.set(tm, new Set([entry]));
    else set.add(entry);
  }

  /**
   * The allocated slot with this allocation id.
   *
   * @example
   * ```ts
   * used.get(id)?.payload;
   * ```
   */
  get(id: AllocationId): AllocatedSlot | undefined {
    return this.byAllocationId.get(id)?.slot;
  }

  /**
   * The slot handed to `requestId`.
   *
   * @example
   * ```ts
   * used.getByRequestId(req);
   * ```
   */
  getByRequestId(requestId: SlotRequestId): AllocatedSlot | undefined {
    return this.byRequestId.get(requestId)?.slot;
  }

  /**
   * The request id a slot was handed to.
   *
   * @example
   * ```ts
   * used.requestIdOf(id);
   * ```
   */
  requestIdOf(id: AllocationId): SlotRequestId | undefined {
    return this.byAllocationId.get(id)?.requestId;
  }

  /**
   * Whether the allocation id is allocated.
   *
   * @example
   * ```ts
   * used.contains(id);
   * ```
   */
  contains(id: AllocationId): boolean {
    return this.byAllocationId.has(id);
  }

  /**
   * Removes by allocation id.
   *
   * @returns the slot, or undefined.
   * @example
   * ```ts
   * used.remove(id);
   * ```
   */
  remove(id: AllocationId): AllocatedSlot | undefined {
    const entry = this.byAllocationId.get(id);
    if (entry === undefined) return undefined;
    this.unlink(entry);
    return entry.slot;
  }

  /**
   * Removes the slot handed to `requestId`.
   *
   * @returns the slot, or undefined.
   * @example
   * ```ts
   * used.removeByRequestId(req);
   * ```
   */
  removeByRequestId(requestId: SlotRequestId): AllocatedSlot | undefined {
    const entry = this.byRequestId.get(requestId);
    if (entry === undefined) return undefined;
    this.unlink(entry);
    return entry.slot;
  }

  /**
   * Removes and returns every slot of a TaskManager. Cost: that TaskManager's slots.
   *
   * @example
   * ```ts
   * for (const slot of used.removeSlotsForTaskManager(tm)) slot.releasePayload(cause);
   * ```
   */
  removeSlotsForTaskManager(tm: ResourceId): AllocatedSlot[] {
    const set = this.byTaskManager.get(tm);
    if (set === undefined) return [];
    const removed: AllocatedSlot[] = [];
    for (const entry of [...set]) {
      this.unlink(entry);
      removed.push(entry.slot);
    }
    return removed;
  }

  /**
   * Whether any slot of the TaskManager is allocated.
   *
   * @example
   * ```ts
   * used.containsResource(tm);
   * ```
   */
  containsResource(tm: ResourceId): boolean {
    return this.byTaskManager.has(tm);
  }

  /**
   * The allocated slots of a TaskManager (empty if none).
   *
   * @example
   * ```ts
   * used.getSlotsForTaskManager(tm).length;
   * ```
   */
  getSlotsForTaskManager(tm: ResourceId): AllocatedSlot[] {
    const set = this.byTaskManager.get(tm);
    return set === undefined ? [] : [...set].map((e) => e.slot);
  }

  /**
   * Every allocated slot with the request it was handed to, in allocation order.
   *
   * @example
   * ```ts
   * for (const [req, slot] of used.entries()) console.log(req, String(slot));
   * ```
   */
  *entries(): IterableIterator<[SlotRequestId, AllocatedSlot]> {
    for (const e of this.byAllocationId.values()) yield [e.requestId, e.slot];
  }

  /**
   * Forgets every slot (without releasing payloads).
   *
   * @example
   * ```ts
   * used.clear();
   * ```
   */
  clear(): void {
    this.byAllocationId.clear();
    this.byRequestId.clear();
    this.byTaskManager.clear();
  }

  /**
   * Checks invariant 3: each slot reachable by its id, its request id and its TaskManager.
   *
   * @example
   * ```ts
   * expect(used.checkConsistency()).toEqual([]);
   * ```
   */
  checkConsistency(): string[] {
    const problems: string[] = [];
    let viaTm = 0;
    for (const [tm, set] of this.byTaskManager) {
      if (set.size === 0) problems.push(`allocated: empty per-TaskManager set kept for ${tm}`);
      for (const e of set) {
        viaTm++;
        if (this.byAllocationId.get(e.slot.allocationId) !== e) problems.push(`allocated: ${e.slot} in TM view only`);
        if (e.slot.location.resourceId !== tm) problems.push(`allocated: ${e.slot} filed under TM ${tm}`);
      }
    }
    for (const [req, e] of this.byRequestId) {
      if (e.requestId !== req || this.byAllocationId.get(e.slot.allocationId) !== e) {
        problems.push(`allocated: request ${req} maps to ${e.slot} inconsistently`);
      }
    }
    const n = this.byAllocationId.size;
    if (viaTm !== n || this.byRequestId.size !== n) {
      problems.push(`allocated: views disagree (by id ${n}, by request ${this.byRequestId.size}, by TM ${viaTm})`);
    }
    return problems;
  }

  private unlink(entry: AllocatedEntry): void {
    this.byAllocationId.delete(entry.slot.allocationId);
    this.byRequestId.delete(entry.requestId);
    const tm = entry.slot.location.resourceId;
    const set = this.byTaskManager.get(tm);
    if (set !== undefined) {
      set.delete(entry);
      if (set.size === 0) this.byTaskManager.delete(tm);
    }
  }
}
