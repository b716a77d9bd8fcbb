import type { AllocatedSlot } from "./allocated-slot.js";
import { IllegalStateError } from "./errors.js";
import type { AllocationId, ResourceId } from "./ids.js";
import { type BucketEntry, ProfileBuckets } from "./profile-buckets.js";
import type { ResourceProfile } from "./resource-profile.js";

/** One free slot in the index, with the links of its host chain and its profile bucket. */
class AvailableEntry implements BucketEntry<AvailableEntry> {
  hostPrev: AvailableEntry | undefined = undefined;
  hostNext: AvailableEntry | undefined = undefined;
  bucketPrev: AvailableEntry | undefined = undefined;
  bucketNext: AvailableEntry | undefined = undefined;
  constructor(
    readonly slot: AllocatedSlot,
    readonly since: number,
    readonly seq: number,
  ) {}
  get profile(): ResourceProfile {
    return this.slot.profile;
  }
}

class HostChain {
  head: AvailableEntry | undefined = undefined;
  tail: AvailableEntry | undefined = undefined;
  size = 0;
}

/**
 * Read-only view of the free slots, given to {@link SlotSelectionStrategy} plugins. Every lookup
 * is indexed: by TaskManager, by host, and by profile bucket.
 *
 * @example
 * ```ts
 * const slot = view.findOnTaskManager(pref.resourceId, profile) ?? view.findAny(profile);
 * ```
 */
export interface AvailableSlotsView {
  /** Number of free slots. */
  readonly size: number;
  /** First (oldest) free slot on TaskManager `id` that matches `profile`. Cost: that TM's free slots. */
  findOnTaskManager(id: ResourceId, profile: ResourceProfile): AllocatedSlot | undefined;
  /** First (oldest) free slot on `host` that matches `profile`. Cost: that host's free slots, at worst. */
  findOnHost(host: string, profile: ResourceProfile): AllocatedSlot | undefined;
  /** The oldest free slot that matches `profile`. Cost: the number of distinct matching profiles. */
  findAny(profile: ResourceProfile): AllocatedSlot | undefined;
  /** Free slots on TaskManager `id`, oldest first. */
  slotsOnTaskManager(id: ResourceId): Iterable<AllocatedSlot>;
  /** Number of free slots on TaskManager `id`. */
  countOnTaskManager(id: ResourceId): number;
  /** Every free slot that matches `profile` (grouped by profile, oldest first in each group). */
  matching(profile: ResourceProfile): Iterable<AllocatedSlot>;
  /** How many free slots match `profile`. Cost: the number of distinct matching profiles. */
  countMatching(profile: ResourceProfile): number;
  /** The distinct profiles of the free slots, with how many slots have each. */
  profiles(): Iterable<readonly [ResourceProfile, number]>;
  /** TaskManagers that have at least one free slot. */
  taskManagers(): Iterable<ResourceId>;
}

/**
 * The pool's free slots, indexed by allocation id, by TaskManager, by host and by profile bucket
 * (Flink's `AvailableSlots`, plus the profile buckets so profile matching never scans slots that
 * cannot match). All views always hold the same slots; empty per-TaskManager and per-host entries
 * are dropped.
 *
 * @example
 * ```ts
 * const free = new AvailableSlots();
 * free.add(slot, scheduler.now());
 * const s = free.findAny(ResourceProfile.UNKNOWN);
 * if (s) free.tryRemove(s.allocationId);
 * ```
 */
export class AvailableSlots implements AvailableSlotsView {
  private readonly byId = new Map<AllocationId, AvailableEntry>();
  private readonly byTaskManager = new Map<ResourceId, Set<AvailableEntry>>();
  private readonly byHost = new Map<string, HostChain>();
  private readonly buckets = new ProfileBuckets<AvailableEntry>("offered");
  private seq = 0;

  /** Number of free slots. */
  get size(): number {
    return this.byId.size;
  }

  /**
   * Adds a free slot, stamped with `now` (for the idle timeout).
   *
   * @throws IllegalStateError if the allocation id is already available.
   * @example
   * ```ts
   * free.add(slot, 0);
   * ```
   */
  add(slot: AllocatedSlot, now: number): void {
    if (this.byId.has(slot.allocationId)) {
      throw new IllegalStateError(`slot ${slot.allocationId} is already available`);
    }
    const entry = new AvailableEntry(slot, now, ++this.seq);
    this.byId.set(slot.allocationId, entry);
    const tmId = slot.location.resourceId;
    const onTm = this.byTaskManager.get(tmId);
    if (onTm === undefined) this.byTaskManager.set(tmId, new Set([entry]));
    else onTm.add(entry);
    let chain = this.byHost.get(slot.location.host);
    if (chain === undefined) {
      chain = new HostChain();
      this.byHost.set(slot.location.host, chain);
    }
    entry.hostPrev = chain.tail;
    if (chain.tail === undefined) chain.head = entry;
    else chain.tail.hostNext = entry;
    chain.tail = entry;
    chain.size++;
    this.buckets.add(entry);
  }

