import { type SchedulerAction, type SchedulerLike, Subscription } from "rxjs";

interface HeapEntry {
  readonly due: number;
  readonly seq: number;
  readonly task: VirtualTask<unknown>;
}

/**
 * A virtual-time RxJS scheduler with a binary heap: `schedule` costs O(log n), where rxjs's
 * `VirtualTimeScheduler` re-sorts every pending action on every call (O(n log n)), which dominates
 * simulations with tens of thousands of timers. Tasks due at the same time run in the order they
 * were scheduled. Nothing runs until you advance the clock.
 *
 * It works with every rxjs operator that takes a scheduler (`timer`, `delay`, `timeout`, …) and
 * with the pool's own timers.
 *
 * @example
 * ```ts
 * const scheduler = new VirtualScheduler();
 * const pool = new SlotPool({ scheduler });
 * scheduler.advanceBy(10_000); // runs everything due in the next 10 s of virtual time
 * scheduler.flush();           // runs until nothing is scheduled (throws after maxTasks)
 * ```
 */
export class VirtualScheduler implements SchedulerLike {
  private clock: number;
  private seq = 0;
  private heap: HeapEntry[] = [];
  private stale = 0;
  private running = false;

  /**
   * @param startMs - the initial virtual time (default 0).
   */
  constructor(startMs = 0) {
    this.clock = startMs;
  }

  /** The current virtual time in ms. */
  now(): number {
    return this.clock;
  }

  /** Number of tasks waiting to run. */
  get pendingCount(): number {
    return this.heap.length - this.stale;
  }

  /**
   * When the next task is due, or undefined when nothing is scheduled.
   *
   * @example
   * ```ts
   * const next = scheduler.nextDueTime();
   * ```
   */
  nextDueTime(): number | undefined {
    this.dropStaleTop();
    return this.heap[0]?.due;
  }

  /** {@inheritDoc rxjs!SchedulerLike.schedule} */
  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay = 0, state?: T): Subscription {
    const task = new VirtualTask<T>(this, work);
    return task.schedule(state, delay);
  }

  /**
   * Runs every task due at or before `until`, in order, then sets the clock to `until`.
   *
   * @returns how many tasks ran.
   * @throws whatever a task throws (the clock stays at that task's time).
   * @example
   * ```ts
   * scheduler.advanceTo(5_000);
   * ```
   */
  advanceTo(until: number): number {
    if (this.running) throw new Error("VirtualScheduler: advance called from inside a task");
    this.running = true;
    let ran = 0;
    try {
      for (;;) {
        this.dropStaleTop();
        const top = this.heap[0];
        if (top === undefined || top.due > until) break;
        this.pop();
        const task = top.task;
        task.entry = undefined;
        if (top.due > this.clock) this.clock = top.due;
        ran++;
        task.execute();
      }
      if (until > this.clock && until !== Number.POSITIVE_INFINITY) this.clock = until;
    } finally {
      this.running = false;
    }
    return ran;
  }

  /**
   * Runs the next `ms` of virtual time.
   *
   * @returns how many tasks ran.
   * @example
   * ```ts
   * scheduler.advanceBy(100);
   * ```
   */
  advanceBy(ms: number): number {
    return this.advanceTo(this.clock + ms);
  }

  /**
   * Runs tasks until none is left. A periodic task never lets that happen: after `maxTasks` tasks
   * it throws, so a test cannot hang.
   *
   * @returns how many tasks ran.
   * @example
   * ```ts
   * scheduler.flush();
   * ```
   */
  flush(maxTasks = 10_000_000): number {
    let ran = 0;
    for (let next = this.nextDueTime(); next !== undefined; next = this.nextDueTime()) {
      ran += this.advanceTo(next);
      if (ran > maxTasks)
        throw new Error(`VirtualScheduler.flush: more than ${maxTasks} tasks ran; is a timer periodic?`);
    }
    return ran;
  }

  /** @internal */
  enqueue(task: VirtualTask<unknown>, delay: number): void {
    if (task.entry !== undefined) this.stale++;
    const due = this.clock + (Number.isFinite(delay) && delay > 0 ? delay : 0);
    const entry: HeapEntry = { due, seq: ++this.seq, task };
    task.entry = entry;
    this.push(entry);
  }

  /** @internal */
  cancel(task: VirtualTask<unknown>): void {
    if (task.entry === undefined) return;
    task.entry = undefined;
    this.stale++;
    if (this.stale > 1024 && this.stale * 2 > this.heap.length) this.compact();
  }

  private dropStaleTop(): void {
    for (let top = this.heap[0]; top !== undefined && top.task.entry !== top; top = this.heap[0]) {
      this.pop();
      this.stale--;
    }
  }

  private compact(): void {
    const live = this.heap.filter((e) => e.task.entry === e);
    live.sort(compareEntries);
    this.heap = live;
    this.stale = 0;
  }

  private push(entry: HeapEntry): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as HeapEntry;
      if (compareEntries(p, entry) <= 0) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as HeapEntry;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && compareEntries(heap[r] as HeapEntry, heap[l] as HeapEntry) < 0 ? r : l;
      if (compareEntries(heap[child] as HeapEntry, last) >= 0) break;
      heap[i] = heap[child] as HeapEntry;
      i = child;
    }
    heap[i] = last;
  }
}

function compareEntries(a: HeapEntry, b: HeapEntry): number {
  return a.due - b.due || a.seq - b.seq;
}

/** One scheduled unit of work; rescheduling it (periodic timers) reuses it, as rxjs actions do. */
class VirtualTask<T> extends Subscription implements SchedulerAction<T> {
  /** @internal the live heap entry, if scheduled */
  entry: HeapEntry | undefined = undefined;
  private state: T | undefined = undefined;

  constructor(
    private readonly scheduler: VirtualScheduler,
    private readonly work: (this: SchedulerAction<T>, state: T) => void,
  ) {
    super();
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state;
    this.scheduler.enqueue(this as VirtualTask<unknown>, delay);
    return this;
  }

  /** @internal */
  execute(): void {
    if (this.closed) return;
    try {
      this.work.call(this, this.state as T);
    } catch (error) {
      this.unsubscribe();
      throw error;
    }
  }

  override unsubscribe(): void {
    if (this.closed) return;
    this.scheduler.cancel(this as VirtualTask<unknown>);
    super.unsubscribe();
  }
}
