import {
  type AllocatedSlot,
  IllegalStateError,
  type Locality,
  ResourceProfile,
  type SlotPayload,
  SlotReleasedError,
  type SlotRequestId,
} from "@slotpool/core";
import type { CoLocationConstraintLike } from "./co-location-constraint.js";
import type { GroupKey } from "./group-key.js";
import { ResourceUsage, sumKnownProfiles } from "./resource-usage.js";
import type { SingleTaskSlot, SingleTaskSlotParent } from "./single-task-slot.js";

const EMPTY_USAGE = new ResourceUsage();

/**
 * Any node of a sharing tree: a {@link MultiTaskSlot} (root or co-location node) or a
 * {@link SingleTaskSlot} (a task). Tell them apart with `kind`.
 *
 * @example
 * ```ts
 * const node: TaskSlot | undefined = manager.getTaskSlot(id);
 * if (node?.kind === "multi") console.log(node.children.size);
 * ```
 */
export type TaskSlot = MultiTaskSlot | SingleTaskSlot;

/**
 * What the nodes of a sharing tree tell their {@link SlotSharingManager}, so that its indexes
 * follow every change of the tree.
 *
 * @example
 * ```ts
 * const host: SharingTreeHost = manager;
 * ```
 */
export interface SharingTreeHost {
  /** The sharing group the tree belongs to. */
  readonly sharingGroupId: string;
  /** An inner node (root or co-location node) was created. */
  register(node: MultiTaskSlot): void;
  /** An inner node was released. */
  unregister(node: MultiTaskSlot): void;
  /** `key` entered the subtree of `root`. */
  groupAdded(root: MultiTaskSlot, key: GroupKey): void;
  /** `key` left the subtree of `root`. */
  groupRemoved(root: MultiTaskSlot, key: GroupKey): void;
  /** `root` starts releasing (it must stop being a candidate before its children are told). */
  rootReleasing(root: MultiTaskSlot): void;
  /** `root` released all its children: give back its physical slot or request. */
  rootReleased(root: MultiTaskSlot, cause: Error): void;
}

/**
 * An inner node of a sharing tree (Flink's MultiTaskSlot): either a **root**, the payload of one
 * physical slot (or of the request for one), or a **co-location node** under a root, holding the
 * co-located tasks of one co-location constraint. Children are keyed by {@link GroupKey}; a key
 * appears at most once under a root.
 *
 * A root is *pending* until its physical slot arrives and *resolved* after. It counts the summed
 * known profiles of the tasks under it (`reserved`), so a task joins a resolved root only if it fits.
 * Releasing a node releases its children first; a node left without children releases itself; a
 * released root gives its physical slot (or request) back to the provider.
 *
 * Created only by the {@link SlotSharingManager} and the {@link TaskScheduler}; plugins should treat
 * it as read-only.
 *
 * @example
 * ```ts
 * for (const root of manager.resolvedRoots()) {
 *   console.log(root.slot?.allocationId, [...root.children.keys()].map(String), String(root.reserved()));
 * }
 * ```
 */
export class MultiTaskSlot implements SlotPayload, SingleTaskSlotParent {
  /** The node's own request id (a key of the manager's node index). */
  readonly requestId: SlotRequestId;
  /** The node's group: undefined for a root, the co-location group's key for a co-location node. */
  readonly group: GroupKey | undefined;
  /** Roots: the request id the physical slot is (or was requested) under. */
  readonly allocatedSlotRequestId: SlotRequestId | undefined;
  /** Roots: the profile the physical slot was requested with (UNKNOWN for nested nodes). */
  readonly requestProfile: ResourceProfile;
  /** Co-location nodes: the constraint whose tasks the node holds. */
  readonly constraint: CoLocationConstraintLike | undefined;
  /** Roots: a small integer the manager indexes candidates by (−1 before registration; reused after release). */
  candidateIndex = -1;
  private readonly host: SharingTreeHost;
  private parentSlot: MultiTaskSlot | undefined;
  private readonly childMap = new Map<GroupKey, TaskSlot>();
  private nested: MultiTaskSlot[] | undefined = undefined;
  private physical: AllocatedSlot | undefined = undefined;
  /** Roots: the summed known profiles below, made when the first task with a known profile joins. */
  private usage: ResourceUsage | undefined = undefined;
  private released = false;
  private releasing = false;

