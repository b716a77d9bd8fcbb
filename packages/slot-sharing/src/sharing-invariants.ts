import {
  type AllocationId,
  InvariantViolationError,
  LOCALITIES,
  Locality,
  type SlotPool,
  type SlotRequestId,
} from "@slotpool/core";
import type { GroupKey } from "./group-key.js";
import type { MultiTaskSlot, TaskSlot } from "./multi-task-slot.js";
import { sumKnownProfiles } from "./resource-usage.js";
import type { SingleTaskSlot } from "./single-task-slot.js";
import type { SlotSharingManager } from "./slot-sharing-manager.js";
import type { TaskScheduler } from "./task-scheduler.js";

/**
 * Options of {@link checkSharingInvariants}.
 *
 * @example
 * ```ts
 * checkSharingInvariants(scheduler, { pool });
 * ```
 */
export interface SharingInvariantOptions {
  /** Also check invariant 16 (and pending roots' requests) against this pool. */
  readonly pool?: SlotPool;
}

const VALID_LOCALITIES: ReadonlySet<string> = new Set(LOCALITIES);

/**
 * Checks the sharing-tree invariants 11–17 of the Flink reference (§4), plus two of slot sharing
 * itself, for every sharing group of a scheduler (or one manager):
 *
 * - (11) every root and co-location node is in the manager's node index under its request id, and
 *   the index holds nothing else (tasks are reached through their handles, see {@link SingleTaskSlot});
 * - (12) every root is either pending or resolved; resolved ⇔ its physical slot is known; resolved
 *   roots are filed under their slot's TaskManager and host;
 * - (13) only roots lack a group and have a physical request id; co-location nodes sit directly
 *   under a root and hold only tasks;
 * - (14) a group key appears at most once under a root — so **no slot hosts two subtasks of one
 *   vertex**;
 * - (15) no released node is attached, and no co-location node is empty;
 * - (16) each resolved root is the payload of its slot, which the pool (if given) holds as allocated
 *   under the root's physical request id; a pending root's request is pending in the pool;
 * - (17) a task under a pending root has locality `UNKNOWN` (or `LOCAL` when it joined a
 *   co-location node); a task under a resolved root was given that root's slot;
 * - **no slot is over-committed**: the summed known profiles under a resolved root fit its slot's
 *   profile (an UNKNOWN slot holds only UNKNOWN tasks), and the root's running sum is exact;
 * - the per-group candidate indexes hold exactly the roots without that group; no physical slot
 *   carries two roots.
 *
 * Cost: O(nodes + indexed groups × roots); meant for tests and simulations.
 *
 * @returns one sentence per violation; empty when consistent.
 * @example
 * ```ts
 * expect(checkSharingInvariants(scheduler, { pool })).toEqual([]);
 * ```
 */
export function checkSharingInvariants(
  target: TaskScheduler | SlotSharingManager,
  options: SharingInvariantOptions = {},
): string[] {
  const managers = "sharingManagers" in target ? [...target.sharingManagers()] : [target];
  const problems: string[] = [];
  const slotOwners = new Map<AllocationId, string>();
  for (const manager of managers) checkManager(manager, options, problems, slotOwners);
  return problems;
}

/**
 * {@link checkSharingInvariants}, throwing when anything is wrong. Call it after every step of a
 * multi-step test, next to core's `assertSlotPoolInvariants`.
 *
 * @throws InvariantViolationError listing every violation.
 * @example
 * ```ts
 * assertSharingInvariants(scheduler, { pool });
 * ```
 */
export function assertSharingInvariants(
  target: TaskScheduler | SlotSharingManager,
  options?: SharingInvariantOptions,
): void {
  const problems = checkSharingInvariants(target, options);
  if (problems.length > 0) throw new InvariantViolationError(problems);
}

