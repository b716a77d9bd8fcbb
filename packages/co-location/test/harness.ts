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
  type TaskManagerLocation,
  taskManagerLocation,
} from "@slotpool/core";
import { assertSharingInvariants, type LogicalSlot, type TaskHandle, TaskScheduler } from "@slotpool/slot-sharing";
import { VirtualTimeScheduler } from "rxjs";
import { assertCoLocationInvariants, type CoLocationGroup } from "../src/index.js";

export const SLOT: ResourceSpec = { cpu: 1, memoryMb: 1024 };

/** A started pool on virtual time with an in-memory resource manager and the task scheduler. */
export class Cluster {
  readonly scheduler: VirtualTimeScheduler = new VirtualTimeScheduler();
  readonly pool: SlotPool = new SlotPool({
    scheduler: this.scheduler,
    timeouts: { idleSlotMs: Number.POSITIVE_INFINITY },
  });
  readonly rm: InMemoryResourceManager = new InMemoryResourceManager();
  readonly tasks: TaskScheduler = new TaskScheduler(this.pool);
  readonly groups: CoLocationGroup[] = [];
  private offers = 0;
  private readonly nextIndex = new Map<string, number>();

  constructor() {
    this.pool.start(jobMasterId("jm-1"));
    this.pool.connectToResourceManager(this.rm);
  }

  addTaskManager(id: string, host: string = id): TaskManagerLocation {
    const location = taskManagerLocation(id, host);
    this.pool.registerTaskManager(location.resourceId);
    return location;
  }

  offerFree(tm: TaskManagerLocation, count = 1, profile: ResourceSpec = SLOT): AllocationId[] {
    return Array.from({ length: count }, () => {
      const id = allocationId(`offered-${++this.offers}`);
      this.offer(tm, id, profile);
      return id;
    });
  }

  answer(tm: TaskManagerLocation, count = 1, profile: ResourceSpec = SLOT): AllocationId[] {
    const ids = this.rm.outstanding
      .filter((r) => this.pool.inspect().pending.getByAllocationId(r.allocationId) !== undefined)
      .slice(0, count)
      .map((r) => r.allocationId);
    for (const id of ids) this.offer(tm, id, profile);
    return ids;
  }

  private offer(tm: TaskManagerLocation, id: AllocationId, profile: ResourceSpec): void {
    const index = this.nextIndex.get(tm.resourceId) ?? 0;
    this.nextIndex.set(tm.resourceId, index + 1);
    this.pool.offerSlot(tm, new InMemoryTaskExecutor(tm.resourceId), {
      allocationId: id,
      slotIndex: index,
      profile: ResourceProfile.of(profile),
    });
  }

  /** Every checker: pool, sharing trees, co-location groups. */
  check(): void {
    assertSlotPoolInvariants(this.pool, { resourceManager: this.rm });
    assertSharingInvariants(this.tasks, { pool: this.pool });
    assertCoLocationInvariants(this.groups, this.tasks);
  }

  get freeSlots(): number {
    return this.pool.inspect().available.size;
  }
}

export function placed(handle: TaskHandle): LogicalSlot {
  const o = handle.result.result;
  if (o === undefined) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} is still waiting`);
  if (!o.ok) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} failed: ${o.error.message}`);
  return o.value;
}

export function failure(handle: TaskHandle): string {
  const o = handle.result.result;
  if (o === undefined) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} is still waiting`);
  if (o.ok) throw new Error(`${handle.vertexId}#${handle.subtaskIndex} was placed on ${o.value}`);
  return (o.error as { code?: string }).code ?? o.error.name;
}

export function isWaiting(handle: TaskHandle): boolean {
  return handle.result.result === undefined;
}
