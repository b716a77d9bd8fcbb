/**
 * Accumulates the wall-clock time (`process.hrtime.bigint`) and the process CPU time
 * (`process.cpuUsage`, user + system, all threads) of the timed parts of one round.
 *
 * @example
 * ```ts
 * const sw = new Stopwatch();
 * sw.time(() => { for (let i = 0; i < 1000; i++) op(); });
 * console.log(sw.wallNs / 1000, "ns/op");
 * ```
 */
export class Stopwatch {
  /** Wall-clock nanoseconds of everything timed so far. */
  wallNs = 0;
  /** Process CPU nanoseconds of everything timed so far (microsecond resolution). */
  cpuNs = 0;

  /**
   * Runs `fn` once, timed.
   *
   * @example
   * ```ts
   * sw.time(() => pool.allocateSlot(request));
   * ```
   */
  time(fn: () => void): void {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    const t1 = process.hrtime.bigint();
    const cpu = process.cpuUsage(cpu0);
    this.wallNs += Number(t1 - t0);
    this.cpuNs += (cpu.user + cpu.system) * 1000;
  }

  /**
   * Awaits `fn`, timed (the CPU time then includes anything else the process ran meanwhile).
   *
   * @example
   * ```ts
   * await sw.timeAsync(() => Promise.all(borrowers));
   * ```
   */
  async timeAsync(fn: () => Promise<unknown>): Promise<void> {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    const t1 = process.hrtime.bigint();
    const cpu = process.cpuUsage(cpu0);
    this.wallNs += Number(t1 - t0);
    this.cpuNs += (cpu.user + cpu.system) * 1000;
  }

  /**
   * Back to zero.
   *
   * @example
   * ```ts
   * sw.reset();
   * ```
   */
  reset(): void {
    this.wallNs = 0;
    this.cpuNs = 0;
  }
}
