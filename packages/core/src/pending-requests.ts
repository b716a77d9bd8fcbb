import type { Subscription } from "rxjs";
import type { AllocatedSlot } from "./allocated-slot.js";
import { Completable, reportListenerError } from "./completable.js";
import { IllegalStateError } from "./errors.js";
import type { AllocationId, SlotRequestId } from "./ids.js";
import { type LazyIndexEntry, LazyKeyIndex } from "./lazy-key-index.js";
import { type BucketEntry, ProfileBuckets } from "./profile-buckets.js";
import type { ResourceManagerGateway } from "./resource-manager-gateway.js";
import type { ResourceProfile } from "./resource-profile.js";
import type { PoolSlotHandle } from "./slot-request-handle.js";

let pendingSeq = 0;

/**
 * Told when a {@link PendingRequest} completes, before any listener of its result runs (the
 * pool's bookkeeping: one object per pool instead of listener closures per request).
 *
 * @internal
 * @example
 * ```ts
 * request.observer = { requestSettled: (r) => console.log(r.requestId, r.servedWith ?? r.failedWith) };
 * ```
 */
export interface PendingRequestObserver {
  /** `request` was served ({@link PendingRequest.servedWith}) or failed ({@link PendingRequest.failedWith}). */
  requestSettled(request: PendingRequest): void;
}

/**
 * A request for a new physical slot that is waiting: stashed (no resource manager) or sent to the
 * resource manager (then it has an {@link AllocationId}). Its `result` completes once, with the
 * slot or an error. (The `result` Completable is made on first access: the requests behind
 * `SlotPool.allocateSlot` are settled by the pool directly and never need one.)
 *
 * @example
 * ```ts
 * const req = new PendingRequest(slotRequestId("r1"), ResourceProfile.UNKNOWN);
 * req.result.onSettled((o) => console.log(o.ok));
 * ```
 */
export class PendingRequest implements BucketEntry<PendingRequest>, LazyIndexEntry<PendingRequest> {
  /** FIFO position, set each time the request joins a queue (smaller = joined earlier). */
  seq = 0;
  private resultCell: Completable<AllocatedSlot> | undefined = undefined;
  /** @internal The slot the request was served with, once served. */
  servedWith: AllocatedSlot | undefined = undefined;
  /** @internal The error the request failed with, once failed. */
  failedWith: Error | undefined = undefined;
  /** Set when the request is sent to the resource manager. */
  allocationId: AllocationId | undefined = undefined;
  /** The resource manager the request was sent to (for its cancellation). */
  sentTo: ResourceManagerGateway | undefined = undefined;
  /** True once the request was withdrawn at the resource manager (at most once, invariant 9). */
  cancelledAtResourceManager = false;
  /** The request's own timeout and its resource-manager subscription; ended on completion. */
  lifetime: Subscription | undefined = undefined;
  /** The timer of the current phase (stash timeout, RM request timeout, RM allocation timeout). */
  phaseTimer: Subscription | undefined = undefined;
  /** @internal */ bucketPrev: PendingRequest | undefined = undefined;
  /** @internal */ bucketNext: PendingRequest | undefined = undefined;
  /** @internal The queue the request is in (set by {@link PendingRequests.add}), so leaving it needs no lookup. */
  queue: PendingRequests | undefined = undefined;
  /** @internal Told first when the request completes. */
  observer: PendingRequestObserver | undefined = undefined;
  /** @internal The `allocateSlot` handle waiting for this request's slot, if any. */
  handle: PoolSlotHandle | undefined = undefined;
  /** @internal The resource-manager call of the request (ended when the request completes). */
  resourceManagerCall: Subscription | undefined = undefined;
  /** @internal Place in the queue's request-id index (see LazyKeyIndex). */
  indexState: 0 | 1 | 2 = 0;
  /** @internal */ indexPrev: PendingRequest | undefined = undefined;
  /** @internal */ indexNext: PendingRequest | undefined = undefined;

  constructor(
    /** The pool-level request this slot is for. */
    readonly requestId: SlotRequestId,
    /** What the slot must offer. */
    readonly profile: ResourceProfile,
    /** Scheduler time the request was made. */
    readonly createdAt = 0,
  ) {}

  /** Completes with the slot, or fails. */
  get result(): Completable<AllocatedSlot> {
    let cell = this.resultCell;
    if (cell === undefined) {
      if (this.servedWith !== undefined) cell = Completable.resolved(this.servedWith);
      else if (this.failedWith !== undefined) cell = Completable.rejected(this.failedWith);
      else cell = new PendingRequestResult(this);
      this.resultCell = cell;
    }
    return cell;
  }

  /** @internal True once served or failed (without making the `result` Completable). */
  get isDone(): boolean {
    return this.servedWith !== undefined || this.failedWith !== undefined || this.resultCell?.isDone === true;
  }

