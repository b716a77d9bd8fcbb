import {
  type AllocatedSlot,
  type Completable,
  IllegalStateError,
  Locality,
  type Outcome,
  type PhysicalSlotProvider,
  type ResourceId,
  ResourceProfile,
  SlotReleasedError,
  type SlotRequestId,
  type TaskManagerLocation,
} from "@slotpool/core";
import { GroupKey } from "./group-key.js";
import { MultiTaskSlot, type SharingTreeHost, type TaskSlot } from "./multi-task-slot.js";
import { RootAvailability } from "./root-availability.js";
import type { SingleTaskSlot } from "./single-task-slot.js";

/**
 * A shared slot chosen for a task, with how local the choice was.
 *
 * @example
 * ```ts
 * const choice = manager.getResolvedRootSlot(manager.vertexKey("map"), [loc]);
 * if (choice?.locality === Locality.LOCAL) …
 * ```
 */
export interface RootChoice {
  /** The chosen root (or, for co-located tasks, the co-location node). */
  readonly root: MultiTaskSlot;
  /** `LOCAL`, `HOST_LOCAL`, `NON_LOCAL`, `UNCONSTRAINED`, or `UNKNOWN` for a pending root. */
  readonly locality: Locality;
}

/**
 * What a {@link SlotSharingManager} asks of the scheduler that owns it.
 *
 * @example
 * ```ts
 * const hooks: SlotSharingManagerHooks = { relocate: (children, manager) => … };
 * ```
 */
export interface SlotSharingManagerHooks {
  /**
   * A pending root's physical slot arrived and these children (tasks, or co-location nodes with
   * their tasks) did not fit it; they are detached but still registered. Place them elsewhere
   * (the root is already resolved, its remaining tasks not yet told).
   */
  relocate(children: readonly TaskSlot[], manager: SlotSharingManager): void;
  /**
   * A fresh request id for a root or co-location node (the scheduler uses its own sequence for
   * tree nodes, so they cost the pool nothing). Default: the provider's `nextSlotRequestId()`.
   */
  nextNodeId?(kind: "root" | "co-location"): SlotRequestId;
}

/**
 * The shared slots of one slot sharing group (Flink's SlotSharingManager): every root and
 * co-location node by request id (tasks are reached through their handles), the pending (unresolved) roots in creation order, and the resolved
 * roots by TaskManager and by host. For each group key it keeps the roots that do not contain it
 * yet ({@link RootAvailability}), so choosing a shared slot for a task with preferences costs
 * O(preferences) and finding the first pending root without the task's vertex is O(1).
 *
 * Made by the {@link TaskScheduler}, one per sharing group on first use. Read it for inspection
 * (`slotpool explain`, tests); its mutators are for the scheduler.
 *
 * @example
 * ```ts
 * const manager = scheduler.sharingManager("default");
 * for (const root of manager?.resolvedRoots() ?? []) console.log(`${root}`, String(root.reserved()));
 * ```
 */
export class SlotSharingManager implements SharingTreeHost {
  /** The slot sharing group. */
  readonly sharingGroupId: string;
  /** Where physical slots come from. */
  readonly provider: PhysicalSlotProvider;
  private readonly hooks: SlotSharingManagerHooks | undefined;
  private readonly nodes = new Map<SlotRequestId, MultiTaskSlot>();
  private readonly unresolved = new Set<MultiTaskSlot>();
  private readonly resolved = new Set<MultiTaskSlot>();
  /** Resolved roots per TaskManager and per host, in resolution order (small lists: a location's slots). */
  private readonly resolvedByTaskManager = new Map<ResourceId, MultiTaskSlot[]>();
  private readonly resolvedByHost = new Map<string, MultiTaskSlot[]>();
  /** Registered roots by their candidate index; freed indexes are reused. */
  private readonly rootsByIndex: (MultiTaskSlot | undefined)[] = [];
  private readonly freeIndexes: number[] = [];
  private readonly vertexKeys = new Map<string, GroupKey>();
  private readonly coLocationKeys = new Map<string, GroupKey>();
  private readonly availability = new Map<GroupKey, RootAvailability>();
  private readonly availabilities: RootAvailability[] = [];

  constructor(sharingGroupId: string, provider: PhysicalSlotProvider, hooks?: SlotSharingManagerHooks) {
    this.sharingGroupId = sharingGroupId;
    this.provider = provider;
    this.hooks = hooks;
  }

