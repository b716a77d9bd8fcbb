import type { ResourceProfile, SlotRequestId, TaskManagerLocation } from "@slotpool/core";
import { TaskRequest } from "./task-request.js";

/**
 * Gives back a task's own physical slot (or withdraws its request): the scheduler's side.
 *
 * @example
 * ```ts
 * const owner: OwnSlotOwner = { releaseOwnSlot: (request, cause) => provider.releaseSlot(request.requestId, cause ?? …) };
 * ```
 */
export interface OwnSlotOwner {
  /** Releases what `request` holds or waits for; no cause: the holder's default one. */
  releaseOwnSlot(request: OwnSlotRequest, cause: Error | undefined): void;
}

/**
 * A task without a sharing group: it gets a physical slot of its own (Flink §2.5 A).
 *
 * @example
 * ```ts
 * const h = scheduler.allocate({ vertexId: "solo", subtaskIndex: 0 }); // an OwnSlotRequest
 * ```
 */
export class OwnSlotRequest extends TaskRequest {
  private readonly owner: OwnSlotOwner;
  private readonly vertex: string;

  constructor(
    owner: OwnSlotOwner,
    requestId: SlotRequestId,
    vertexId: string,
    subtaskIndex: number,
    profile: ResourceProfile,
    preferences: readonly TaskManagerLocation[],
    queued: boolean,
    timeoutMs: number,
  ) {
    super(requestId, subtaskIndex, profile, preferences, queued, timeoutMs);
    this.owner = owner;
    this.vertex = vertexId;
  }

  /** The task's vertex. */
  get vertexId(): string {
    return this.vertex;
  }

  /** Always undefined: the slot is not shared. */
  get sharingGroup(): string | undefined {
    return undefined;
  }

  /** {@inheritDoc TaskHandle.release} */
  release(cause?: Error): void {
    this.owner.releaseOwnSlot(this, cause);
  }
}