  /**
   * @internal Serves the request with `slot`, like `result.complete(slot)`.
   * @returns false (changing nothing) if it was already completed.
   */
  complete(slot: AllocatedSlot): boolean {
    if (this.resultCell !== undefined) return this.resultCell.complete(slot);
    if (this.isDone) return false;
    this.servedWith = slot;
    this.notifyObserver();
    return true;
  }

  /**
   * @internal Fails the request with `error`, like `result.fail(error)`.
   * @returns false (changing nothing) if it was already completed.
   */
  fail(error: Error): boolean {
    if (this.resultCell !== undefined) return this.resultCell.fail(error);
    if (this.isDone) return false;
    this.failedWith = error;
    this.notifyObserver();
    return true;
  }

  /** @internal Records how the `result` Completable completed (whoever completed it). */
  settledBy(slot: AllocatedSlot | undefined, error: Error | undefined): void {
    if (error === undefined) this.servedWith = slot;
    else this.failedWith = error;
    this.observer?.requestSettled(this);
  }

  /** Cancels the timer of the current phase. */
  cancelPhaseTimer(): void {
    this.phaseTimer?.unsubscribe();
    this.phaseTimer = undefined;
  }

  /** Cancels every timer and subscription of this request. */
  cancelTimers(): void {
    this.cancelPhaseTimer();
    this.lifetime?.unsubscribe();
    this.lifetime = undefined;
  }

  private notifyObserver(): void {
    try {
      this.observer?.requestSettled(this);
    } catch (error) {
      reportListenerError(error);
    }
  }
}

/**
 * A FIFO of {@link PendingRequest}s, by request id and by allocation id, bucketed by profile so a
 * returned or offered slot finds the oldest request it can serve without scanning every request.
 * The pool keeps two: requests sent to the resource manager and requests stashed while it is away.
 * Joining and leaving the queue hashes nothing unless the request has an allocation id: the
 * request-id index is a {@link LazyKeyIndex}.
 *
 * @example
 * ```ts
 * const q = new PendingRequests();
 * q.add(req);
 * const served = q.pollMatching(slot.profile); // oldest request this slot satisfies
 * ```
 */
export class PendingRequests {
  private readonly byRequestId = new LazyKeyIndex<SlotRequestId, PendingRequest>((r) => r.requestId);
  private readonly byAllocationId = new Map<AllocationId, PendingRequest>();
  private readonly buckets = new ProfileBuckets<PendingRequest>("required");

  /** Number of requests. */
  get size(): number {
    return this.byRequestId.size;
  }

  /**
   * Appends a request (indexed by its allocation id too, if it has one).
   *
   * @throws IllegalStateError if the request id or allocation id is already queued.
   * @example
   * ```ts
   * q.add(req);
   * ```
   */
  add(request: PendingRequest): void {
    if (this.byRequestId.has(request.requestId)) {
      throw new IllegalStateError(`request ${request.requestId} is already pending`);
    }
    this.addFresh(request);
  }

  /**
   * @internal {@link add} for a request whose id the caller knows is not queued here (the pool
   * checks ids when requests are made): skips the request-id check, which would hash.
   * @throws IllegalStateError if the allocation id is already queued.
   */
  addFresh(request: PendingRequest): void {
    if (request.allocationId !== undefined) {
      if (this.byAllocationId.has(request.allocationId)) {
        throw new IllegalStateError(`allocation ${request.allocationId} is already pending`);
      }
      this.byAllocationId.set(request.allocationId, request);
    }
    // FIFO is the order requests join the queue, not the order they were constructed in.
    request.seq = ++pendingSeq;
    request.queue = this;
    this.byRequestId.add(request);
    this.buckets.add(request);
  }

  /**
   * The request with this id.
   *
   * @example
   * ```ts
   * q.get(req.requestId);
   * ```
   */
  get(requestId: SlotRequestId): PendingRequest | undefined {
    return this.byRequestId.get(requestId);
  }

  /**
   * The request sent with this allocation id.
   *
   * @example
   * ```ts
   * q.getByAllocationId(offer.allocationId);
   * ```
   */
  getByAllocationId(id: AllocationId): PendingRequest | undefined {
    return this.byAllocationId.get(id);
  }

  /**
   * Removes by request id.
   *
   * @returns the request, or undefined if it was not queued.
   * @example
   * ```ts
   * q.remove(req.requestId);
   * ```
   */
  remove(requestId: SlotRequestId): PendingRequest | undefined {
    const request = this.byRequestId.get(requestId);
    if (request === undefined) return undefined;
    this.unlink(request);
    return request;
  }