  // ---------------------------------------------------------------- lookup

  /** Number of inner nodes (roots and co-location nodes). */
  get size(): number {
    return this.nodes.size;
  }

  /** True when the manager holds no shared slot at all (and so no task). */
  get isEmpty(): boolean {
    return this.nodes.size === 0;
  }

  /**
   * The root or co-location node with request id `id` (what co-location constraints point at).
   * Tasks are not indexed here: a task's leaf is its {@link TaskHandle}.
   *
   * @example
   * ```ts
   * manager.getTaskSlot(constraint.slotRequestId!)?.kind; // "multi"
   * ```
   */
  getTaskSlot(id: SlotRequestId): MultiTaskSlot | undefined {
    return this.nodes.get(id);
  }

  /**
   * Whether a root or co-location node with request id `id` exists.
   *
   * @example
   * ```ts
   * manager.contains(id);
   * ```
   */
  contains(id: SlotRequestId): boolean {
    return this.nodes.has(id);
  }

  /**
   * Every root and co-location node, by request id.
   *
   * @example
   * ```ts
   * for (const [id, node] of manager.taskSlots()) …
   * ```
   */
  taskSlots(): IterableIterator<[SlotRequestId, MultiTaskSlot]> {
    return this.nodes.entries();
  }

  /**
   * Every task (leaf) in the group's shared slots, root by root (pending roots first).
   *
   * @example
   * ```ts
   * [...manager.tasks()].map((t) => `${t.vertexId}#${t.subtaskIndex}`);
   * ```
   */
  *tasks(): IterableIterator<SingleTaskSlot> {
    for (const root of this.unresolved) yield* root.leaves();
    for (const root of this.resolved) yield* root.leaves();
  }

  /**
   * Resolved roots, in the order they resolved.
   *
   * @example
   * ```ts
   * [...manager.resolvedRoots()].length;
   * ```
   */
  resolvedRoots(): IterableIterator<MultiTaskSlot> {
    return this.resolved.values();
  }

  /**
   * Pending roots, in creation order.
   *
   * @example
   * ```ts
   * [...manager.unresolvedRoots()].length;
   * ```
   */
  unresolvedRoots(): IterableIterator<MultiTaskSlot> {
    return this.unresolved.values();
  }

  /**
   * Resolved roots on TaskManager `id`.
   *
   * @example
   * ```ts
   * manager.resolvedRootsOnTaskManager(tm.resourceId).length;
   * ```
   */
  resolvedRootsOnTaskManager(id: ResourceId): readonly MultiTaskSlot[] {
    return this.resolvedByTaskManager.get(id) ?? EMPTY;
  }

  /**
   * Resolved roots on `host`.
   *
   * @example
   * ```ts
   * manager.resolvedRootsOnHost("host-a").length;
   * ```
   */
  resolvedRootsOnHost(host: string): readonly MultiTaskSlot[] {
    return this.resolvedByHost.get(host) ?? EMPTY;
  }

  /**
   * A fresh request id for a new root or co-location node.
   *
   * @example
   * ```ts
   * manager.nextNodeId("co-location");
   * ```
   */
  nextNodeId(kind: "root" | "co-location"): SlotRequestId {
    return this.hooks?.nextNodeId?.(kind) ?? this.provider.nextSlotRequestId();
  }

  /**
   * The (interned) key of vertex `vertexId`.
   *
   * @example
   * ```ts
   * const key = manager.vertexKey("map");
   * ```
   */
  vertexKey(vertexId: string): GroupKey {
    let key = this.vertexKeys.get(vertexId);
    if (key === undefined) {
      key = new GroupKey("vertex", vertexId);
      this.vertexKeys.set(vertexId, key);
    }
    return key;
  }

  /**
   * The (interned) key of co-location group `groupId`.
   *
   * @example
   * ```ts
   * const key = manager.coLocationKey("loop");
   * ```
   */
  coLocationKey(groupId: string): GroupKey {
    let key = this.coLocationKeys.get(groupId);
    if (key === undefined) {
      key = new GroupKey("co-location", groupId);
      this.coLocationKeys.set(groupId, key);
    }
    return key;
  }

