import { type SchedulerLike, VirtualTimeScheduler } from "rxjs";
import { expect } from "vitest";
import {
  type AllocationId,
  allocationId,
  assertSlotPoolInvariants,
  InMemoryResourceManager,
  InMemoryTaskExecutor,
  jobMasterId,
  ResourceProfile,
  type ResourceSpec,
  type SlotAllocationRequest,
  type SlotLease,
  SlotPool,
  type SlotPoolEvent,
  type SlotPoolEventType,
  type SlotPoolTimeouts,
  type SlotRequestHandle,
  type SlotSelectionStrategy,
  type TaskManagerLocation,
  taskManagerLocation,
} from "../src/index.js";

/** The slot profile offered when a test does not say: 1 cpu, 1024 MB. */
export const SLOT: ResourceProfile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });

/**
 * Advances a VirtualTimeScheduler to exactly `t` (running every timer due until then), so that
 * `scheduler.now()` is `t` afterwards even when no timer was due at `t`.
 */
export function advanceTo(scheduler: VirtualTimeScheduler, t: number): void {
  if (t < scheduler.now()) throw new Error(`cannot go back in time from ${scheduler.now()} to ${t}`);
  scheduler.schedule(() => {}, t - scheduler.now());
  scheduler.maxFrames = t;
  try {
    scheduler.flush();
  } finally {
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
  }
}

/** A registered TaskManager of a test: where it is, and the TaskExecutor double the pool talks to. */
export interface TestTaskManager {
  readonly location: TaskManagerLocation;
  readonly gateway: InMemoryTaskExecutor;
  /** The next unused slot index (offers made through the harness count it up). */
  nextIndex: number;
}

export interface HarnessOptions {
  readonly timeouts?: Partial<SlotPoolTimeouts>;
  /** Default true: the in-memory resource manager acknowledges requests at once. */
  readonly autoAcknowledge?: boolean;
  /** Default true: start the pool with token `jm-1`. */
  readonly start?: boolean;
  /** Default true (implies start): connect the resource manager. */
  readonly connect?: boolean;
  readonly slotSelectionStrategy?: SlotSelectionStrategy;
  /** Default a fresh VirtualTimeScheduler; pass a TestScheduler to run inside `run()`. */
  readonly scheduler?: VirtualTimeScheduler;
  /**
   * Default `"strict"`: the invariants are checked after every outermost call into the pool or the
   * resource manager and after every advance of time. `"unoccupied"` allows allocated slots without
   * payload (for PhysicalSlotProvider callers); `"off"` is for tests that corrupt the pool on purpose.
   */
  readonly autoCheck?: "strict" | "unoccupied" | "off";
}

/** Methods that only read; checking after them would stop tests that corrupt the pool on purpose. */
const READ_ONLY = new Set<PropertyKey>(["inspect", "isTaskManagerRegistered", "constructor"]);

/**
 * Wraps `target` so that after each outermost method call (`depth` is shared, so calls made from
 * inside the pool, e.g. by listeners or by the pool into the resource manager, are not outermost)
 * `check` runs, also when the call threw: every operation must leave the pool consistent.
 */
function checkedAfterEachCall<T extends object>(target: T, depth: { value: number }, check: () => void): T {
  return new Proxy(target, {
    get(obj, key) {
      const value = Reflect.get(obj, key, obj) as unknown;
      if (typeof value !== "function" || READ_ONLY.has(key)) return value;
      return (...args: unknown[]) => {
        depth.value++;
        let ok = false;
        try {
          const out = (value as (...a: unknown[]) => unknown).apply(obj, args);
          ok = true;
          return out;
        } finally {
          if (--depth.value === 0) {
            if (ok) check();
            else {
              try {
                check();
              } catch {
                // the operation's own error is the more useful one to report
              }
            }
          }
        }
      };
    },
  });
}

/**
 * A pool on virtual time with an in-memory resource manager, a recorded event stream and helpers
 * to register TaskManagers, offer slots and check invariants.
 */
export class Harness {
  readonly scheduler: VirtualTimeScheduler;
  readonly rm: InMemoryResourceManager;
  readonly pool: SlotPool;
  readonly events: SlotPoolEvent[] = [];
  private offerCounter = 0;
  private readonly autoCheck: "strict" | "unoccupied" | "off";

