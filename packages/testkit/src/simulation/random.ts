/**
 * A small, fast, seeded pseudo-random generator (SplitMix32): the same seed gives the same
 * sequence on every machine, which is what makes simulations and fuzz runs replayable.
 *
 * @example
 * ```ts
 * const rng = new SeededRandom(7);
 * rng.int(0, 10); // the same number every run with seed 7
 * ```
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * A float in [0, 1).
   *
   * @example
   * ```ts
   * if (rng.next() < 0.1) injectFault();
   * ```
   */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }

  /**
   * An integer in [min, max] (inclusive).
   *
   * @example
   * ```ts
   * rng.int(1, 6); // a die
   * ```
   */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /**
   * One element of a non-empty array.
   *
   * @example
   * ```ts
   * rng.pick(["a", "b"]);
   * ```
   */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty array");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /**
   * True with probability `p`.
   *
   * @example
   * ```ts
   * rng.chance(0.25);
   * ```
   */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /**
   * A new generator whose sequence is independent of this one's future draws.
   *
   * @example
   * ```ts
   * const faults = rng.fork();
   * ```
   */
  fork(): SeededRandom {
    return new SeededRandom(Math.floor(this.next() * 4294967296));
  }
}