  /**
   * The group keys that have a candidate index, with their index (for the invariant checker).
   *
   * @example
   * ```ts
   * for (const [key, availability] of manager.indexedGroups()) …
   * ```
   */
  indexedGroups(): IterableIterator<[GroupKey, RootAvailability]> {
    return this.availability.entries();
  }

  // ---------------------------------------------------------------- choosing roots

  /**
   * Flink §3.3 with resource checks: a resolved root that does not contain `key`, is not releasing,
   * and has room for a task of `profile`. Without preferences the first such root is
   * `UNCONSTRAINED`. With preferences: the first on a preferred TaskManager (in preference order) is
   * `LOCAL`; else the first on a preferred host is `HOST_LOCAL`; else the first anywhere is
   * `NON_LOCAL`. Cost: per preference, the resolved roots on that TaskManager (or host) — each an
   * O(1) membership test — plus the roots skipped for lack of room; never a scan of all roots.
   *
   * @example
   * ```ts
   * const choice = manager.getResolvedRootSlot(manager.vertexKey("map"), [tm1], ResourceProfile.of({ cpu: 1, memoryMb: 512 }));
   * ```
   */
  getResolvedRootSlot(
    key: GroupKey,
    preferences: readonly TaskManagerLocation[],
    profile: ResourceProfile = ResourceProfile.UNKNOWN,
  ): RootChoice | undefined {
    const a = this.availabilityOf(key);
    if (a.resolvedCount === 0) return undefined;
    if (preferences.length === 0) {
      const root = a.firstResolvedFitting(profile);
      return root === undefined ? undefined : { root, locality: Locality.UNCONSTRAINED };
    }
    for (const pref of preferences) {
      const root = firstCandidate(this.resolvedByTaskManager.get(pref.resourceId), a, profile);
      if (root !== undefined) return { root, locality: Locality.LOCAL };
    }
    for (const pref of preferences) {
      const root = firstCandidate(this.resolvedByHost.get(pref.host), a, profile);
      if (root !== undefined) return { root, locality: Locality.HOST_LOCAL };
    }
    const root = a.firstResolvedFitting(profile);
    return root === undefined ? undefined : { root, locality: Locality.NON_LOCAL };
  }

  /**
   * Flink §3.4: the first pending root (in creation order) that does not contain `key` and is not
   * releasing. Pending roots take tasks optimistically; their fit is checked when the slot arrives.
   *
   * @example
   * ```ts
   * manager.getUnresolvedRootSlot(manager.vertexKey("map"));
   * ```
   */
  getUnresolvedRootSlot(key: GroupKey): MultiTaskSlot | undefined {
    return this.availabilityOf(key).firstPending();
  }

  // ---------------------------------------------------------------- creating roots

  /**
   * Makes a resolved root on `slot` (already allocated under `allocatedSlotRequestId`) and assigns
   * it as the slot's payload. `firstKey`: the group of the task that will join at once (the root is
   * then not listed as a candidate for it; the task must join before anything else happens).
   *
   * @returns the root, or undefined when the slot already had a payload (nothing registered then).
   * @example
   * ```ts
   * const root = manager.createResolvedRoot(selection.slot, physicalId, profile);
   * ```
   */
  createResolvedRoot(
    slot: AllocatedSlot,
    allocatedSlotRequestId: SlotRequestId,
    requestProfile: ResourceProfile,
    firstKey?: GroupKey,
  ): MultiTaskSlot | undefined {
    const root = MultiTaskSlot.createRoot(this, this.nextNodeId("root"), allocatedSlotRequestId, requestProfile);
    if (!slot.tryAssignPayload(root)) return undefined;
    this.registerRoot(root);
    root.bindSlot(slot);
    this.indexResolved(root);
    // The key of the task about to join is not indexed at all (it would be removed right away).
    const skip = firstKey === undefined ? undefined : this.availability.get(firstKey);
    for (const a of this.availabilities) if (a !== skip) a.addResolved(root);
    return root;
  }

