import { ResourceProfile, type SlotAllocationRequest } from "@slotpool/core";
import { buildCluster } from "../fixtures/cluster.js";
import { type Contender, runBorrowers, type SharedWork } from "./contender.js";

const PROFILE = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });

/**
 * slotpool in W1, through its public API: a started pool of `size` free slots (10 per TaskManager,
 * one profile) with no resource manager and no request timeout (like generic-pool's defaults), so
 * a borrower that finds no free slot is a queued request served FIFO when a slot is released.
 * Borrowers: `allocateSlot({ profile, queued: true })`, `await handle.result.promise`, `handle.release()`.
 *
 * @example
 * ```ts
 * const c = await slotpoolContender(10);
 * ```
 */
export async function slotpoolContender(size: number): Promise<Contender> {
  const { pool } = buildCluster({
    slots: size,
    slotProfiles: [PROFILE],
    pool: {
      timeouts: {
        idleSlotMs: Number.POSITIVE_INFINITY,
        slotRequestMs: Number.POSITIVE_INFINITY,
        resourceManagerRequestMs: Number.POSITIVE_INFINITY,
      },
    },
  });
  const request: SlotAllocationRequest = { profile: PROFILE, queued: true };
  const borrow = async (work: SharedWork, pause: boolean): Promise<void> => {
    while (work.remaining > 0) {
      work.remaining--;
      const handle = pool.allocateSlot(request);
      await handle.result.promise;
      if (pause) await Promise.resolve();
      handle.release();
    }
  };
  return {
    name: "slotpool",
    run: (work, borrowers, pause) => runBorrowers(borrowers, () => borrow(work, pause)),
    close: async () => {
      const state = pool.inspect();
      if (state.available.size !== size || state.waitingForResourceManager.size !== 0) {
        throw new Error(`slotpool contender ended with ${state.available.size}/${size} free slots`);
      }
      pool.suspend();
    },
  };
}
