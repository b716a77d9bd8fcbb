import { Sema } from "async-sema";
import { type Contender, runBorrowers, type SharedWork } from "./contender.js";

/**
 * async-sema 3.1.1 in W1: a semaphore of `size` tokens, the floor with no per-resource
 * bookkeeping. Borrowers: `await sema.acquire()`, `sema.release()` — as its README shows.
 *
 * @example
 * ```ts
 * const c = await asyncSemaContender(10);
 * ```
 */
export async function asyncSemaContender(size: number): Promise<Contender> {
  const sema = new Sema(size);
  const borrow = async (work: SharedWork, pause: boolean): Promise<void> => {
    while (work.remaining > 0) {
      work.remaining--;
      await sema.acquire();
      if (pause) await Promise.resolve();
      sema.release();
    }
  };
  return {
    name: "async-sema 3.1.1",
    run: (work, borrowers, pause) => runBorrowers(borrowers, () => borrow(work, pause)),
    close: async () => {
      await sema.drain();
    },
  };
}
