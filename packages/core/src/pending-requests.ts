import type { Subscription } from "rxjs";
import type { AllocatedSlot } from "./allocated-slot.js";
import { Completable } from "./completable.js";
import { IllegalStateError } from "./errors.js";
import type { AllocationId, SlotRequestId } from "./ids.js";
import { type BucketEntry, ProfileBuckets } from "./profile-buckets.js";
import type { ResourceManagerGateway } from "./resource-manager-gateway.js";
import type { ResourceProfile } from "./resource-profile.js";

let pendingSeq = 0;

/**
 * A request for a new physical slot that is waiting: stashed (no resource manager) or sent to the
 * resource manager (then it has an {@link AllocationId}). Its `result` completes once, with the
 * slot or an error.
 *
 * @example
 * ```ts
 * const req = new PendingRequest(slotRequestId("r1"), ResourceProfile.UNKNOWN);
 * req.result.onSettled((o) => console.log(o.ok));
 * ```
 */
export class PendingRequest implements BucketEntry<PendingRequest> {
  /** FIFO position, set each time the request joins a queue (smaller = joined earlier). */
  seq = 0;
  /** Completes with the slot, or fails. */
  readonly result: Completable<AllocatedSlot> = new Completable<AllocatedSlot>();
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

  constructor(
    /** The pool-level request this slot is for. */
    readonly requestId: SlotRequestId,
    /** What the slot must offer. */
    readonly profile: ResourceProfile,
    /** Scheduler time the request was made. */
    readonly createdAt = 0,
  ) {}

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
}

/**
 * A FIFO of {@link PendingRequest}s, by request id and by allocation id, bucketed by profile so a
 * returned or offered slot finds the oldest request it can serve without scanning every request.
 * The pool keeps two: requests sent to the resource manager and requests stashed while it is away.
 *
 * @example
 * ```ts
 * const q = new PendingRequests();
 * q.add(req);
 * const served = q.pollMatching(slot.profile); // oldest request this slot satisfies
 * ```
 */
export class PendingRequests {
  private readonly byRequestId = new Map<SlotRequestId, PendingRequest>();
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
    if (request.allocationId !== undefined) {
      if (this.byAllocationId.has(request.allocationId)) {
        throw new IllegalStateError(`allocation ${request.allocationId} is already pending`);
      }
      this.byAllocationId.set(request.allocationId, request);
    }
    // FIFO is the order requests join the queue, not the order they were constructed in.
    request.seq = ++pendingSeq;
    this.byRequestId.set(request.requestId, request);
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
    for (const [id, r] of this.byRequestId) {
      if (r.requestId !== id) problems.push(`${label}: request ${r.requestId} filed under ${id}`);
      if (r.result.isDone) problems.push(`${label}: request ${id} is completed but still queued`);
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
      let prevSeq = 0;
      for (let r = bucket.head; r !== undefined; r = r.bucketNext) {
        viaBuckets++;
        if (this.byRequestId.get(r.requestId) !== r) problems.push(`${label}: request ${r.requestId} only in a bucket`);
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
    this.byRequestId.delete(request.requestId);
    if (request.allocationId !== undefined && this.byAllocationId.get(request.allocationId) === request) {
      this.byAllocationId.delete(request.allocationId);
    }
    this.buckets.remove(request);
  }
}
