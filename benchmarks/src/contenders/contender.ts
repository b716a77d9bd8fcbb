/**
 * Work shared by the borrowers of one round: each borrower takes one unit before each
 * acquire/release pair, so the round does exactly `remaining` pairs in total.
 *
 * @example
 * ```ts
 * const work: SharedWork = { remaining: 50_000 };
 * ```
 */
export interface SharedWork {
  remaining: number;
}

/**
 * One pool library in W1, driven the way its own documentation shows (its promise API).
 *
 * @example
 * ```ts
 * const c = await genericPoolContender(10);
 * await c.run({ remaining: 1000 }, 100, true);
 * await c.close();
 * ```
 */
export interface Contender {
  /** Library name and version, e.g. `generic-pool 3.9.0`. */
  readonly name: string;
  /**
   * Runs `borrowers` concurrent borrowers until `work` is used up. Each loops: acquire, (if
   * `pause`) await one microtask, release.
   */
  run(work: SharedWork, borrowers: number, pause: boolean): Promise<void>;
  /** Frees the pool (timers, resources). */
  close(): Promise<void>;
}

/**
 * Makes a {@link Contender} holding `size` ready resources.
 *
 * @example
 * ```ts
 * const factories: ContenderFactory[] = [slotpoolContender, genericPoolContender];
 * ```
 */
export type ContenderFactory = (size: number) => Promise<Contender>;

/**
 * Starts `borrowers` copies of `borrower` and waits for all of them.
 *
 * @example
 * ```ts
 * await runBorrowers(100, () => borrow(work, true));
 * ```
 */
export async function runBorrowers(borrowers: number, borrower: () => Promise<void>): Promise<void> {
  if (borrowers === 1) return borrower();
  const all: Promise<void>[] = [];
  for (let i = 0; i < borrowers; i++) all.push(borrower());
  await Promise.all(all);
}