function checkManager(
  m: SlotSharingManager,
  options: SharingInvariantOptions,
  problems: string[],
  slotOwners: Map<AllocationId, string>,
): void {
  const g = `[${m.sharingGroupId}]`;
  const resolved = [...m.resolvedRoots()];
  const unresolved = [...m.unresolvedRoots()];
  const resolvedSet = new Set(resolved);
  const reached = new Set<SlotRequestId>();
  const pool = options.pool?.inspect();

  // (12) roots and their indexes
  problems.push(...m.checkIndexConsistency().map((p) => `${g} (12) ${p}`));
  for (const root of unresolved) {
    if (resolvedSet.has(root)) problems.push(`${g} (12) ${root} is both pending and resolved`);
    if (root.slot !== undefined) problems.push(`${g} (12) pending ${root} already has slot ${root.slot}`);
  }
  for (const root of resolved) {
    const slot = root.slot;
    if (slot === undefined) {
      problems.push(`${g} (12) resolved ${root} has no slot`);
      continue;
    }
    if (!m.resolvedRootsOnTaskManager(slot.location.resourceId).includes(root)) {
      problems.push(`${g} (12) ${root} is not filed under TaskManager ${slot.location.resourceId}`);
    }
    if (!m.resolvedRootsOnHost(slot.location.host).includes(root)) {
      problems.push(`${g} (12) ${root} is not filed under host ${slot.location.host}`);
    }
    if (slot.payload !== root) problems.push(`${g} (16) ${root} is not the payload of ${slot}`);
    const other = slotOwners.get(slot.allocationId);
    if (other !== undefined) problems.push(`${g} physical slot ${slot} carries ${root} and ${other}`);
    slotOwners.set(slot.allocationId, `${g} ${root}`);
    if (pool !== undefined && root.allocatedSlotRequestId !== undefined) {
      if (pool.allocated.getByRequestId(root.allocatedSlotRequestId) !== slot) {
        problems.push(`${g} (16) the pool does not hold ${slot} under ${root.allocatedSlotRequestId} for ${root}`);
      }
    }
  }
  if (pool !== undefined) {
    for (const root of unresolved) {
      const id = root.allocatedSlotRequestId;
      if (id === undefined) continue;
      if (pool.pending.get(id) === undefined && pool.waitingForResourceManager.get(id) === undefined) {
        problems.push(`${g} (16) pending ${root} has no pending physical request ${id} in the pool`);
      }
    }
  }

  // (11, 13, 14, 15, 17) the trees
  for (const root of [...unresolved, ...resolved]) {
    if (!root.isRoot) problems.push(`${g} (13) ${root} is indexed as a root but is not one`);
    if (root.allocatedSlotRequestId === undefined) problems.push(`${g} (13) ${root} has no physical request id`);
    if (root.isReleased) problems.push(`${g} (15) released ${root} is still indexed`);
    if (root.children.size === 0) problems.push(`${g} (15) ${root} has no tasks`);
    checkNode(m, root, root, g, reached, problems);
    const seen = new Set<GroupKey>();
    const vertices = new Set<string>();
    for (const node of walk(root)) {
      if (node.group === undefined) continue;
      if (seen.has(node.group)) problems.push(`${g} (14) ${node.group} appears twice under ${root}`);
      seen.add(node.group);
      if (node.kind === "single") {
        if (vertices.has(node.vertexId)) {
          problems.push(`${g} slot of ${root} hosts two subtasks of vertex ${node.vertexId}`);
        }
        vertices.add(node.vertexId);
      }
    }
    checkCapacity(root, g, problems);
  }
  if (reached.size !== m.size) {
    for (const [id, node] of m.taskSlots()) {
      if (!reached.has(id)) problems.push(`${g} (11) ${node} is registered under ${id} but not in any tree`);
    }
  }

  // candidate indexes
  for (const [key, availability] of m.indexedGroups()) {
    for (const root of resolved) {
      const expected = !root.contains(key);
      if (availability.hasResolved(root) !== expected) {
        problems.push(`${g} candidates of ${key}: ${root} ${expected ? "missing" : "listed although it contains it"}`);
      }
    }
    for (const root of unresolved) {
      const expected = !root.contains(key);
      if (availability.hasPending(root) !== expected) {
        problems.push(
          `${g} pending candidates of ${key}: ${root} ${expected ? "missing" : "listed although it contains it"}`,
        );
      }
    }
    const pendingSet = new Set(unresolved);
    let listed = 0;
    for (const root of availability.resolvedRoots()) {
      listed++;
      if (!resolvedSet.has(root)) problems.push(`${g} candidates of ${key}: ${root} is not a resolved root`);
    }
    if (listed !== availability.resolvedCount)
      problems.push(`${g} candidates of ${key}: the list and its count disagree`);
    listed = 0;
    for (const root of availability.pendingRoots()) {
      listed++;
      if (!pendingSet.has(root)) problems.push(`${g} pending candidates of ${key}: ${root} is not pending`);
    }
    if (listed !== availability.pendingCount) {
      problems.push(`${g} pending candidates of ${key}: the list and its count disagree`);
    }
  }
}

