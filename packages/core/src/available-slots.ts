import type { AllocatedSlot } from "./allocated-slot.js";
import { IllegalStateError } from "./errors.js";
import type { AllocationId, ResourceId } from "./ids.js";
import { ProfileBuckets } from "./profile-buckets.js";
import type { ResourceProfile } from "./resource-profile.js";
import { SlotDirectory, type TaskManagerSlots } from "./slot-directory.js";

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
 * cannot match). All views always hold the same slots.
 *
 * The index is intrusive: the per-TaskManager and per-profile FIFO chains are linked through the
 * slots, and the TaskManager and host records live in a {@link SlotDirectory} that keeps them for
 * as long as it knows a slot there (so adding and removing a slot allocates nothing and, given the
 * slot, hashes nothing). A host's free slots are its TaskManagers' free slots. A record whose
 * TaskManager has no free slot left is simply empty; {@link AvailableSlots.taskManagers} lists only
 * TaskManagers with a free slot. A slot can be free in one index at a time.
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
  private readonly directory: SlotDirectory;
  /** True when this index made its directory: it then forgets the slots it removes. */
  private readonly ownsDirectory: boolean;
  private readonly buckets = new ProfileBuckets<AllocatedSlot>("offered");
  /** TaskManagers with a free slot, in the order they got one (linked through their records). */
  private withFreeHead: TaskManagerSlots | undefined = undefined;
  private withFreeTail: TaskManagerSlots | undefined = undefined;
  private count = 0;
  private seq = 0;
  /**
   * Free-since times are kept relative to this (the first time seen), so a wall-clock time such as
   * `Date.now()` becomes a small integer stored in the slot instead of a heap number per slot.
   */
  private epoch: number | undefined = undefined;

  /**
   * @param directory - @internal share the slot directory with an {@link AllocatedSlots} (the
   *   pool does); its owner then forgets slots that leave. Default: a directory of its own.
   */
  constructor(directory?: SlotDirectory) {
    this.ownsDirectory = directory === undefined;
    this.directory = directory ?? new SlotDirectory();
  }

  /** Number of free slots. */
  get size(): number {
    return this.count;
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
    const known = slot.home === undefined ? this.directory.get(slot.allocationId) : slot;
    if (known !== undefined && known.seq > 0) {
      throw new IllegalStateError(`slot ${slot.allocationId} is already available`);
    }
    this.directory.enter(slot);
    const tm = slot.home as TaskManagerSlots;
    slot.seq = ++this.seq;
    slot.freeSince = this.relative(now);
    // its TaskManager's chain
    slot.tmPrev = tm.freeTail;
    slot.tmNext = undefined;
    if (tm.freeTail === undefined) tm.freeHead = slot;
    else tm.freeTail.tmNext = slot;
    tm.freeTail = slot;
    if (tm.freeCount++ === 0) this.linkTaskManager(tm);
    this.buckets.add(slot);
    this.count++;
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
    return this.get(id) !== undefined;
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
    const slot = this.directory.get(id);
    return slot !== undefined && slot.seq > 0 ? slot : undefined;
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
    const slot = this.get(id);
    return slot === undefined ? undefined : slot.freeSince + (this.epoch ?? 0);
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
    const slot = this.get(id);
    if (slot === undefined) return undefined;
    this.unlink(slot);
    return slot;
  }

  /**
   * @internal Removes `slot` itself (no lookup by id), if it is free here.
   * @returns whether it was.
   */
  take(slot: AllocatedSlot): boolean {
    if (slot.seq <= 0 || slot.home?.directory !== this.directory) return false;
    this.unlink(slot);
    return true;
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
    const tm = this.directory.taskManager(id);
    const removed: AllocatedSlot[] = [];
    if (tm === undefined) return removed;
    for (let slot = tm.freeHead; slot !== undefined; slot = tm.freeHead) {
      this.unlink(slot);
      removed.push(slot);
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
    return (this.directory.taskManager(id)?.freeCount ?? 0) > 0;
  }

  /** {@inheritDoc AvailableSlotsView.findOnTaskManager} */
  findOnTaskManager(id: ResourceId, profile: ResourceProfile): AllocatedSlot | undefined {
    const tm = this.directory.taskManager(id);
    if (tm === undefined) return undefined;
    for (let slot = tm.freeHead; slot !== undefined; slot = slot.tmNext) {
      if (slot.profile.isMatching(profile)) return slot;
    }
    return undefined;
  }

  /** {@inheritDoc AvailableSlotsView.findOnHost} */
  findOnHost(host: string, profile: ResourceProfile): AllocatedSlot | undefined {
    const record = this.directory.host(host);
    if (record === undefined) return undefined;
    // The oldest of each TaskManager's oldest match is the host's oldest match.
    let best: AllocatedSlot | undefined;
    for (let tm = record.firstMember; tm !== undefined; tm = tm.nextOnHost) {
      best = this.oldestOnHost(tm, host, profile, best);
    }
    if (record.guests !== undefined) for (const tm of record.guests) best = this.oldestOnHost(tm, host, profile, best);
    return best;
  }

  /** The older of `best` and `tm`'s oldest free slot on `host` that matches `profile`. */
  private oldestOnHost(
    tm: TaskManagerSlots,
    host: string,
    profile: ResourceProfile,
    best: AllocatedSlot | undefined,
  ): AllocatedSlot | undefined {
    const mixed = tm.otherHosts !== undefined; // its slots report several hosts
    for (let slot = tm.freeHead; slot !== undefined; slot = slot.tmNext) {
      if ((mixed && slot.location.host !== host) || !slot.profile.isMatching(profile)) continue;
      return best === undefined || slot.seq < best.seq ? slot : best;
    }
    return best;
  }

  /** {@inheritDoc AvailableSlotsView.findAny} */
  findAny(profile: ResourceProfile): AllocatedSlot | undefined {
    return this.buckets.oldestMatching(profile);
  }

  /** {@inheritDoc AvailableSlotsView.slotsOnTaskManager} */
  *slotsOnTaskManager(id: ResourceId): IterableIterator<AllocatedSlot> {
    const tm = this.directory.taskManager(id);
    if (tm !== undefined) for (let slot = tm.freeHead; slot !== undefined; slot = slot.tmNext) yield slot;
  }

  /** {@inheritDoc AvailableSlotsView.countOnTaskManager} */
  countOnTaskManager(id: ResourceId): number {
    return this.directory.taskManager(id)?.freeCount ?? 0;
  }

  /** {@inheritDoc AvailableSlotsView.matching} */
  matching(profile: ResourceProfile): IterableIterator<AllocatedSlot> {
    return this.buckets.matching(profile);
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
  *taskManagers(): IterableIterator<ResourceId> {
    for (let tm = this.withFreeHead; tm !== undefined; tm = tm.nextWithFree) yield tm.resourceId;
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
    const slot = this.buckets.oldest();
    return slot === undefined ? undefined : { slot, since: slot.freeSince + (this.epoch ?? 0) };
  }

  /**
   * Every free slot, in the order they became free.
   *
   * @example
   * ```ts
   * for (const slot of free.values()) console.log(String(slot));
   * ```
   */
  values(): IterableIterator<AllocatedSlot> {
    return this.buckets.inOrder().values();
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
    for (const slot of this.buckets.inOrder()) this.unlink(slot);
    this.buckets.clear();
  }

  /**
   * Checks that every view holds exactly the same slots (invariant 2), and the slot directory
   * the views are built on (every known slot is free or allocated, filed under its TaskManager and
   * host records; no record without a known slot is kept). Cost: O(known slots).
   *
   * @returns one sentence per inconsistency; empty when consistent.
   * @example
   * ```ts
   * expect(free.checkConsistency()).toEqual([]);
   * ```
   */
  checkConsistency(): string[] {
    const problems: string[] = this.directory.checkConsistency("available");
    let byId = 0;
    for (const slot of this.directory.slots()) {
      if (slot.seq <= 0) continue;
      byId++;
      if (slot.isUsed) problems.push(`available: ${slot} has a payload (invariant 6)`);
    }
    const isFreeHere = (slot: AllocatedSlot): boolean => slot.seq > 0 && this.directory.get(slot.allocationId) === slot;
    let viaTm = 0;
    let withFree = 0;
    for (const tm of this.directory.taskManagers()) {
      let n = 0;
      for (let slot = tm.freeHead; slot !== undefined; slot = slot.tmNext) {
        n++;
        if (!isFreeHere(slot)) problems.push(`available: ${slot} in TM view but not by id`);
        if (slot.location.resourceId !== tm.resourceId)
          problems.push(`available: ${slot} filed under TM ${tm.resourceId}`);
      }
      if (n !== tm.freeCount)
        problems.push(`available: TM ${tm.resourceId} chain has ${n} slots, counts ${tm.freeCount}`);
      if (n > 0) withFree++;
      viaTm += n;
    }
    let listed = 0;
    for (let tm = this.withFreeHead; tm !== undefined; tm = tm.nextWithFree) {
      listed++;
      if (tm.freeCount === 0) problems.push(`available: TM ${tm.resourceId} listed with free slots but has none`);
      if (this.directory.taskManager(tm.resourceId) !== tm)
        problems.push(`available: TM ${tm.resourceId} listed but unknown`);
    }
    if (listed !== withFree)
      problems.push(`available: ${listed} TaskManagers listed with free slots, ${withFree} have some`);
    let viaHost = 0;
    for (const host of this.directory.hosts()) {
      for (const tm of host.members()) {
        for (let slot = tm.freeHead; slot !== undefined; slot = slot.tmNext)
          if (slot.location.host === host.host) viaHost++;
      }
    }
    let viaBucket = 0;
    for (const bucket of this.buckets.nonEmptyBuckets()) {
      if (bucket.head?.seq !== bucket.headSeq) problems.push(`available: bucket ${bucket.profile} caches a stale head`);
      let prevSeq = 0;
      for (let slot = bucket.head; slot !== undefined; slot = slot.bucketNext) {
        viaBucket++;
        if (!isFreeHere(slot)) problems.push(`available: ${slot} in bucket but not by id`);
        if (slot.profile.key !== bucket.profile.key) problems.push(`available: ${slot} in wrong profile bucket`);
        if (slot.seq <= prevSeq) problems.push(`available: bucket ${bucket.profile} is not in FIFO order`);
        prevSeq = slot.seq;
      }
    }
    if (viaTm !== byId || viaHost !== byId || viaBucket !== byId || this.count !== byId) {
      problems.push(
        `available: views disagree (by id ${byId}, by TM ${viaTm}, by host ${viaHost}, by profile ${viaBucket}, counted ${this.count})`,
      );
    }
    return problems;
  }

  private unlink(slot: AllocatedSlot): void {
    const tm = slot.home as TaskManagerSlots;
    const tmPrev = slot.tmPrev;
    const tmNext = slot.tmNext;
    if (tmPrev === undefined) tm.freeHead = tmNext;
    else tmPrev.tmNext = tmNext;
    if (tmNext === undefined) tm.freeTail = tmPrev;
    else tmNext.tmPrev = tmPrev;
    slot.tmPrev = undefined;
    slot.tmNext = undefined;
    if (--tm.freeCount === 0) this.unlinkTaskManager(tm);
    this.buckets.remove(slot);
    slot.seq = 0;
    this.count--;
    if (this.ownsDirectory) this.directory.forget(slot);
  }

  /** `now` relative to the epoch, exactly (else the epoch becomes 0 and the stored times are rewritten). */
  private relative(now: number): number {
    const epoch = this.epoch ?? now;
    this.epoch = epoch;
    const relative = now - epoch;
    if (relative + epoch === now) return relative;
    for (const slot of this.buckets.inOrder()) slot.freeSince += epoch;
    this.epoch = 0;
    return now;
  }

  private linkTaskManager(tm: TaskManagerSlots): void {
    tm.prevWithFree = this.withFreeTail;
    tm.nextWithFree = undefined;
    if (this.withFreeTail === undefined) this.withFreeHead = tm;
    else this.withFreeTail.nextWithFree = tm;
    this.withFreeTail = tm;
  }

  private unlinkTaskManager(tm: TaskManagerSlots): void {
    const prev = tm.prevWithFree;
    const next = tm.nextWithFree;
    if (prev === undefined) this.withFreeHead = next;
    else prev.nextWithFree = next;
    if (next === undefined) this.withFreeTail = prev;
    else next.prevWithFree = prev;
    tm.prevWithFree = undefined;
    tm.nextWithFree = undefined;
  }
}