  /**
   * Makes a pending root for the physical request `physical` (made under `allocatedSlotRequestId`
   * with `requestProfile`); `firstKey` as for {@link SlotSharingManager.createResolvedRoot}. When the slot arrives the root becomes its payload, keeps the tasks that
   * fit, is indexed as resolved, hands the others to the scheduler's `relocate` hook, and only then
   * completes its tasks' results (FLINK-15013 order). When the request fails, the root is released
   * with that error, failing every task under it.
   *
   * @example
   * ```ts
   * const root = manager.createPendingRoot(id, provider.requestNewAllocatedSlot(id, profile), profile);
   * ```
   */
  createPendingRoot(
    allocatedSlotRequestId: SlotRequestId,
    physical: Completable<AllocatedSlot>,
    requestProfile: ResourceProfile,
    firstKey?: GroupKey,
  ): MultiTaskSlot {
    const root = MultiTaskSlot.createRoot(this, this.nextNodeId("root"), allocatedSlotRequestId, requestProfile);
    this.registerRoot(root);
    this.unresolved.add(root);
    const skip = firstKey === undefined ? undefined : this.availability.get(firstKey);
    for (const a of this.availabilities) if (a !== skip) a.addPending(root);
    physical.onSettled((outcome) => this.physicalSlotSettled(root, outcome));
    return root;
  }

  // ---------------------------------------------------------------- SharingTreeHost

  /**
   * {@inheritDoc SharingTreeHost.register}
   * Request ids come from the provider's generator and are unique; a duplicate would shadow the
   * older node, which the invariant checker reports (11).
   */
  register(node: MultiTaskSlot): void {
    this.nodes.set(node.requestId, node);
  }

  /** {@inheritDoc SharingTreeHost.unregister} */
  unregister(node: MultiTaskSlot): void {
    if (this.nodes.get(node.requestId) === node) this.nodes.delete(node.requestId);
  }

  /** {@inheritDoc SharingTreeHost.groupAdded} */
  groupAdded(root: MultiTaskSlot, key: GroupKey): void {
    if (root.isReleased) return;
    this.availability.get(key)?.remove(root);
  }

  /** {@inheritDoc SharingTreeHost.groupRemoved} */
  groupRemoved(root: MultiTaskSlot, key: GroupKey): void {
    if (root.isReleased) return;
    const a = this.availability.get(key);
    if (a === undefined) return;
    if (this.resolved.has(root)) a.addResolved(root);
    else if (this.unresolved.has(root)) a.addPending(root);
  }

  /** {@inheritDoc SharingTreeHost.rootReleasing} */
  rootReleasing(root: MultiTaskSlot): void {
    this.unregister(root);
    if (!this.unresolved.delete(root) && this.resolved.delete(root)) {
      const location = (root.slot as AllocatedSlot).location;
      removeFrom(this.resolvedByTaskManager, location.resourceId, root);
      removeFrom(this.resolvedByHost, location.host, root);
    }
    for (const a of this.availabilities) a.remove(root);
  }

  /** {@inheritDoc SharingTreeHost.rootReleased} */
  rootReleased(root: MultiTaskSlot, cause: Error): void {
    const i = root.candidateIndex;
    if (i >= 0 && this.rootsByIndex[i] === root) {
      this.rootsByIndex[i] = undefined;
      this.freeIndexes.push(i);
    }
    this.provider.releaseSlot(root.allocatedSlotRequestId as SlotRequestId, cause);
  }

  /**
   * Problems found when the per-TaskManager and per-host views of the resolved roots disagree with
   * the resolved roots (for the invariant checker).
   *
   * @example
   * ```ts
   * expect(manager.checkIndexConsistency()).toEqual([]);
   * ```
   */
  checkIndexConsistency(): string[] {
    const problems: string[] = [];
    const views = [
      ["TaskManager", this.resolvedByTaskManager, (s: AllocatedSlot) => s.location.resourceId as string],
      ["host", this.resolvedByHost, (s: AllocatedSlot) => s.location.host],
    ] as const;
    for (const [name, index, keyOf] of views) {
      let n = 0;
      for (const [key, roots] of index as Map<string, MultiTaskSlot[]>) {
        if (roots.length === 0) problems.push(`empty ${name} entry ${key}`);
        for (const root of roots) {
          n++;
          if (!this.resolved.has(root)) problems.push(`${root} is filed by ${name} but not resolved`);
          else if (keyOf(root.slot as AllocatedSlot) !== key) problems.push(`${root} is filed under ${name} ${key}`);
        }
      }
      if (n !== this.resolved.size)
        problems.push(`the ${name} view holds ${n} roots, ${this.resolved.size} are resolved`);
    }
    return problems;
  }