  /**
   * @internal Removes `request` itself (no lookup), if it is in this queue.
   * @returns whether it was.
   */
  take(request: PendingRequest): boolean {
    if (request.queue !== this) return false;
    this.unlink(request);
    return true;
  }

  /**
   * Removes by allocation id.
   *
   * @returns the request, or undefined.
   * @example
   * ```ts
   * q.removeByAllocationId(offer.allocationId);
   * ```
   */
  removeByAllocationId(id: AllocationId): PendingRequest | undefined {
    const request = this.byAllocationId.get(id);
    if (request === undefined) return undefined;
    this.unlink(request);
    return request;
  }

  /**
   * Removes and returns the oldest request that a slot of `offered` profile satisfies.
   * Cost: the number of distinct request profiles the slot can serve.
   *
   * @example
   * ```ts
   * const req = q.pollMatching(slot.profile);
   * ```
   */
  pollMatching(offered: ResourceProfile): PendingRequest | undefined {
    if (this.byRequestId.size === 0) return undefined;
    const request = this.buckets.oldestMatching(offered);
    if (request !== undefined) this.unlink(request);
    return request;
  }

  /**
   * The oldest request a slot of `offered` profile satisfies, without removing it.
   *
   * @example
   * ```ts
   * q.peekMatching(slot.profile);
   * ```
   */
  peekMatching(offered: ResourceProfile): PendingRequest | undefined {
    return this.buckets.oldestMatching(offered);
  }

  /**
   * Every request, oldest first.
   *
   * @example
   * ```ts
   * [...q.values()].map((r) => r.requestId);
   * ```
   */
  values(): IterableIterator<PendingRequest> {
    return this.byRequestId.values();
  }

  /**
   * Removes every request and returns them, oldest first (their results are left as they are).
   *
   * @example
   * ```ts
   * for (const r of q.clear()) r.cancelTimers();
   * ```
   */
  clear(): PendingRequest[] {
    const all = [...this.byRequestId.values()];
    this.byRequestId.clear();
    this.byAllocationId.clear();
    this.buckets.clear();
    for (const r of all) {
      r.bucketPrev = undefined;
      r.bucketNext = undefined;
      if (r.queue === this) r.queue = undefined;
    }
    return all;
  }

  /**
   * Checks that the request-id, allocation-id and profile views agree.
   *
   * @param label - names the queue in messages.
   * @example
   * ```ts
   * expect(q.checkConsistency("pending")).toEqual([]);
   * ```
   */
  checkConsistency(label: string): string[] {
    const problems: string[] = [];
    let withAllocation = 0;
    const byRequestId = this.byRequestId.hashed();
    for (const [id, r] of byRequestId) {
      if (r.requestId !== id) problems.push(`${label}: request ${r.requestId} filed under ${id}`);
      if (r.isDone) problems.push(`${label}: request ${id} is completed but still queued`);
      if (r.allocationId !== undefined) {
        withAllocation++;
        if (this.byAllocationId.get(r.allocationId) !== r) {
          problems.push(`${label}: request ${id} not reachable by its allocation id ${r.allocationId}`);
        }
      }
    }
    if (withAllocation !== this.byAllocationId.size) {
      problems.push(
        `${label}: ${this.byAllocationId.size} allocation ids for ${withAllocation} requests that have one`,
      );
    }
    let viaBuckets = 0;
    for (const bucket of this.buckets.nonEmptyBuckets()) {
      if (bucket.head?.seq !== bucket.headSeq) problems.push(`${label}: bucket ${bucket.profile} caches a stale head`);
      let prevSeq = 0;
      for (let r = bucket.head; r !== undefined; r = r.bucketNext) {
        viaBuckets++;
        if (byRequestId.get(r.requestId) !== r) problems.push(`${label}: request ${r.requestId} only in a bucket`);
        if (r.seq <= prevSeq) problems.push(`${label}: bucket ${bucket.profile} is not in FIFO order`);
        prevSeq = r.seq;
      }
    }
    if (viaBuckets !== this.byRequestId.size) {
      problems.push(`${label}: ${viaBuckets} requests in profile buckets, ${this.byRequestId.size} by id`);
    }
    return problems;
  }

  private unlink(request: PendingRequest): void {
    if (request.queue === this) request.queue = undefined;
    this.byRequestId.delete(request);
    if (request.allocationId !== undefined && this.byAllocationId.get(request.allocationId) === request) {
      this.byAllocationId.delete(request.allocationId);
    }
    this.buckets.remove(request);
  }
}

/** The result of a {@link PendingRequest}: tells the request's observer first when it completes. */
class PendingRequestResult extends Completable<AllocatedSlot> {
  constructor(private readonly request: PendingRequest) {
    super();
  }

  protected override whenSettled(slot: AllocatedSlot | undefined, error: Error | undefined): void {
    this.request.settledBy(slot, error);
  }
}
