import {
  IllegalStateError,
  Locality,
  NoResourceAvailableError,
  type ResourceProfile,
  SlotReleasedError,
  type SlotRequestId,
  type TaskManagerLocation,
} from "@slotpool/core";
import type { CoLocationConstraintLike } from "./co-location-constraint.js";
import type { GroupKey } from "./group-key.js";
import type { RootChoice, SlotSharingManager } from "./slot-sharing-manager.js";

/** Why a polled free slot goes back: one shared instance (an Error per poll would cost a stack trace). */
const NOT_BETTER = new SlotReleasedError("Locality constraint is not better fulfilled by allocated slot.");

/**
 * How {@link allocateMultiTaskSlot} may find a root.
 *
 * @example
 * ```ts
 * const mode: RootSearch = { queued: true, joinPending: true, requireLocal: false };
 * ```
 */
export interface RootSearch {
  /** May it wait: join a pending root or request a new physical slot? */
  readonly queued: boolean;
  /** May it join a pending root (false for tasks moved off a root that was too small)? */
  readonly joinPending: boolean;
  /** Only a TaskManager-local root or free slot will do (a locked co-location constraint). */
  readonly requireLocal: boolean;
}

/**
 * Flink §2.5.1: finds or makes a root for a task (or co-location node) of group `key`:
 *
 * 1. a resolved root with room that is `LOCAL` to a preference → take it;
 * 2. a free physical slot (the pool's selection strategy); it becomes a new root if it is `LOCAL`
 *    or no resolved root had room — otherwise it goes back to the pool (an existing shared slot
 *    beats an unused slot unless the unused one is TaskManager-local);
 * 3. the resolved root from step 1 (`HOST_LOCAL`, `NON_LOCAL` or `UNCONSTRAINED`);
 * 4. if queued: the first pending root without `key` (`UNKNOWN`), else a new physical request for
 *    `profile` under a new pending root (`UNKNOWN`) — always the last resort.
 *
 * Step 2 is skipped when there are no preferences and a resolved root was found: a free slot cannot
 * be `LOCAL` then, so polling it would only hand it back.
 *
 * @returns the choice, or undefined when nothing fits now and the search may not wait (or needs a
 *   local slot and none is at hand).
 * @throws the provider's error when a new physical request fails at once (e.g. `POOL_NOT_STARTED`).
 * @example
 * ```ts
 * const choice = allocateMultiTaskSlot(manager, manager.vertexKey("map"), profile, prefs, { queued: true, joinPending: true, requireLocal: false });
 * ```
 */
export function allocateMultiTaskSlot(
  manager: SlotSharingManager,
  key: GroupKey,
  profile: ResourceProfile,
  preferences: readonly TaskManagerLocation[],
  search: RootSearch,
): RootChoice | undefined {
  const provider = manager.provider;
  let resolved = manager.getResolvedRootSlot(key, preferences, profile);
  if (resolved !== undefined && resolved.locality === Locality.LOCAL) return resolved;
  if (search.requireLocal) resolved = undefined;
  let physicalId: SlotRequestId | undefined;
  if (preferences.length > 0 || resolved === undefined) {
    physicalId = provider.nextSlotRequestId();
    const polled = provider.allocateAvailableSlot(physicalId, profile, preferences);
    if (polled !== undefined) {
      const usable = polled.locality === Locality.LOCAL || (resolved === undefined && !search.requireLocal);
      if (usable) {
        const root = manager.createResolvedRoot(polled.slot, physicalId, profile, key);
        if (root !== undefined) return { root, locality: polled.locality };
        provider.releaseSlot(
          physicalId,
          new IllegalStateError(`Could not assign payload to allocated slot ${polled.slot}.`),
        );
      } else {
        provider.releaseSlot(physicalId, NOT_BETTER);
      }
    }
  }
  if (resolved !== undefined) return resolved;
  if (search.requireLocal || !search.queued) return undefined;
  if (search.joinPending) {
    const pending = manager.getUnresolvedRootSlot(key);
    if (pending !== undefined) return { root: pending, locality: Locality.UNKNOWN };
  }
  physicalId ??= provider.nextSlotRequestId();
  const physical = provider.requestNewAllocatedSlot(physicalId, profile, { timeoutMs: Number.POSITIVE_INFINITY });
  const early = physical.result;
  if (early !== undefined && !early.ok) throw early.error;
  const root = manager.createPendingRoot(physicalId, physical, profile, key);
  return { root, locality: Locality.UNKNOWN };
}

/**
 * Flink §2.5.2 with the documented fix: finds or makes the co-location node for `constraint`.
 *
 * 1. The constraint's current node, if it still exists → `LOCAL` (if its slot is known and has no
 *    room for `profile`, `NO_RESOURCE_AVAILABLE`: co-location is hard and the slot is never
 *    over-committed). A stale pointer is cleared.
 * 2. A root for the co-location group by {@link allocateMultiTaskSlot}; once the constraint is
 *    locked only a root or free slot on the locked TaskManager will do, and nothing is queued.
 * 3. A new co-location node under that root; the constraint points at it and is locked as soon as
 *    the root's physical slot is known.
 *
 * Fix of a Dec-2017 quirk: when a locked constraint cannot get a TaskManager-local slot, nothing is
 * created and nothing is released (Flink released the chosen root, failing every task sharing it);
 * the request fails with `NO_RESOURCE_AVAILABLE`.
 *
 * @throws NoResourceAvailableError when no node can be had (see above).
 * @example
 * ```ts
 * const { root: node, locality } = allocateCoLocatedMultiTaskSlot(manager, constraint, profile, prefs, true);
 * ```
 */
export function allocateCoLocatedMultiTaskSlot(
  manager: SlotSharingManager,
  constraint: CoLocationConstraintLike,
  profile: ResourceProfile,
  preferences: readonly TaskManagerLocation[],
  queued: boolean,
): RootChoice {
  const key = manager.coLocationKey(constraint.groupId);
  const current = constraint.slotRequestId;
  if (current !== undefined) {
    const node = manager.getTaskSlot(current);
    if (node !== undefined && node.kind === "multi" && node.group === key && !node.isReleased) {
      if (!node.fits(profile)) {
        throw new NoResourceAvailableError(
          `The slot of co-location group ${constraint.groupId} (${node.slot}) has no room for another task of ${profile}.`,
        );
      }
      return { root: node, locality: Locality.LOCAL };
    }
    constraint.slotRequestId = undefined;
  }
  const locked = constraint.location;
  const choice = allocateMultiTaskSlot(manager, key, profile, locked === undefined ? preferences : [locked], {
    queued,
    joinPending: true,
    requireLocal: locked !== undefined,
  });
  if (choice === undefined) {
    throw new NoResourceAvailableError(
      locked === undefined
        ? `Could not allocate a shared slot for co-location group ${constraint.groupId}.`
        : `Could not allocate a local shared slot for co-location group ${constraint.groupId}, locked to TaskManager ${locked.resourceId}.`,
    );
  }
  const node = choice.root.allocateMultiTaskSlot(manager.nextNodeId("co-location"), key, constraint);
  constraint.slotRequestId = node.requestId;
  const slot = node.slot;
  if (slot !== undefined && constraint.location === undefined) constraint.lockLocation(slot.location);
  return { root: node, locality: choice.locality };
}