  constructor(options: HarnessOptions = {}) {
    this.scheduler = options.scheduler ?? new VirtualTimeScheduler();
    this.autoCheck = options.autoCheck ?? "strict";
    const depth = { value: 0 };
    const autoCheck = (): void => this.autoCheckNow();
    this.rm = checkedAfterEachCall(
      new InMemoryResourceManager({ autoAcknowledge: options.autoAcknowledge ?? true }),
      depth,
      autoCheck,
    );
    const pool = new SlotPool({
      scheduler: this.scheduler as SchedulerLike,
      jobId: "test-job",
      ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
      ...(options.slotSelectionStrategy === undefined ? {} : { slotSelectionStrategy: options.slotSelectionStrategy }),
    });
    this.pool = checkedAfterEachCall(pool, depth, autoCheck);
    this.pool.events$.subscribe((e) => this.events.push(e));
    if (options.start ?? true) {
      this.pool.start(jobMasterId("jm-1"));
      if (options.connect ?? true) this.pool.connectToResourceManager(this.rm);
    }
  }

  /** Invariants 1–9 of the reference, including the resource manager's record. */
  check(): void {
    assertSlotPoolInvariants(this.pool, { resourceManager: this.rm });
  }

  private autoCheckNow(): void {
    if (this.autoCheck === "off") return;
    assertSlotPoolInvariants(this.pool, {
      resourceManager: this.rm,
      allowUnoccupiedAllocatedSlots: this.autoCheck === "unoccupied",
    });
  }

  now(): number {
    return this.scheduler.now();
  }

  advanceTo(t: number): void {
    advanceTo(this.scheduler, t);
    this.autoCheckNow();
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.scheduler.now() + ms);
  }

  /** Makes (and by default registers) a TaskManager. */
  taskManager(
    id: string,
    host: string = id,
    options: { register?: boolean; failFree?: boolean } = {},
  ): TestTaskManager {
    const location = taskManagerLocation(id, host);
    const gateway = new InMemoryTaskExecutor(location.resourceId, { failFree: options.failFree ?? false });
    if (options.register ?? true) this.pool.registerTaskManager(location.resourceId);
    return { location, gateway, nextIndex: 0 };
  }

  /** Offers one slot of `tm` with `id` (default a fresh, never requested id) and `profile` (default {@link SLOT}). */
  offer(
    tm: TestTaskManager,
    id: AllocationId | string = `offered-${++this.offerCounter}`,
    profile: ResourceProfile | ResourceSpec = SLOT,
    slotIndex: number = tm.nextIndex++,
  ): boolean {
    return this.pool.offerSlot(tm.location, tm.gateway, {
      allocationId: allocationId(id),
      slotIndex,
      profile: ResourceProfile.of(profile),
    });
  }

  /** Offers `n` fresh slots of `tm`; returns their allocation ids. */
  offerFree(tm: TestTaskManager, n: number, profile: ResourceProfile | ResourceSpec = SLOT): AllocationId[] {
    const ids: AllocationId[] = [];
    for (let i = 0; i < n; i++) {
      const id = allocationId(`${tm.location.resourceId}-free-${++this.offerCounter}`);
      expect(this.offer(tm, id, profile)).toBe(true);
      ids.push(id);
    }
    return ids;
  }

  allocate(request: SlotAllocationRequest = {}): SlotRequestHandle {
    return this.pool.allocateSlot(request);
  }

  /** The allocation id of the i-th request the resource manager received. */
  requested(i: number): AllocationId {
    const r = this.rm.requests[i];
    if (r === undefined) throw new Error(`the resource manager received only ${this.rm.requests.length} request(s)`);
    return r.allocationId;
  }

  eventsOf<T extends SlotPoolEventType>(type: T): Extract<SlotPoolEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<SlotPoolEvent, { type: T }> => e.type === type);
  }

  /** Sizes of every queue and index, to show that a call changed nothing. */
  snapshot(): { available: number; allocated: number; pending: number; waiting: number; tms: number } {
    const s = this.pool.inspect();
    return {
      available: s.available.size,
      allocated: s.allocated.size,
      pending: s.pending.size,
      waiting: s.waitingForResourceManager.size,
      tms: s.registeredTaskManagers.size,
    };
  }
}

/** The lease of a handle whose result must have been fulfilled. */
export function leaseOf(handle: SlotRequestHandle): SlotLease {
  const outcome = handle.result.result;
  if (outcome === undefined) throw new Error(`request ${handle.requestId} is still pending`);
  if (!outcome.ok) throw new Error(`request ${handle.requestId} failed: ${outcome.error.message}`);
  return outcome.value;
}

/** The error of a handle whose result must have failed. */
export function errorOf(handle: SlotRequestHandle): Error & { code?: string } {
  const outcome = handle.result.result;
  if (outcome === undefined) throw new Error(`request ${handle.requestId} is still pending`);
  if (outcome.ok) throw new Error(`request ${handle.requestId} was fulfilled with ${outcome.value.slot}`);
  return outcome.error;
}
