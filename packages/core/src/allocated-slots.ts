import type { AllocatedSlot } from "./allocated-slot.js";
import { IllegalStateError } from "./errors.js";
import type { AllocationId, ResourceId, SlotRequestId } from "./ids.js";
import { LazyKeyIndex } from "./lazy-key-index.js";
import { SlotDirectory, type TaskManagerSlots } from "./slot-directory.js";

/**
 * The slots the pool has handed out, reachable by allocation id, by the slot request id they were
 * handed to, and by TaskManager (Flink's `AllocatedSlots`).
 *
 * Adding and removing a slot hashes nothing: the request-id index is a {@link LazyKeyIndex} that
 * hashes slots only when someone looks one up by request id, the per-TaskManager chain is linked
 * through the slots and hangs off the TaskManager's record in a {@link SlotDirectory}, which also
 * answers lookups by allocation id. The record is kept while the directory knows a slot of the
 * TaskManager, so a TaskManager whose last allocated slot is returned keeps an empty chain, and
 * {@link AllocatedSlots.containsResource} is false for it. A slot can be allocated in one index at
 * a time.
 *
 * @example
 * ```ts
 * const used = new AllocatedSlots();
 * used.add(requestId, slot);
 * used.getByRequestId(requestId) === slot; // true
 * ```
 */
export class AllocatedSlots {
  private readonly directory: SlotDirectory;
  /** True when this index made its directory: it then forgets the slots it removes. */
  private readonly ownsDirectory: boolean;
  /** Every allocated slot by the request it was handed to, in allocation order. */
  private readonly byRequestId = new LazyKeyIndex<SlotRequestId, AllocatedSlot>((slot) => slot.holder as SlotRequestId);

  /**
   * @param directory - @internal share the slot directory with an {@link AvailableSlots} (the
   *   pool does); its owner then forgets slots that leave. Default: a directory of its own.
   */
  constructor(directory?: SlotDirectory) {
    this.ownsDirectory = directory === undefined;
    this.directory = directory ?? new SlotDirectory();
  }

  /** Number of allocated slots. */
  get size(): number {
    return this.byRequestId.size;
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
    const known = slot.home === undefined ? this.directory.get(slot.allocationId) : slot;
    if (known !== undefined && known.holder !== undefined) {
      throw new IllegalStateError(`slot ${slot.allocationId} is already allocated`);
    }
    if (this.byRequestId.has(requestId)) {
      throw new IllegalStateError(`request ${requestId} already holds a slot`);
    }
    this.addFresh(requestId, slot);
  }

  /**
   * @internal {@link add} for a request id the caller knows is not in use (a fresh one, or one it
   * just checked), and a slot that is not allocated: skips the request-id check, which would hash.
   */
  addFresh(requestId: SlotRequestId, slot: AllocatedSlot): void {
    this.directory.enter(slot);
    slot.holder = requestId;
    this.byRequestId.add(slot);
    const tm = slot.home as TaskManagerSlots;
    slot.tmPrev = tm.usedTail;
    slot.tmNext = undefined;
    if (tm.usedTail === undefined) tm.usedHead = slot;
    else tm.usedTail.tmNext = slot;
    tm.usedTail = slot;
    tm.usedCount++;
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
    const slot = this.directory.get(id);
    return slot !== undefined && slot.holder !== undefined ? slot : undefined;
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
    return this.byRequestId.get(requestId);
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
    return this.get(id)?.holder;
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
    return this.get(id) !== undefined;
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
    const slot = this.get(id);
    if (slot === undefined) return undefined;
    this.unlink(slot);
    return slot;
  }

  /**
   * @internal Removes `slot` itself (no lookup), if it is allocated here.
   * @returns whether it was.
   */
  take(slot: AllocatedSlot): boolean {
    if (slot.holder === undefined || slot.home?.directory !== this.directory) return false;
    this.unlink(slot);
    return true;
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
    const slot = this.byRequestId.get(requestId);
    if (slot === undefined) return undefined;
    this.unlink(slot);
    return slot;
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
    const record = this.directory.taskManager(tm);
    const removed: AllocatedSlot[] = [];
    if (record === undefined) return removed;
    for (let slot = record.usedHead; slot !== undefined; slot = record.usedHead) {
      this.unlink(slot);
      removed.push(slot);
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
    return (this.directory.taskManager(tm)?.usedCount ?? 0) > 0;
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
    const slots: AllocatedSlot[] = [];
    const record = this.directory.taskManager(tm);
    if (record !== undefined) for (let s = record.usedHead; s !== undefined; s = s.tmNext) slots.push(s);
    return slots;
  }

  /**
   * Every allocated slot with the request it was handed to, in allocation order.
   *
   * @example
   * ```ts
   * for (const [req, slot] of used.entries()) console.log(req, String(slot));
   * ```
   */
  entries(): IterableIterator<[SlotRequestId, AllocatedSlot]> {
    return this.byRequestId.entries();
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
    for (const slot of [...this.byRequestId.values()]) this.unlink(slot);
    this.byRequestId.clear();
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
    const problems: string[] = this.ownsDirectory ? this.directory.checkConsistency("allocated") : [];
    let byId = 0;
    for (const slot of this.directory.slots()) if (slot.holder !== undefined) byId++;
    let viaTm = 0;
    for (const tm of this.directory.taskManagers()) {
      let n = 0;
      for (let slot = tm.usedHead; slot !== undefined; slot = slot.tmNext) {
        n++;
        if (slot.holder === undefined || this.directory.get(slot.allocationId) !== slot) {
          problems.push(`allocated: ${slot} in TM view only`);
        }
        if (slot.location.resourceId !== tm.resourceId)
          problems.push(`allocated: ${slot} filed under TM ${tm.resourceId}`);
      }
      if (n !== tm.usedCount)
        problems.push(`allocated: TM ${tm.resourceId} chain has ${n} slots, counts ${tm.usedCount}`);
      viaTm += n;
    }
    for (const [req, slot] of this.byRequestId.hashed()) {
      if (slot.holder !== req || this.directory.get(slot.allocationId) !== slot) {
        problems.push(`allocated: request ${req} maps to ${slot} inconsistently`);
      }
    }
    if (viaTm !== byId || this.byRequestId.size !== byId) {
      problems.push(`allocated: views disagree (by id ${byId}, by request ${this.byRequestId.size}, by TM ${viaTm})`);
    }
    return problems;
  }

  private unlink(slot: AllocatedSlot): void {
    this.byRequestId.delete(slot);
    slot.holder = undefined;
    const tm = slot.home as TaskManagerSlots;
    const prev = slot.tmPrev;
    const next = slot.tmNext;
    if (prev === undefined) tm.usedHead = next;
    else prev.tmNext = next;
    if (next === undefined) tm.usedTail = prev;
    else next.tmPrev = prev;
    slot.tmPrev = undefined;
    slot.tmNext = undefined;
    tm.usedCount--;
    if (this.ownsDirectory) this.directory.forget(slot);
  }
}