  /**
   * Whether `id` is a free slot.
   *
   * @example
   * ```ts
   * free.contains(slot.allocationId);
   * ```
   */
  contains(id: AllocationId): boolean {
    return this.byId.has(id);
  }

  /**
   * The free slot with this allocation id.
   *
   * @example
   * ```ts
   * free.get(id)?.location.host;
   * ```
   */
  get(id: AllocationId): AllocatedSlot | undefined {
    return this.byId.get(id)?.slot;
  }

  /**
   * When the slot became free (scheduler time), or undefined.
   *
   * @example
   * ```ts
   * const idleFor = now - (free.since(id) ?? now);
   * ```
   */
  since(id: AllocationId): number | undefined {
    return this.byId.get(id)?.since;
  }

  /**
   * Removes a free slot from every view.
   *
   * @returns the slot, or undefined if it was not available.
   * @example
   * ```ts
   * const slot = free.tryRemove(id);
   * ```
   */
  tryRemove(id: AllocationId): AllocatedSlot | undefined {
    const entry = this.byId.get(id);
    if (entry === undefined) return undefined;
    this.unlink(entry);
    return entry.slot;
  }

  /**
   * Removes every free slot of a TaskManager. Cost: that TaskManager's free slots.
   *
   * @example
   * ```ts
   * const dropped = free.removeAllForTaskManager(tm);
   * ```
   */
  removeAllForTaskManager(id: ResourceId): AllocatedSlot[] {
    const onTm = this.byTaskManager.get(id);
    if (onTm === undefined) return [];
    const removed: AllocatedSlot[] = [];
    for (const entry of [...onTm]) {
      this.unlink(entry);
      removed.push(entry.slot);
    }
    return removed;
  }

  /**
   * Whether the TaskManager has at least one free slot.
   *
   * @example
   * ```ts
   * free.containsTaskManager(tm);
   * ```
   */
  containsTaskManager(id: ResourceId): boolean {
    return this.byTaskManager.has(id);
  }

  /** {@inheritDoc AvailableSlotsView.findOnTaskManager} */
  findOnTaskManager(id: ResourceId, profile: ResourceProfile): AllocatedSlot | undefined {
    const onTm = this.byTaskManager.get(id);
    if (onTm === undefined) return undefined;
    for (const entry of onTm) if (entry.slot.profile.isMatching(profile)) return entry.slot;
    return undefined;
  }

  /** {@inheritDoc AvailableSlotsView.findOnHost} */
  findOnHost(host: string, profile: ResourceProfile): AllocatedSlot | undefined {
    const chain = this.byHost.get(host);
    if (chain === undefined) return undefined;
    for (let e = chain.head; e !== undefined; e = e.hostNext) if (e.slot.profile.isMatching(profile)) return e.slot;
    return undefined;
  }

  /** {@inheritDoc AvailableSlotsView.findAny} */
  findAny(profile: ResourceProfile): AllocatedSlot | undefined {
    return this.buckets.oldestMatching(profile)?.slot;
  }

  /** {@inheritDoc AvailableSlotsView.slotsOnTaskManager} */
  *slotsOnTaskManager(id: ResourceId): IterableIterator<AllocatedSlot> {
    const onTm = this.byTaskManager.get(id);
    if (onTm !== undefined) for (const e of onTm) yield e.slot;
  }

  /** {@inheritDoc AvailableSlotsView.countOnTaskManager} */
  countOnTaskManager(id: ResourceId): number {
    return this.byTaskManager.get(id)?.size ?? 0;
  }

  /** {@inheritDoc AvailableSlotsView.matching} */
  *matching(profile: ResourceProfile): IterableIterator<AllocatedSlot> {
    for (const e of this.buckets.matching(profile)) yield e.slot;
  }

  /** {@inheritDoc AvailableSlotsView.countMatching} */
  countMatching(profile: ResourceProfile): number {
    let n = 0;
    for (const bucket of this.buckets.matchingBuckets(profile)) n += bucket.size;
    return n;
  }

  /** {@inheritDoc AvailableSlotsView.profiles} */
  *profiles(): IterableIterator<readonly [ResourceProfile, number]> {
    for (const bucket of this.buckets.nonEmptyBuckets()) yield [bucket.profile, bucket.size];
  }

