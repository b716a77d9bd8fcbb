import tarn from "tarn";
import { type Contender, runBorrowers, type SharedWork } from "./contender.js";

/**
 * tarn 3.1.2 in W1: `new Pool({ create, destroy, min: size, max: size })` with default options
 * (30 s acquire timeout), warmed up by acquiring and releasing every resource once. Borrowers:
 * `const r = await pool.acquire().promise`, `pool.release(r)` — as its README shows.
 *
 * @example
 * ```ts
 * const c = await tarnContender(10);
 * ```
 */
export async function tarnContender(size: number): Promise<Contender> {
  let made = 0;
  const pool = new tarn.Pool<{ readonly id: number }>({
    create: async () => ({ id: ++made }),
    destroy: () => {},
    min: size,
    max: size,
  });
  const warm = await Promise.all(Array.from({ length: size }, () => pool.acquire().promise));
  for (const r of warm) pool.release(r);
  const borrow = async (work: SharedWork, pause: boolean): Promise<void> => {
    while (work.remaining > 0) {
      work.remaining--;
      const resource = await pool.acquire().promise;
      if (pause) await Promise.resolve();
      pool.release(resource);
    }
  };
  return {
    name: "tarn 3.1.2",
    run: (work, borrowers, pause) => runBorrowers(borrowers, () => borrow(work, pause)),
    close: async () => {
      await pool.destroy();
    },
  };
}