function checkNode(
  m: SlotSharingManager,
  node: TaskSlot,
  root: MultiTaskSlot,
  g: string,
  reached: Set<SlotRequestId>,
  problems: string[],
): void {
  if (node.isReleased) problems.push(`${g} (15) released ${node} is still attached to ${root}`);
  if (node.kind === "single") {
    const locality = node.locality;
    if (!VALID_LOCALITIES.has(locality)) problems.push(`${g} (17) ${node} has locality ${String(locality)}`);
    const underCoLocation = node.parent !== root;
    if (root.slot === undefined) {
      if (locality !== Locality.UNKNOWN && !(underCoLocation && locality === Locality.LOCAL)) {
        problems.push(`${g} (17) ${node} under pending ${root} has locality ${locality}`);
      }
      if (node.result.isDone && node.result.result?.ok) {
        problems.push(`${g} (17) ${node} under pending ${root} already has a slot`);
      }
    } else {
      const logical = node.logicalSlot;
      if (!node.isDelivered || logical === undefined) {
        problems.push(`${g} (17) ${node} under resolved ${root} was not given its slot`);
      } else if (logical.allocationId !== root.slot.allocationId) {
        problems.push(`${g} (17) ${node} was given ${logical.allocationId} but sits on ${root.slot}`);
      }
    }
    return;
  }
  reached.add(node.requestId);
  if (m.getTaskSlot(node.requestId) !== node) problems.push(`${g} (11) ${node} is not registered under its request id`);
  if (node !== root) {
    if (node.group === undefined || node.group.kind !== "co-location") {
      problems.push(`${g} (13) inner node ${node} is not a co-location node`);
    }
    if (node.allocatedSlotRequestId !== undefined)
      problems.push(`${g} (13) inner node ${node} has a physical request id`);
    if (node.parent !== root) problems.push(`${g} (13) co-location node ${node} is not directly under its root`);
    if (node.children.size === 0) problems.push(`${g} (15) co-location node ${node} is empty`);
    if (node.constraint === undefined || node.constraint.groupId !== node.group?.id) {
      problems.push(`${g} (13) co-location node ${node} does not belong to a constraint of its group`);
    }
  }
  for (const [key, child] of node.children) {
    if (child.group !== key) problems.push(`${g} (13) ${child} is filed under ${key}`);
    if (child.parent !== node) problems.push(`${g} (13) ${child} does not point at its parent ${node}`);
    if (node !== root && child.kind !== "single") problems.push(`${g} (13) ${child} nests below a co-location node`);
    checkNode(m, child, root, g, reached, problems);
  }
}

function checkCapacity(root: MultiTaskSlot, g: string, problems: string[]): void {
  const leaves = [...root.leaves()];
  const sum = sumKnownProfiles(leaves.map((l) => l.profile));
  if (!sum.equals(root.reserved())) {
    problems.push(`${g} ${root} counts ${root.reserved()} reserved, its tasks sum to ${sum}`);
  }
  const slot = root.slot;
  if (slot === undefined || sum.isUnknown) return;
  if (slot.profile.isUnknown || !slot.profile.isMatching(sum)) {
    problems.push(`${g} ${slot} is over-committed: its tasks need ${sum}, it offers ${slot.profile}`);
  }
}

function* walk(root: MultiTaskSlot): IterableIterator<TaskSlot> {
  for (const child of root.children.values()) {
    yield child;
    if (child.kind === "multi") yield* walk(child);
  }
}