  /** {@inheritDoc AvailableSlotsView.taskManagers} */
  taskManagers(): IterableIterator<ResourceId> {
    return this.byTaskManager.keys();
  }

  /**
   * The slot that has been free the longest, with the time it became free.
   *
   * @example
   * ```ts
   * const o = free.oldest(); if (o && now - o.since >= idleMs) release(o.slot);
   * ```
   */
  oldest(): { readonly slot: AllocatedSlot; readonly since: number } | undefined {
    return this.buckets.oldest();
  }

  /**
   * Every free slot, in the order they became free.
   *
   * @example
   * ```ts
   * for (const slot of free.values()) console.log(String(slot));
   * ```
   */
  *values(): IterableIterator<AllocatedSlot> {
    for (const e of this.byId.values()) yield e.slot;
  }

  /**
   * Forgets every free slot.
   *
   * @example
   * ```ts
   * free.clear();
   * ```
   */
  clear(): void {
    this.byId.clear();
    this.byTaskManager.clear();
    this.byHost.clear();
    this.buckets.clear();
  }

  /**
   * Checks that every view holds exactly the same slots (invariant 2). Cost: O(size).
   *
   * @returns one sentence per inconsistency; empty when consistent.
   * @example
   * ```ts
   * expect(free.checkConsistency()).toEqual([]);
   * ```
   */
  checkConsistency(): string[] {
    const problems: string[] = [];
    let viaTm = 0;
    for (const [tm, set] of this.byTaskManager) {
      if (set.size === 0) problems.push(`available: empty per-TaskManager set kept for ${tm}`);
      for (const e of set) {
        viaTm++;
        if (this.byId.get(e.slot.allocationId) !== e) problems.push(`available: ${e.slot} in TM view but not by id`);
        if (e.slot.location.resourceId !== tm) problems.push(`available: ${e.slot} filed under TM ${tm}`);
      }
    }
    let viaHost = 0;
    for (const [host, chain] of this.byHost) {
      let n = 0;
      for (let e = chain.head; e !== undefined; e = e.hostNext) {
        n++;
        if (this.byId.get(e.slot.allocationId) !== e) problems.push(`available: ${e.slot} in host view but not by id`);
        if (e.slot.location.host !== host) problems.push(`available: ${e.slot} filed under host ${host}`);
      }
      if (n !== chain.size) problems.push(`available: host ${host} chain has ${n} slots, counts ${chain.size}`);
      if (n === 0) problems.push(`available: empty per-host chain kept for ${host}`);
      viaHost += n;
    }
    let viaBucket = 0;
    for (const bucket of this.buckets.nonEmptyBuckets()) {
      for (let e = bucket.head; e !== undefined; e = e.bucketNext) {
        viaBucket++;
        if (this.byId.get(e.slot.allocationId) !== e) problems.push(`available: ${e.slot} in bucket but not by id`);
        if (e.slot.profile.key !== bucket.profile.key) problems.push(`available: ${e.slot} in wrong profile bucket`);
      }
    }
    const n = this.byId.size;
    if (viaTm !== n || viaHost !== n || viaBucket !== n) {
      problems.push(
        `available: views disagree (by id ${n}, by TM ${viaTm}, by host ${viaHost}, by profile ${viaBucket})`,
      );
    }
    for (const [id, e] of this.byId) {
      if (e.slot.allocationId !== id) problems.push(`available: ${e.slot} filed under id ${id}`);
      if (e.slot.isUsed) problems.push(`available: ${e.slot} has a payload (invariant 6)`);
    }
    return problems;
  }

  private unlink(entry: AvailableEntry): void {
    const slot = entry.slot;
    this.byId.delete(slot.allocationId);
    const tmId = slot.location.resourceId;
    const onTm = this.byTaskManager.get(tmId);
    if (onTm !== undefined) {
      onTm.delete(entry);
      if (onTm.size === 0) this.byTaskManager.delete(tmId);
    }
    const chain = this.byHost.get(slot.location.host);
    if (chain !== undefined) {
      if (entry.hostPrev === undefined) chain.head = entry.hostNext;
      else entry.hostPrev.hostNext = entry.hostNext;
      if (entry.hostNext === undefined) chain.tail = entry.hostPrev;
      else entry.hostNext.hostPrev = entry.hostPrev;
      entry.hostPrev = undefined;
      entry.hostNext = undefined;
      if (--chain.size === 0) this.byHost.delete(slot.location.host);
    }
    this.buckets.remove(entry);
  }
}
