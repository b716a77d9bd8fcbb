import type { ResourceId, ResourceProfile } from "@slotpool/core";

/**
 * The resource manager's view of one registered TaskExecutor, as a {@link SlotChoiceStrategy} sees it.
 *
 * @example
 * ```ts
 * const index = te.findFreeSlot(profile); // -1 when no free slot matches
 * ```
 */
export interface RegisteredTaskExecutorView {
  readonly resourceId: ResourceId;
  readonly host: string;
  /** All slots of the TaskExecutor. */
  readonly slotCount: number;
  /** Slots the resource manager has not given to any allocation. */
  readonly freeSlots: number;
  /** The lowest free slot index whose profile matches `profile`, or -1. */
  findFreeSlot(profile: ResourceProfile): number;
}

/**
 * Which free TaskExecutor slot a {@link SlotChoiceStrategy} picked.
 *
 * @example
 * ```ts
 * const choice: SlotChoice = { taskExecutor: te, slotIndex: 0 };
 * ```
 */
export interface SlotChoice {
  readonly taskExecutor: RegisteredTaskExecutorView;
  readonly slotIndex: number;
}

/**
 * How the resource manager picks the free slot it reserves for a request (not to be confused with
 * the pool's own slot selection among slots it already holds). Receives the registered
 * TaskExecutors in registration order; must be deterministic.
 *
 * @example
 * ```ts
 * const firstFit: SlotChoiceStrategy = {
 *   name: "first-fit",
 *   choose(tes, profile) {
 *     for (const te of tes) {
 *       const slotIndex = te.findFreeSlot(profile);
 *       if (slotIndex >= 0) return { taskExecutor: te, slotIndex };
 *     }
 *     return undefined;
 *   },
 * };
 * ```
 */
export interface SlotChoiceStrategy {
  readonly name: string;
  choose(taskExecutors: Iterable<RegisteredTaskExecutorView>, profile: ResourceProfile): SlotChoice | undefined;
}

function byUtilisation(name: string, preferLoaded: boolean): SlotChoiceStrategy {
  return {
    name,
    choose(taskExecutors, profile) {
      let best: RegisteredTaskExecutorView | undefined;
      let bestIndex = -1;
      for (const te of taskExecutors) {
        if (te.freeSlots === 0) continue;
        if (best !== undefined) {
          // Compare free/slotCount ratios without dividing; ties keep the earlier TaskExecutor.
          const mine = te.freeSlots * best.slotCount;
          const theirs = best.freeSlots * te.slotCount;
          if (preferLoaded ? mine >= theirs : mine <= theirs) continue;
        }
        const index = te.findFreeSlot(profile);
        if (index < 0) continue;
        best = te;
        bestIndex = index;
      }
      return best === undefined ? undefined : { taskExecutor: best, slotIndex: bestIndex };
    },
  };
}

/**
 * Spreads allocations: the TaskExecutor with the largest share of free slots (least utilised) that
 * has a matching free slot; ties go to the earliest registered. Like Flink's
 * `cluster.evenly-spread-out-slots`.
 *
 * @example
 * ```ts
 * new EmbeddedResourceManager({ slotChoice: spreadSlots, taskExecutors });
 * ```
 */
export const spreadSlots: SlotChoiceStrategy = byUtilisation("spread", false);

/**
 * Packs allocations: the most utilised TaskExecutor that still has a matching free slot; ties go to
 * the earliest registered. Leaves other TaskExecutors idle so elastic mode can stop them.
 *
 * @example
 * ```ts
 * new EmbeddedResourceManager({ slotChoice: packSlots, elastic: { maxTaskExecutors: 4 } });
 * ```
 */
export const packSlots: SlotChoiceStrategy = byUtilisation("pack", true);
