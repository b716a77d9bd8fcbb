import type { AllocatedSlot } from "./allocated-slot.js";
import { IllegalStateError } from "./errors.js";
import type { AllocationId, ResourceId } from "./ids.js";

/**
 * The directory's record of one TaskManager: the chain of its free slots (oldest first) and the
 * chain of its allocated slots (in allocation order), both linked through the slots themselves
 * (`tmPrev`/`tmNext`: a slot is in one of the two). Reached from a slot (`slot.home`) without any
 * lookup, and by resource id through {@link SlotDirectory.taskManager}. A record lives exactly as
 * long as the directory knows at least one slot of the TaskManager, so moving slots between free
 * and allocated never creates or drops one.
 *
 * @internal
 * @example
 * ```ts
 * for (let slot = slot.home?.freeHead; slot !== undefined; slot = slot.tmNext) console.log(String(slot));
 * ```
 */
export class TaskManagerSlots {
  /** Slots of this TaskManager the directory knows (free, allocated, or being handed back). */
  known = 0;
  freeHead: AllocatedSlot | undefined = undefined;
  freeTail: AllocatedSlot | undefined = undefined;
  freeCount = 0;
  /** Links of {@link AvailableSlots}' list of TaskManagers with a free slot (in the order they got one). */
  prevWithFree: TaskManagerSlots | undefined = undefined;
  nextWithFree: TaskManagerSlots | undefined = undefined;
  usedHead: AllocatedSlot | undefined = undefined;
  usedTail: AllocatedSlot | undefined = undefined;
  usedCount = 0;
  /**
   * Set by the pool when it releases the TaskManager while a slot of it is still being handed back
   * (so that slot is dropped, not returned), and cleared if the TaskManager registers again: the
   * record answers "is this slot's TaskManager still registered?" without a lookup.
   */
  retired = false;
  /** Known slots on {@link host}. */
  knownOnHost = 0;
  /** Links in {@link host}'s chain of TaskManagers (while `knownOnHost` > 0). */
  prevOnHost: TaskManagerSlots | undefined = undefined;
  nextOnHost: TaskManagerSlots | undefined = undefined;
  /** Known slots on other hosts, by host (only for a TaskManager whose slots report several hosts). */
  otherHosts: Map<string, number> | undefined = undefined;

  constructor(
    readonly directory: SlotDirectory,
    readonly resourceId: ResourceId,
    /** The host of the TaskManager's slots (the one its first known slot reported). */
    public host: HostSlots,
  ) {}
}

/**
 * The directory's record of one host: the TaskManagers with known slots there (their free
 * chains are the host's free slots). Lives as long as the directory knows a slot on the host.
 *
 * @internal
 * @example
 * ```ts
 * for (const tm of directory.host("host-a")?.members() ?? []) console.log(tm.resourceId, tm.freeCount);
 * ```
 */
export class HostSlots {
  known = 0;
  /** The TaskManagers whose own host this is, chained through `prevOnHost`/`nextOnHost`. */
  firstMember: TaskManagerSlots | undefined = undefined;
  /** TaskManagers of another host with slots here (slots of one TaskManager reporting several hosts). */
  guests: TaskManagerSlots[] | undefined = undefined;

  constructor(readonly host: string) {}

  /** Every TaskManager with known slots on this host. */
  *members(): IterableIterator<TaskManagerSlots> {
    for (let tm = this.firstMember; tm !== undefined; tm = tm.nextOnHost) yield tm;
    if (this.guests !== undefined) yield* this.guests;
  }
}

/**
 * Every slot known to one pair of slot indexes (the pool's {@link AvailableSlots} and
 * {@link AllocatedSlots}, or one index on its own), by allocation id, with one
 * {@link TaskManagerSlots} record per TaskManager and one {@link HostSlots} record per host.
 *
 * The hash maps here are touched only when a slot becomes known or is forgotten (an offer, a
 * dropped slot, a released TaskManager), never when a slot moves between free and allocated: the
 * indexes link slots into the records they reach through `slot.home`.
 *
 * Who forgets: an index with a directory of its own forgets a slot when removing it; a shared
 * directory's owner (the pool) calls {@link SlotDirectory.forget} when a slot leaves the pool.
 *
 * @internal
 * @example
 * ```ts
 * const directory = new SlotDirectory();
 * const free = new AvailableSlots(directory);
 * const used = new AllocatedSlots(directory);
 * ```
 */