  private constructor(
    host: SharingTreeHost,
    requestId: SlotRequestId,
    group: GroupKey | undefined,
    parent: MultiTaskSlot | undefined,
    allocatedSlotRequestId: SlotRequestId | undefined,
    requestProfile: ResourceProfile,
    constraint: CoLocationConstraintLike | undefined,
  ) {
    this.host = host;
    this.requestId = requestId;
    this.group = group;
    this.parentSlot = parent;
    this.allocatedSlotRequestId = allocatedSlotRequestId;
    this.requestProfile = requestProfile;
    this.constraint = constraint;
  }

  /**
   * Makes a root (not yet registered; the manager does that).
   *
   * @example
   * ```ts
   * const root = MultiTaskSlot.createRoot(manager, id, physicalRequestId, profile);
   * ```
   */
  static createRoot(
    host: SharingTreeHost,
    requestId: SlotRequestId,
    allocatedSlotRequestId: SlotRequestId,
    requestProfile: ResourceProfile,
  ): MultiTaskSlot {
    return new MultiTaskSlot(host, requestId, undefined, undefined, allocatedSlotRequestId, requestProfile, undefined);
  }

  /** Always `"multi"` (tells inner nodes from {@link SingleTaskSlot}s). */
  get kind(): "multi" {
    return "multi";
  }

  /** True for a root. */
  get isRoot(): boolean {
    return this.parentSlot === undefined && this.group === undefined;
  }

  /** The parent node (undefined for a root, and for a released or moving co-location node). */
  get parent(): MultiTaskSlot | undefined {
    return this.parentSlot;
  }

  /** The root of this node's tree. */
  get root(): MultiTaskSlot {
    return this.parentSlot === undefined ? this : this.parentSlot.root;
  }

  /** The physical slot under the tree, once it arrived. */
  get slot(): AllocatedSlot | undefined {
    return this.parentSlot === undefined ? this.physical : this.parentSlot.root.physical;
  }

  /** True once the tree's physical slot arrived. */
  get isResolved(): boolean {
    return this.slot !== undefined;
  }

  /** True once released. */
  get isReleased(): boolean {
    return this.released;
  }

  /** True while the node releases its children (it is no candidate for new tasks then: FLINK-13421). */
  get isReleasingChildren(): boolean {
    return this.releasing;
  }

  /** The children by group key, in insertion order. */
  get children(): ReadonlyMap<GroupKey, TaskSlot> {
    return this.childMap;
  }

  /**
   * True when `key` is this node's group or appears anywhere below it.
   *
   * @example
   * ```ts
   * root.contains(manager.vertexKey("map"));
   * ```
   */
  contains(key: GroupKey): boolean {
    if (this.group === key || this.childMap.has(key)) return true;
    const nested = this.nested;
    if (nested !== undefined) for (const n of nested) if (n.contains(key)) return true;
    return false;
  }

  /**
   * Every task (leaf) below this node, depth first in insertion order.
   *
   * @example
   * ```ts
   * for (const leaf of root.leaves()) console.log(leaf.vertexId);
   * ```
   */
  *leaves(): IterableIterator<SingleTaskSlot> {
    for (const child of this.childMap.values()) {
      if (child.kind === "single") yield child;
      else yield* child.leaves();
    }
  }

  /**
   * The summed known profiles of the tasks below this node (UNKNOWN when none has a known profile).
   *
   * @example
   * ```ts
   * String(root.reserved()); // "cpu 1.5, 768 MB"
   * ```
   */
  reserved(): ResourceProfile {
    if (this.isRoot) return this.usage === undefined ? ResourceProfile.UNKNOWN : this.usage.toProfile();
    return sumKnownProfiles(profilesOf(this.leaves()));
  }

  /**
   * Whether one more task of `profile` fits the tree's physical slot next to what it already holds.
   * Always true while the slot is pending (its profile is not known yet; checked on arrival).
   *
   * @example
   * ```ts
   * if (root.fits(task.profile)) …
   * ```
   */
  fits(profile: ResourceProfile): boolean {
    const root = this.parentSlot === undefined ? this : this.parentSlot.root;
    const slot = root.physical;
    if (slot === undefined) return true;
    if (root.usage === undefined) return profile.isUnknown || EMPTY_USAGE.fits(profile, slot.profile);
    return root.usage.fits(profile, slot.profile);
  }

  /**
   * Hangs a task's leaf (made by the scheduler, not yet placed) under this node with the locality of
   * the choice; if the physical slot is already known, the task's result completes at once.
   *
   * @throws IllegalStateError when the node is released, the leaf is already placed, or the tree
   *   already contains the leaf's vertex.
   * @example
   * ```ts
   * root.attachLeaf(leaf, Locality.LOCAL);
   * ```
   */
  attachLeaf(leaf: SingleTaskSlot, locality: Locality): void {
    if (leaf.parent !== undefined || leaf.isReleased) throw new IllegalStateError(`${leaf} is already placed`);
    const key = leaf.group;
    this.checkCanAdd(key);
    this.childMap.set(key, leaf);
    leaf.parent = this;
    leaf.locality = locality;
    this.account(leaf, true);
    const slot = this.slot;
    if (slot !== undefined) leaf.deliverSlot(slot);
  }

