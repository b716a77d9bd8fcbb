import {
  type AllocationId,
  allocationId,
  assertSlotPoolInvariants,
  InMemoryResourceManager,
  InMemoryTaskExecutor,
  jobMasterId,
  ResourceProfile,
  type ResourceSpec,
  SlotPool,
  type SlotPoolTimeouts,
  type TaskManagerLocation,
  taskManagerLocation,
} from "@slotpool/core";
import { VirtualTimeScheduler } from "rxjs";
import {
  assertSharingInvariants,
  type LogicalSlot,
  type MultiTaskSlot,
  SingleTaskSlot,
  type TaskHandle,
  TaskScheduler,
} from "../src/index.js";

export const SLOT: ResourceProfile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });

export interface ClusterOptions {
  readonly timeouts?: Partial<SlotPoolTimeouts>;
  readonly autoAcknowledge?: boolean;
  readonly connectResourceManager?: boolean;
  readonly defaultTimeoutMs?: number;
}

/** A started pool on virtual time, an in-memory resource manager, and the task scheduler on top. */
export class Cluster {
  readonly scheduler: VirtualTimeScheduler = new VirtualTimeScheduler();
  readonly pool: SlotPool;
  readonly rm: InMemoryResourceManager;
  readonly tasks: TaskScheduler;
  readonly gateways: Map<string, InMemoryTaskExecutor> = new Map();
  private readonly nextIndex = new Map<string, number>();
  private offers = 0;

  constructor(options: ClusterOptions = {}) {
    this.pool = new SlotPool({
      scheduler: this.scheduler,
      timeouts: { idleSlotMs: Number.POSITIVE_INFINITY, ...options.timeouts },
    });
    this.rm = new InMemoryResourceManager({ autoAcknowledge: options.autoAcknowledge ?? true });
    this.pool.start(jobMasterId("jm-1"));
    if (options.connectResourceManager ?? true) this.pool.connectToResourceManager(this.rm);
    this.tasks = new TaskScheduler(
      this.pool,
      options.defaultTimeoutMs === undefined ? {} : { defaultTimeoutMs: options.defaultTimeoutMs },
    );
  }

  /** Registers a TaskManager. */
  addTaskManager(id: string, host: string = id): TaskManagerLocation {
    const location = taskManagerLocation(id, host);
    this.pool.registerTaskManager(location.resourceId);
    if (!this.gateways.has(id)) this.gateways.set(id, new InMemoryTaskExecutor(location.resourceId));
    return location;
  }

  /** Offers `count` slots the pool never asked for (they serve waiting requests or become free). */
  offerFree(tm: TaskManagerLocation, count = 1, profile: ResourceProfile | ResourceSpec = SLOT): AllocationId[] {
    const ids: AllocationId[] = [];
    for (let i = 0; i < count; i++) {
      const id = allocationId(`offered-${++this.offers}`);
      this.offer(tm, id, profile);
      ids.push(id);
    }
    return ids;
  }

  /** Answers the oldest outstanding resource-manager requests with slots on `tm`. */
  answer(tm: TaskManagerLocation, count = 1, profile: ResourceProfile | ResourceSpec = SLOT): AllocationId[] {
    const ids = this.rm.outstanding
      .filter((r) => this.pool.inspect().pending.getByAllocationId(r.allocationId) !== undefined)
      .slice(0, count)
      .map((r) => r.allocationId);
    for (const id of ids) this.offer(tm, id, profile);
    return ids;
  }

  offer(tm: TaskManagerLocation, id: AllocationId, profile: ResourceProfile | ResourceSpec = SLOT): boolean {
    const index = this.nextIndex.get(tm.resourceId) ?? 0;
    this.nextIndex.set(tm.resourceId, index + 1);
    const gateway = this.gateways.get(tm.resourceId) ?? new InMemoryTaskExecutor(tm.resourceId);
    return this.pool.offerSlot(tm, gateway, {
      allocationId: id,
      slotIndex: index,
      profile: ResourceProfile.of(profile),
    });
  }

  /** Runs virtual time forward by `ms`, executing every timer due. */
  advance(ms: number): void {
    const target = this.scheduler.now() + ms;
    this.scheduler.maxFrames = target;
    this.scheduler.flush();
    this.scheduler.maxFrames = Number.POSITIVE_INFINITY;
    this.scheduler.frame = target;
  }

  /** Core's pool invariants and the sharing invariants. */
  check(): void {
    assertSlotPoolInvariants(this.pool, { resourceManager: this.rm });
    assertSharingInvariants(this.tasks, { pool: this.pool });
  }

  get freeSlots(): number {
    return this.pool.inspect().available.size;
  }

  get allocatedSlots(): number {
    return this.pool.inspect().allocated.size;
  }
}

/** The logical slot of a placed task (fails the test otherwise). */
export function placed(handle: TaskHandle): LogicalSlot {
  const o = handle.result.result;
  if (o === undefined) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} is still waiting`);
  if (!o.ok) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} failed: ${o.error.message}`);
  return o.value;
}

/** The error code of a failed task (fails the test otherwise). */
export function failure(handle: TaskHandle): string {
  const o = handle.result.result;
  if (o === undefined) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} is still waiting`);
  if (o.ok) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} was placed on ${o.value}`);
  return (o.error as { code?: string }).code ?? o.error.name;
}

export function isWaiting(handle: TaskHandle): boolean {
  return handle.result.result === undefined;
}

/** The leaf of a shared task (its handle). */
export function leafOf(handle: TaskHandle): SingleTaskSlot {
  if (!(handle instanceof SingleTaskSlot)) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} is not shared`);
  return handle;
}

/** The root of the shared slot a task hangs in. */
export function rootOf(handle: TaskHandle): MultiTaskSlot {
  const parent = leafOf(handle).parent as MultiTaskSlot | undefined;
  if (parent === undefined) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} has no shared slot`);
  return parent.root;
}
