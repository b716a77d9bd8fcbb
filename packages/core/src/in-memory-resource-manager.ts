import { Observable, of, throwError } from "rxjs";
import type { AllocationId, ResourceId } from "./ids.js";
import type { ResourceManagerGateway, SlotRequest, TaskExecutorGateway } from "./resource-manager-gateway.js";

type RequestState = "waiting" | "acknowledged" | "refused";

interface RecordedRequest {
  readonly request: SlotRequest;
  state: RequestState;
  ack?: () => void;
  refuse?: (error: Error) => void;
}

/**
 * A small in-memory {@link ResourceManagerGateway} for tests and examples: it records every request
 * and cancellation, and acknowledges requests at once (`autoAcknowledge`, the default) or when you
 * say so. It offers no slots by itself: the test offers them to the pool (see the README example).
 * The embedded adapter of `@slotpool/resource-manager` is the full-featured one.
 *
 * @example
 * ```ts
 * const rm = new InMemoryResourceManager();
 * pool.connectToResourceManager(rm);
 * pool.allocateSlot({});
 * rm.requests[0]?.allocationId; // the pool's allocation id, to offer a slot with
 * ```
 */
export class InMemoryResourceManager implements ResourceManagerGateway {
  private readonly recorded = new Map<AllocationId, RecordedRequest>();
  /** Every allocation id cancelled, in order (duplicates kept, so tests can check "exactly once"). */
  readonly cancelled: AllocationId[] = [];

  constructor(private readonly options: { readonly autoAcknowledge?: boolean } = {}) {}

  /** Every request received, in order. */
  get requests(): SlotRequest[] {
    return [...this.recorded.values()].map((r) => r.request);
  }

  /** Requests received and neither cancelled nor refused, in order. */
  get outstanding(): SlotRequest[] {
    const cancelled = new Set(this.cancelled);
    return [...this.recorded.values()]
      .filter((r) => r.state !== "refused" && !cancelled.has(r.request.allocationId))
      .map((r) => r.request);
  }

  /** {@inheritDoc ResourceManagerGateway.requestSlot} */
  requestSlot(request: SlotRequest): Observable<unknown> {
    return new Observable<unknown>((subscriber) => {
      const entry: RecordedRequest = { request, state: "waiting" };
      this.recorded.set(request.allocationId, entry);
      if (this.options.autoAcknowledge ?? true) {
        entry.state = "acknowledged";
        subscriber.next("ack");
        subscriber.complete();
        return;
      }
      entry.ack = () => {
        entry.state = "acknowledged";
        subscriber.next("ack");
        subscriber.complete();
      };
      entry.refuse = (error) => {
        entry.state = "refused";
        subscriber.error(error);
      };
    });
  }

  /** {@inheritDoc ResourceManagerGateway.cancelSlotRequest} */
  cancelSlotRequest(allocationId: AllocationId): void {
    this.cancelled.push(allocationId);
  }

  /**
   * Acknowledges a waiting request (with `autoAcknowledge: false`).
   *
   * @returns false when no such waiting request.
   * @example
   * ```ts
   * rm.acknowledge(rm.requests[0]!.allocationId);
   * ```
   */
  acknowledge(allocationId: AllocationId): boolean {
    const entry = this.recorded.get(allocationId);
    if (entry?.ack === undefined || entry.state !== "waiting") return false;
    entry.ack();
    return true;
  }

  /**
   * Refuses a waiting request with `error` (with `autoAcknowledge: false`).
   *
   * @returns false when no such waiting request.
   * @example
   * ```ts
   * rm.refuse(id, new Error("no capacity"));
   * ```
   */
  refuse(allocationId: AllocationId, error: Error): boolean {
    const entry = this.recorded.get(allocationId);
    if (entry?.refuse === undefined || entry.state !== "waiting") return false;
    entry.refuse(error);
    return true;
  }
}

/**
 * A {@link TaskExecutorGateway} double that records the slots the pool frees.
 *
 * @example
 * ```ts
 * const te = new InMemoryTaskExecutor(resourceId("tm-1"));
 * pool.offerSlots(location, te, offers);
 * te.freed; // allocation ids freed by the idle timeout
 * ```
 */
export class InMemoryTaskExecutor implements TaskExecutorGateway {
  /** Allocation ids the pool freed, in order. */
  readonly freed: AllocationId[] = [];
  constructor(
    readonly resourceId: ResourceId,
    private readonly options: { readonly failFree?: boolean } = {},
  ) {}

  /** {@inheritDoc TaskExecutorGateway.freeSlot} */
  freeSlot(allocationId: AllocationId, _cause: Error): Observable<unknown> {
    this.freed.push(allocationId);
    return this.options.failFree ? throwError(() => new Error(`free of ${allocationId} failed`)) : of("ack");
  }
}