  /**
   * Adds a co-location node under this root for `constraint`'s group.
   *
   * @throws IllegalStateError when the node is released or the tree already contains `key`.
   * @example
   * ```ts
   * const node = root.allocateMultiTaskSlot(id, manager.coLocationKey("loop"), constraint);
   * ```
   */
  allocateMultiTaskSlot(requestId: SlotRequestId, key: GroupKey, constraint: CoLocationConstraintLike): MultiTaskSlot {
    this.checkCanAdd(key);
    const node = new MultiTaskSlot(this.host, requestId, key, this, undefined, ResourceProfile.UNKNOWN, constraint);
    this.childMap.set(key, node);
    if (this.nested === undefined) this.nested = [node];
    else this.nested.push(node);
    this.host.register(node);
    this.account(node, true);
    return node;
  }

  /**
   * Drops a released child; a node left without children releases itself. Ignored while this node
   * releases its children itself.
   *
   * @example
   * ```ts
   * parent.removeChild(leaf);
   * ```
   */
  removeChild(child: TaskSlot): void {
    if (this.releasing || this.released) return;
    if (child.group === undefined || this.childMap.get(child.group) !== child) return;
    this.detach(child);
    if (this.childMap.size === 0) {
      this.release(new SlotReleasedError(`Shared slot ${this.requestId} was released: all its tasks were released.`));
    }
  }

  /**
   * Takes a child (a task or a co-location node, with its tasks) out of this root without releasing
   * it, so it can move to another root.
   *
   * @example
   * ```ts
   * root.detachChild(leaf);
   * ```
   */
  detachChild(child: TaskSlot): void {
    if (child.group === undefined || this.childMap.get(child.group) !== child) {
      throw new IllegalStateError(`${child} is not a child of ${this}`);
    }
    this.detach(child);
  }

  /**
   * Adopts a child moved from another root, with the locality of the new choice; its tasks get
   * their slot at once when this root is resolved.
   *
   * @throws IllegalStateError when released or the tree already contains the child's group.
   * @example
   * ```ts
   * newRoot.adoptChild(leaf, Locality.UNKNOWN);
   * ```
   */
  adoptChild(child: TaskSlot, locality: Locality): void {
    const key = child.group as GroupKey;
    this.checkCanAdd(key);
    this.childMap.set(key, child);
    if (child.kind === "single") {
      child.parent = this;
      child.locality = locality;
    } else {
      child.parentSlot = this;
      if (this.nested === undefined) this.nested = [child];
      else this.nested.push(child);
      for (const leaf of child.leaves()) leaf.locality = locality;
    }
    this.account(child, true);
    const slot = this.slot;
    if (slot !== undefined) MultiTaskSlot.deliverTo(child, slot);
  }

  /**
   * Roots: records the physical slot that arrived (the manager then indexes the root as resolved).
   *
   * @example
   * ```ts
   * root.bindSlot(slot);
   * ```
   */
  bindSlot(slot: AllocatedSlot): void {
    if (!this.isRoot || this.physical !== undefined) throw new IllegalStateError(`${this} cannot take slot ${slot}`);
    this.physical = slot;
  }

  /**
   * Roots, on arrival of the physical slot: keeps the children that fit, in insertion order (a
   * co-location node counts as one unit with its tasks' summed profiles), and detaches the rest.
   *
   * @returns the detached children, to be placed elsewhere.
   * @example
   * ```ts
   * const moved = root.evictOverflow();
   * ```
   */
  evictOverflow(): TaskSlot[] {
    const slot = this.physical;
    if (slot === undefined || this.usage === undefined || this.usage.knownTasks === 0) return [];
    const kept = new ResourceUsage();
    const evicted: TaskSlot[] = [];
    for (const child of this.childMap.values()) {
      const need = child.kind === "single" ? child.profile : child.reserved();
      if (kept.fits(need, slot.profile)) kept.add(need);
      else evicted.push(child);
    }
    for (const child of evicted) this.detach(child);
    return evicted;
  }

