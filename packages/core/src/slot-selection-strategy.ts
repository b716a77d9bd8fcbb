import type { AllocatedSlot } from "./allocated-slot.js";
import type { AvailableSlotsView } from "./available-slots.js";
import { Locality } from "./locality.js";
import type { ResourceProfile } from "./resource-profile.js";
import type { TaskManagerLocation } from "./task-manager-location.js";

/**
 * A slot chosen by a {@link SlotSelectionStrategy}, with how local it is.
 *
 * @example
 * ```ts
 * const chosen: SlotSelection = { slot, locality: Locality.LOCAL };
 * ```
 */
export interface SlotSelection {
  readonly slot: AllocatedSlot;
  readonly locality: Locality;
}

/**
 * Chooses a free slot for a request. The pool calls it with the indexed view of its free slots;
 * the strategy must return a slot of that view whose profile matches `profile`, or undefined.
 * It must not modify anything: the pool removes the chosen slot itself.
 *
 * Write one in a single file: see {@link localityFirstStrategy} (the default) and
 * {@link spreadOutStrategy}.
 *
 * @example
 * ```ts
 * const firstFit: SlotSelectionStrategy = {
 *   name: "first-fit",
 *   select: (slots, profile, prefs) => {
 *     const slot = slots.findAny(profile);
 *     return slot && { slot, locality: prefs.length === 0 ? Locality.UNCONSTRAINED : Locality.NON_LOCAL };
 *   },
 * };
 * const pool = new SlotPool({ slotSelectionStrategy: firstFit });
 * ```
 */
export interface SlotSelectionStrategy {
  /** A short name, shown by `slotpool explain`. */
  readonly name: string;
  /**
   * Picks a slot.
   *
   * @param slots - the free slots, indexed.
   * @param profile - what the slot must offer (`slot.profile.isMatching(profile)`).
   * @param preferences - preferred locations, most preferred first (may be empty).
   */
  select(
    slots: AvailableSlotsView,
    profile: ResourceProfile,
    preferences: readonly TaskManagerLocation[],
  ): SlotSelection | undefined;
}

/**
 * The default strategy, Flink's `AvailableSlots.poll`: with preferences, the first matching slot on
 * a preferred TaskManager (in preference order) is `LOCAL`; else the first on a preferred host is
 * `HOST_LOCAL`; else the oldest matching slot anywhere is `NON_LOCAL`. Without preferences, the
 * oldest matching slot is `UNCONSTRAINED`. Cost: O(preferences × slots per TaskManager) plus the
 * number of distinct matching profiles, never O(all slots).
 *
 * @example
 * ```ts
 * const pool = new SlotPool({ slotSelectionStrategy: localityFirstStrategy });
 * ```
 */
export const localityFirstStrategy: SlotSelectionStrategy = {
  name: "locality-first",
  select(slots, profile, preferences) {
    if (slots.size === 0) return undefined;
    if (preferences.length === 0) {
      const slot = slots.findAny(profile);
      return slot === undefined ? undefined : { slot, locality: Locality.UNCONSTRAINED };
    }
    for (const pref of preferences) {
      const slot = slots.findOnTaskManager(pref.resourceId, profile);
      if (slot !== undefined) return { slot, locality: Locality.LOCAL };
    }
    for (const pref of preferences) {
      const slot = slots.findOnHost(pref.host, profile);
      if (slot !== undefined) return { slot, locality: Locality.HOST_LOCAL };
    }
    const slot = slots.findAny(profile);
    return slot === undefined ? undefined : { slot, locality: Locality.NON_LOCAL };
  },
};

/**
 * Like {@link localityFirstStrategy}, but when no preference decides, it takes the matching slot
 * on the TaskManager with the most free slots, spreading load across TaskManagers (Flink's
 * `cluster.evenly-spread-out-slots`). Cost without a preference hit: O(TaskManagers with free
 * slots) — use it where spreading is worth a scan.
 *
 * @example
 * ```ts
 * const pool = new SlotPool({ slotSelectionStrategy: spreadOutStrategy });
 * ```
 */
export const spreadOutStrategy: SlotSelectionStrategy = {
  name: "spread-out",
  select(slots, profile, preferences) {
    if (preferences.length > 0) {
      const local = localityFirstStrategy.select(slots, profile, preferences);
      if (local !== undefined && local.locality !== Locality.NON_LOCAL) return local;
    }
    let best: AllocatedSlot | undefined;
    let bestFree = -1;
    for (const tm of slots.taskManagers()) {
      const free = slots.countOnTaskManager(tm);
      if (free <= bestFree) continue;
      const slot = slots.findOnTaskManager(tm, profile);
      if (slot !== undefined) {
        best = slot;
        bestFree = free;
      }
    }
    if (best === undefined) return undefined;
    return { slot: best, locality: preferences.length === 0 ? Locality.UNCONSTRAINED : Locality.NON_LOCAL };
  },
};
