import genericPool from "generic-pool";
import { type Contender, runBorrowers, type SharedWork } from "./contender.js";

/**
 * generic-pool 3.9.0 in W1: `createPool` with `min = max = size` (all resources created up front,
 * default options otherwise: FIFO, no acquire timeout, no eviction). Borrowers:
 * `const r = await pool.acquire()`, `pool.release(r)` — as its README shows.
 *
 * @example
 * ```ts
 * const c = await genericPoolContender(10_000);
 * ```
 */
export async function genericPoolContender(size: number): Promise<Contender> {
  let made = 0;
  const pool = genericPool.createPool<{ readonly id: number }>(
    { create: async () => ({ id: ++made }), destroy: async () => {} },
    { min: size, max: size },
  );
  await pool.ready();
  const borrow = async (work: SharedWork, pause: boolean): Promise<void> => {
    while (work.remaining > 0) {
      work.remaining--;
      const resource = await pool.acquire();
      if (pause) await Promise.resolve();
      void pool.release(resource);
    }
  };
  return {
    name: "generic-pool 3.9.0",
    run: (work, borrowers, pause) => runBorrowers(borrowers, () => borrow(work, pause)),
    close: async () => {
      await pool.drain();
      await pool.clear();
    },
  };
}