  /**
   * Roots: tells every node below that the physical slot is known: co-location nodes lock their
   * constraint, leaves complete their task's result (in insertion order).
   *
   * @example
   * ```ts
   * root.deliver();
   * ```
   */
  deliver(): void {
    const slot = this.slot;
    if (slot === undefined || this.released) return;
    this.deliverSubtree(slot);
  }

  /**
   * Releases the node and everything below it with `cause` (idempotent). The node first stops being
   * a candidate, then its children are released (tasks hear `cause`), then a co-location node leaves
   * its parent, and a root gives its physical slot or request back.
   *
   * @example
   * ```ts
   * root.release(new TaskManagerLostError("tm-1 lost"));
   * ```
   */
  release(cause: Error): void {
    if (this.released) return;
    this.released = true;
    const isRoot = this.isRoot;
    if (isRoot) this.host.rootReleasing(this);
    else this.host.unregister(this);
    this.releasing = true;
    const children = [...this.childMap.values()];
    for (const child of children) child.release(cause);
    this.releasing = false;
    if (isRoot) {
      this.childMap.clear();
      this.nested = undefined;
      this.usage = undefined;
      this.host.rootReleased(this, cause);
      return;
    }
    const parent = this.parentSlot;
    parent?.removeChild(this);
    this.parentSlot = undefined;
    this.childMap.clear();
  }

  /**
   * `root req-3 on alloc-1@tm-1[0]`, `root req-3 (pending)` or `co-location:loop node req-9`.
   *
   * @example
   * ```ts
   * console.log(`${root}`);
   * ```
   */
  toString(): string {
    if (this.group !== undefined) return `${this.group} node ${this.requestId}`;
    return `root ${this.requestId} ${this.physical === undefined ? "(pending)" : `on ${this.physical}`}`;
  }

  private deliverSubtree(slot: AllocatedSlot): void {
    const c = this.constraint;
    if (c !== undefined && c.slotRequestId === this.requestId && c.location === undefined) {
      try {
        c.lockLocation(slot.location);
      } catch {
        // A constraint that refuses (already locked elsewhere) keeps its location; the checker reports it.
      }
    }
    if (this.childMap.size === 1) {
      for (const child of this.childMap.values()) MultiTaskSlot.deliverTo(child, slot);
      return;
    }
    for (const child of [...this.childMap.values()]) MultiTaskSlot.deliverTo(child, slot);
  }

  private static deliverTo(child: TaskSlot, slot: AllocatedSlot): void {
    if (child.kind === "single") child.deliverSlot(slot);
    else child.deliverSubtree(slot);
  }

  private checkCanAdd(key: GroupKey): void {
    if (this.released) throw new IllegalStateError(`${this} is released`);
    const root = this.parentSlot === undefined ? this : this.parentSlot.root;
    // A vertex known not to be co-located can only sit directly under a root.
    const present = key.boundCoLocationGroup === null ? root.childMap.has(key) : root.contains(key);
    if (present) throw new IllegalStateError(`${root} already contains ${key}`);
  }

  private detach(child: TaskSlot): void {
    this.childMap.delete(child.group as GroupKey);
    this.account(child, false);
    if (child.kind === "single") {
      child.parent = undefined;
    } else {
      child.parentSlot = undefined;
      const nested = this.nested;
      if (nested !== undefined) {
        const i = nested.indexOf(child);
        if (i >= 0) nested.splice(i, 1);
      }
    }
  }

  private countProfile(profile: ResourceProfile, added: boolean): void {
    if (added) {
      this.usage ??= new ResourceUsage();
      this.usage.add(profile);
    } else {
      this.usage?.subtract(profile);
    }
  }

  /** Keeps the root's reserved resources and the manager's availability indexes in step with the tree. */
  private account(child: TaskSlot, added: boolean): void {
    const root = this.root;
    if (root.released) return;
    if (child.kind === "single") {
      if (!child.profile.isUnknown) root.countProfile(child.profile, added);
      if (added) this.host.groupAdded(root, child.group);
      else this.host.groupRemoved(root, child.group);
      return;
    }
    for (const leaf of child.childMap.values()) {
      if (leaf.kind !== "single") continue; // co-location nodes hold only tasks
      if (!leaf.profile.isUnknown) root.countProfile(leaf.profile, added);
      if (added) this.host.groupAdded(root, leaf.group);
      else this.host.groupRemoved(root, leaf.group);
    }
    if (added) this.host.groupAdded(root, child.group as GroupKey);
    else this.host.groupRemoved(root, child.group as GroupKey);
  }
}

function* profilesOf(leaves: Iterable<SingleTaskSlot>): IterableIterator<ResourceProfile> {
  for (const leaf of leaves) yield leaf.profile;
}