export class SlotDirectory {
  private readonly byId = new Map<AllocationId, AllocatedSlot>();
  private readonly byTaskManager = new Map<ResourceId, TaskManagerSlots>();
  private readonly byHost = new Map<string, HostSlots>();

  /** Number of known slots. */
  get size(): number {
    return this.byId.size;
  }

  /** The known slot with this allocation id (whatever its state). */
  get(id: AllocationId): AllocatedSlot | undefined {
    return this.byId.get(id);
  }

  /** The record of a TaskManager with at least one known slot. */
  taskManager(id: ResourceId): TaskManagerSlots | undefined {
    return this.byTaskManager.get(id);
  }

  /** The record of a host with at least one known slot. */
  host(host: string): HostSlots | undefined {
    return this.byHost.get(host);
  }

  /** Every known slot, in the order they became known. */
  slots(): IterableIterator<AllocatedSlot> {
    return this.byId.values();
  }

  /** Every TaskManager record. */
  taskManagers(): IterableIterator<TaskManagerSlots> {
    return this.byTaskManager.values();
  }

  /** Every host record. */
  hosts(): IterableIterator<HostSlots> {
    return this.byHost.values();
  }

  /**
   * Makes `slot` known (no-op if it already is). A slot that is neither free nor allocated under
   * the same allocation id (one being handed back) is forgotten: the new one takes its place.
   *
   * @throws IllegalStateError if the slot is known to another directory, or its allocation id
   *   belongs to another slot that is free or allocated.
   */
  enter(slot: AllocatedSlot): void {
    const home = slot.home;
    if (home !== undefined) {
      if (home.directory === this) return;
      throw new IllegalStateError(`slot ${slot} is already indexed elsewhere`);
    }
    const other = this.byId.get(slot.allocationId);
    if (other !== undefined) {
      if (other.seq > 0 || other.holder !== undefined) {
        throw new IllegalStateError(`allocation ${slot.allocationId} is already known as ${other}`);
      }
      this.forget(other);
    }
    this.byId.set(slot.allocationId, slot);
    const tmId = slot.location.resourceId;
    const hostName = slot.location.host;
    let tm = this.byTaskManager.get(tmId);
    if (tm === undefined) {
      tm = new TaskManagerSlots(this, tmId, this.hostRecord(hostName));
      this.byTaskManager.set(tmId, tm);
    }
    tm.known++;
    let host: HostSlots;
    let onHost: number;
    if (hostName === tm.host.host) {
      // The record may outlive its host's record (if all its slots there went): file it afresh.
      if (tm.knownOnHost === 0) tm.host = this.hostRecord(hostName);
      host = tm.host;
      onHost = tm.knownOnHost++;
    } else {
      host = this.hostRecord(hostName);
      const others = tm.otherHosts ?? new Map<string, number>();
      tm.otherHosts = others;
      onHost = others.get(hostName) ?? 0;
      others.set(hostName, onHost + 1);
    }
    host.known++;
    if (onHost === 0) {
      if (host === tm.host) {
        tm.prevOnHost = undefined;
        tm.nextOnHost = host.firstMember;
        if (host.firstMember !== undefined) host.firstMember.prevOnHost = tm;
        host.firstMember = tm;
      } else if (host.guests === undefined) host.guests = [tm];
      else host.guests.push(tm);
    }
    slot.home = tm;
  }

