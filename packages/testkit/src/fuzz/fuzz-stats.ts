/**
 * What a fuzz run exercised: step counts by op and outcome counters, summed over runs by the
 * soak and the CI test (which asserts that every fault path was reached).
 *
 * @example
 * ```ts
 * world.stats.placed; // tasks placed so far
 * ```
 */
export interface FuzzStats {
  steps: number;
  readonly ops: Record<string, number>;
  placed: number;
  /** Failed task and raw requests, by error code. */
  readonly failures: Record<string, number>;
  /** Placed tasks that lost their slot to a fault (not released by their holder). */
  lostSlots: number;
  slotsAccepted: number;
  staleRejected: number;
  hostileRejected: number;
  offersDropped: number;
  offersDuplicated: number;
  offersDelayed: number;
  heartbeatTimeouts: number;
  settledChecks: number;
  quietChecks: number;
}

/**
 * Makes an empty {@link FuzzStats}.
 *
 * @example
 * ```ts
 * const total = emptyFuzzStats();
 * ```
 */
export function emptyFuzzStats(): FuzzStats {
  return {
    steps: 0,
    ops: {},
    placed: 0,
    failures: {},
    lostSlots: 0,
    slotsAccepted: 0,
    staleRejected: 0,
    hostileRejected: 0,
    offersDropped: 0,
    offersDuplicated: 0,
    offersDelayed: 0,
    heartbeatTimeouts: 0,
    settledChecks: 0,
    quietChecks: 0,
  };
}

/**
 * Adds `from` into `into` (for totals over many runs).
 *
 * @example
 * ```ts
 * addFuzzStats(total, run.stats);
 * ```
 */
export function addFuzzStats(into: FuzzStats, from: FuzzStats): void {
  for (const key of Object.keys(from) as (keyof FuzzStats)[]) {
    const value = from[key];
    if (typeof value === "number") (into as unknown as Record<string, number>)[key] = (into[key] as number) + value;
    else {
      const target = into[key] as Record<string, number>;
      for (const [k, n] of Object.entries(value)) target[k] = (target[k] ?? 0) + n;
    }
  }
}
