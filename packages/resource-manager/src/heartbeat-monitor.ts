import type { SchedulerLike, Subscription } from "rxjs";

/**
 * Something that can be asked for a heartbeat (a TaskExecutor connection).
 *
 * @example
 * ```ts
 * const target: HeartbeatTarget = { requestHeartbeat: () => connection.requestHeartbeat() };
 * ```
 */
export interface HeartbeatTarget {
  requestHeartbeat(): void;
}

interface Entry {
  readonly target: HeartbeatTarget;
  lastSeen: number;
}

/**
 * Watches targets with heartbeats on an injected scheduler: every `intervalMs` it asks each target
 * for a heartbeat, and a target not heard from (`touch`) for `timeoutMs` is removed and reported to
 * `onTimeout`, at exactly `lastSeen + timeoutMs`. One scheduled action serves all targets, and it
 * is not re-armed once nothing is watched (so a virtual-time `flush()` ends once nothing is watched).
 * Either duration `Infinity` disables the monitor.
 *
 * @example
 * ```ts
 * const monitor = new HeartbeatMonitor<ResourceId>(scheduler, 1_000, 5_000, (id) => console.warn(id, "is silent"));
 * monitor.add(id, connection);
 * monitor.touch(id); // on every heartbeat answer
 * ```
 */
export class HeartbeatMonitor<K> {
  private readonly scheduler: SchedulerLike;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly onTimeout: (key: K) => void;
  private readonly entries = new Map<K, Entry>();
  private timer: Subscription | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private nextRequestAt = Number.POSITIVE_INFINITY;

  constructor(scheduler: SchedulerLike, intervalMs: number, timeoutMs: number, onTimeout: (key: K) => void) {
    this.scheduler = scheduler;
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
    this.onTimeout = onTimeout;
  }

  /** False when an interval or timeout of `Infinity` disabled the monitor. */
  get enabled(): boolean {
    return this.intervalMs !== Number.POSITIVE_INFINITY && this.timeoutMs !== Number.POSITIVE_INFINITY;
  }

  /** Targets watched. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Starts watching `key` (heard from now). Re-adding replaces the target and counts as a heartbeat.
   *
   * @example
   * ```ts
   * monitor.add("tm-1", connection);
   * ```
   */
  add(key: K, target: HeartbeatTarget): void {
    if (!this.enabled) return;
    const now = this.scheduler.now();
    this.entries.set(key, { target, lastSeen: now });
    if (this.nextRequestAt === Number.POSITIVE_INFINITY) this.nextRequestAt = now + this.intervalMs;
    this.arm();
  }

  /**
   * Records a sign of life of `key`.
   *
   * @example
   * ```ts
   * monitor.touch("tm-1");
   * ```
   */
  touch(key: K): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) entry.lastSeen = this.scheduler.now();
  }

  /**
   * Stops watching `key`.
   *
   * @example
   * ```ts
   * monitor.remove("tm-1");
   * ```
   */
  remove(key: K): void {
    // The timer stays armed: it finds nothing to watch and stops by itself (cheaper than cancelling
    // and re-arming when targets come and go quickly).
    this.entries.delete(key);
  }

  /**
   * Stops watching everything.
   *
   * @example
   * ```ts
   * monitor.clear();
   * ```
   */
  clear(): void {
    this.entries.clear();
    this.disarm();
  }

  private disarm(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.nextRequestAt = Number.POSITIVE_INFINITY;
  }

  /** Schedules the single action for the earliest of: the next request round, the earliest deadline. */
  private arm(): void {
    if (this.entries.size === 0) {
      this.disarm();
      return;
    }
    let at = this.nextRequestAt;
    for (const entry of this.entries.values()) {
      const deadline = entry.lastSeen + this.timeoutMs;
      if (deadline < at) at = deadline;
    }
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.timer?.unsubscribe();
    this.timerAt = at;
    this.timer = this.scheduler.schedule(() => this.tick(), Math.max(0, at - this.scheduler.now()));
  }

  private tick(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.scheduler.now();
    const expired: K[] = [];
    for (const [key, entry] of this.entries) if (now - entry.lastSeen >= this.timeoutMs) expired.push(key);
    for (const key of expired) this.entries.delete(key);
    if (now >= this.nextRequestAt) {
      this.nextRequestAt = now + this.intervalMs;
      for (const entry of this.entries.values()) entry.target.requestHeartbeat();
    }
    for (const key of expired) this.onTimeout(key);
    if (this.entries.size === 0) this.disarm();
    else this.arm();
  }
}