  /**
   * Forgets `slot` if this directory knows it and it is neither free nor allocated; drops its
   * TaskManager and host records when they have no known slot left.
   *
   * @returns true when forgotten.
   */
  forget(slot: AllocatedSlot): boolean {
    const tm = slot.home;
    if (tm === undefined || tm.directory !== this || slot.seq > 0 || slot.holder !== undefined) return false;
    if (this.byId.get(slot.allocationId) === slot) this.byId.delete(slot.allocationId);
    slot.home = undefined;
    if (--tm.known === 0) this.byTaskManager.delete(tm.resourceId);
    const hostName = slot.location.host;
    let leftOnHost: number;
    const own = hostName === tm.host.host;
    if (own) leftOnHost = --tm.knownOnHost;
    else {
      const others = tm.otherHosts as Map<string, number>;
      leftOnHost = (others.get(hostName) ?? 1) - 1;
      if (leftOnHost > 0) others.set(hostName, leftOnHost);
      else others.delete(hostName);
      if (others.size === 0) tm.otherHosts = undefined;
    }
    const host = this.byHost.get(hostName);
    if (host === undefined) return true;
    if (leftOnHost === 0 && own) {
      const prev = tm.prevOnHost;
      const next = tm.nextOnHost;
      if (prev === undefined) host.firstMember = next;
      else prev.nextOnHost = next;
      if (next !== undefined) next.prevOnHost = prev;
      tm.prevOnHost = undefined;
      tm.nextOnHost = undefined;
    } else if (leftOnHost === 0 && host.guests !== undefined) {
      const i = host.guests.indexOf(tm);
      if (i >= 0) host.guests.splice(i, 1);
      if (host.guests.length === 0) host.guests = undefined;
    }
    if (--host.known === 0) this.byHost.delete(hostName);
    return true;
  }

  /** Forgets every slot (the indexes must have reset their own links first). */
  clear(): void {
    for (const slot of this.byId.values()) slot.home = undefined;
    this.byId.clear();
    this.byTaskManager.clear();
    this.byHost.clear();
  }

  /**
   * Checks that the id map and the records agree: every known slot is free or allocated (or being
   * handed back by the pool, see `AllocatedSlot.seq`), filed under its own id and its own
   * TaskManager's record; each record counts its known slots; each host lists exactly the
   * TaskManagers with known slots there; and no record without a known slot is kept (invariant 2,
   * as records). Cost: O(slots).
   */
  checkConsistency(label: string): string[] {
    const problems: string[] = [];
    const perTm = new Map<TaskManagerSlots, number>();
    const perHost = new Map<string, Set<TaskManagerSlots>>();
    const slotsPerHost = new Map<string, number>();
    for (const [id, slot] of this.byId) {
      if (slot.allocationId !== id) problems.push(`${label}: ${slot} filed under id ${id}`);
      if (slot.seq === 0 && slot.holder === undefined) {
        problems.push(`${label}: ${slot} is known but neither free nor allocated`);
      }
      const tm = slot.home;
      if (tm === undefined || this.byTaskManager.get(slot.location.resourceId) !== tm) {
        problems.push(`${label}: ${slot} is not filed under its TaskManager's record`);
        continue;
      }
      perTm.set(tm, (perTm.get(tm) ?? 0) + 1);
      const host = slot.location.host;
      slotsPerHost.set(host, (slotsPerHost.get(host) ?? 0) + 1);
      const members = perHost.get(host) ?? new Set<TaskManagerSlots>();
      perHost.set(host, members.add(tm));
    }
    for (const [id, tm] of this.byTaskManager) {
      if (tm.resourceId !== id) problems.push(`${label}: TaskManager record of ${tm.resourceId} filed under ${id}`);
      if (tm.known === 0) problems.push(`${label}: empty per-TaskManager record kept for ${id}`);
      else if ((perTm.get(tm) ?? 0) !== tm.known) {
        problems.push(`${label}: TaskManager ${id} counts ${tm.known} known slots, has ${perTm.get(tm) ?? 0}`);
      }
    }
    for (const [name, host] of this.byHost) {
      if (host.host !== name) problems.push(`${label}: host record of ${host.host} filed under ${name}`);
      if (host.known === 0) problems.push(`${label}: empty per-host record kept for ${name}`);
      else if ((slotsPerHost.get(name) ?? 0) !== host.known) {
        problems.push(`${label}: host ${name} counts ${host.known} known slots, has ${slotsPerHost.get(name) ?? 0}`);
      }
      const expected = perHost.get(name) ?? new Set<TaskManagerSlots>();
      const members = [...host.members()];
      if (members.length !== expected.size || members.some((tm) => !expected.has(tm))) {
        problems.push(`${label}: host ${name} lists TaskManagers that do not match its known slots`);
      }
    }
    for (const name of slotsPerHost.keys()) {
      if (!this.byHost.has(name)) problems.push(`${label}: no record for host ${name}, which has known slots`);
    }
    return problems;
  }

  private hostRecord(host: string): HostSlots {
    let record = this.byHost.get(host);
    if (record === undefined) {
      record = new HostSlots(host);
      this.byHost.set(host, record);
    }
    return record;
  }
}