  /**
   * `sharing group g: 12 nodes, 4 resolved, 1 pending`.
   *
   * @example
   * ```ts
   * console.log(`${manager}`);
   * ```
   */
  toString(): string {
    return `sharing group ${this.sharingGroupId}: ${this.nodes.size} inner nodes, ${this.resolved.size} resolved, ${this.unresolved.size} pending`;
  }

  // ---------------------------------------------------------------- internals

  /** The candidate index of `key`, built from the current roots on first use. */
  /**
   * How many resolved and pending shared slots do not yet hold `key` (the candidates a task of that
   * vertex or co-location group would consider). Cost: O(1) once the key is indexed.
   *
   * @example
   * ```ts
   * const { resolved, pending } = manager.candidateCounts(manager.vertexKey("map"));
   * ```
   */
  candidateCounts(key: GroupKey): { readonly resolved: number; readonly pending: number } {
    const a = this.availabilityOf(key);
    return { resolved: a.resolvedCount, pending: a.pendingCount };
  }

  private availabilityOf(key: GroupKey): RootAvailability {
    let a = this.availability.get(key);
    if (a !== undefined) return a;
    a = new RootAvailability(this.rootsByIndex);
    for (const root of this.resolved) if (!root.contains(key)) a.addResolved(root);
    for (const root of this.unresolved) if (!root.contains(key)) a.addPending(root);
    this.availability.set(key, a);
    this.availabilities.push(a);
    return a;
  }

  private registerRoot(root: MultiTaskSlot): void {
    this.nodes.set(root.requestId, root);
    const i = this.freeIndexes.pop() ?? this.rootsByIndex.length;
    root.candidateIndex = i;
    this.rootsByIndex[i] = root;
  }

  private indexResolved(root: MultiTaskSlot): void {
    this.resolved.add(root);
    const location = (root.slot as AllocatedSlot).location;
    addTo(this.resolvedByTaskManager, location.resourceId, root);
    addTo(this.resolvedByHost, location.host, root);
  }

  private physicalSlotSettled(root: MultiTaskSlot, outcome: Outcome<AllocatedSlot>): void {
    const physicalId = root.allocatedSlotRequestId as SlotRequestId;
    if (root.isReleased) {
      // Released while waiting: a slot that still arrives goes straight back.
      if (outcome.ok) {
        this.provider.releaseSlot(
          physicalId,
          new SlotReleasedError(`Shared slot ${root.requestId} was released before its physical slot arrived.`),
        );
      }
      return;
    }
    if (!outcome.ok) {
      root.release(outcome.error);
      return;
    }
    const slot = outcome.value;
    if (!slot.tryAssignPayload(root)) {
      root.release(new IllegalStateError(`Could not assign payload to allocated slot ${slot}.`));
      return;
    }
    root.bindSlot(slot);
    const evicted = root.evictOverflow();
    if (evicted.length > 0 && root.children.size === 0) {
      root.release(new SlotReleasedError(`None of the tasks of shared slot ${root.requestId} fits ${slot}.`));
    } else {
      // FLINK-15013: indexed as resolved before any of its tasks hears about the slot.
      this.unresolved.delete(root);
      this.indexResolved(root);
      for (const a of this.availabilities) a.resolve(root);
    }
    if (evicted.length > 0) this.hooks?.relocate(evicted, this);
    root.deliver();
  }
}

const EMPTY: readonly MultiTaskSlot[] = Object.freeze([]);

/** The first root of `roots` (one location's, in resolution order) that is a candidate with room. */
function firstCandidate(
  roots: readonly MultiTaskSlot[] | undefined,
  a: RootAvailability,
  profile: ResourceProfile,
): MultiTaskSlot | undefined {
  if (roots === undefined) return undefined;
  for (const root of roots) if (a.hasResolved(root) && (profile.isUnknown || root.fits(profile))) return root;
  return undefined;
}

function addTo<K>(index: Map<K, MultiTaskSlot[]>, key: K, root: MultiTaskSlot): void {
  const roots = index.get(key);
  if (roots === undefined) index.set(key, [root]);
  else roots.push(root);
}

function removeFrom<K>(index: Map<K, MultiTaskSlot[]>, key: K, root: MultiTaskSlot): void {
  const roots = index.get(key);
  if (roots === undefined) return;
  const i = roots.indexOf(root);
  if (i >= 0) roots.splice(i, 1);
  if (roots.length === 0) index.delete(key);
}
