import type { AllocatedSlot, SlotPayload } from "./allocated-slot.js";
import { Completable } from "./completable.js";
import { IllegalStateError, SlotReleasedError } from "./errors.js";
import type { SlotRequestId } from "./ids.js";
import { Locality } from "./locality.js";

/**
 * A physical slot handed to a request, with how local the choice was (`UNKNOWN` if it was queued).
 *
 * @example
 * ```ts
 * const { slot, locality } = await handle.result.promise;
 * ```
 */
export interface SlotLease {
  readonly requestId: SlotRequestId;
  readonly slot: AllocatedSlot;
  readonly locality: Locality;
}

/**
 * What {@link SlotPool.allocateSlot} returns.
 *
 * @example
 * ```ts
 * const h = pool.allocateSlot({});
 * h.released.onSettled((o) => o.ok && console.log("slot gone:", o.value.message));
 * h.release(); // give it back (or withdraw the request)
 * ```
 */
export interface SlotRequestHandle {
  /** The request's id. */
  readonly requestId: SlotRequestId;
  /** Completes with the lease, or fails (`NO_RESOURCE_AVAILABLE`, `TIMEOUT`, `SLOT_RELEASED`…). */
  readonly result: Completable<SlotLease>;
  /** Completes with the cause once the slot is released or taken away (TaskManager lost, allocation failed…). */
  readonly released: Completable<Error>;
  /** Gives the slot back, or withdraws the request if it is still waiting. Idempotent. */
  release(cause?: Error): void;
}

/**
 * What a {@link PoolSlotHandle} needs from its pool.
 *
 * @internal
 * @example
 * ```ts
 * const owner: HandleOwner = { releaseFor: (h, c) => pool.releaseFor(h, c), releaseSlot: (id, c) => pool.releaseSlot(id, c) };
 * ```
 */
export interface HandleOwner {
  /**
   * Gives back what the handle's request holds (withdraws it while it waits). `cause` undefined
   * means the holder gave none: the pool asks {@link PoolSlotHandle.holderReleaseCause} only if it
   * needs an Error (an observer, a waiting request, a payload other than the handle's).
   */
  releaseFor(handle: PoolSlotHandle, cause: Error | undefined): void;
  /** {@link SlotPool.releaseSlot}. */
  releaseSlot(requestId: SlotRequestId, cause: Error): void;
}

/**
 * The {@link SlotRequestHandle} that {@link SlotPool.allocateSlot} returns: one object per request
 * (plus a tiny payload), whose `result` and `released` Completables, lease object and default
 * release cause are only built when someone asks for them. A request that is answered at once and
 * given back with `release()` therefore allocates no Completable, no Promise and no Error — the
 * Error in particular, whose stack capture used to cost more than the whole allocate + release pair.
 *
 * @internal
 * @example
 * ```ts
 * const handle = new PoolSlotHandle(owner, requestId);
 * handle.deliver(slot, Locality.LOCAL); // the request got its slot
 * ```
 */
export class PoolSlotHandle implements SlotRequestHandle {
  /** What occupies the slot on the handle's behalf (told when the slot goes away). */
  readonly payload: SlotPayload = new HandlePayload(this);
  private slot: AllocatedSlot | undefined = undefined;
  private locality: Locality = Locality.UNKNOWN;
  private error: Error | undefined = undefined;
  private lease: SlotLease | undefined = undefined;
  private resultCell: Completable<SlotLease> | undefined = undefined;
  private ended = false;
  /** Why the slot went away; undefined with `ended` when the holder released it without a cause. */
  private endCause: Error | undefined = undefined;
  private holderCause: Error | undefined = undefined;
  private releasedCell: Completable<Error> | undefined = undefined;

  constructor(
    private readonly owner: HandleOwner | undefined,
    readonly requestId: SlotRequestId,
  ) {}

  /**
   * A handle whose request failed before it reached the pool (bad arguments): its result has
   * failed and it is released; `release()` does nothing.
   */
  static failed(requestId: SlotRequestId, error: Error): PoolSlotHandle {
    const handle = new PoolSlotHandle(undefined, requestId);
    handle.fail(error);
    return handle;
  }

  /** {@inheritDoc SlotRequestHandle.result} */
  get result(): Completable<SlotLease> {
    let cell = this.resultCell;
    if (cell === undefined) {
      if (this.slot !== undefined) cell = Completable.resolved(this.leaseNow(this.slot));
      else if (this.error !== undefined) cell = Completable.rejected(this.error);
      else cell = new HandleResult(this);
      this.resultCell = cell;
    }
    return cell;
  }

  /** {@inheritDoc SlotRequestHandle.released} */
  get released(): Completable<Error> {
    let cell = this.releasedCell;
    if (cell === undefined) {
      cell = new Completable<Error>();
      if (this.ended) cell.complete(this.endCause ?? this.holderReleaseCause());
      this.releasedCell = cell;
    }
    return cell;
  }

  /** {@inheritDoc SlotRequestHandle.release} */
  release(cause?: Error): void {
    // Once this request ended, its id may already belong to a newer request: never touch that one.
    if (this.ended || this.owner === undefined) return;
    this.owner.releaseFor(this, cause);
  }

  /**
   * The cause of a `release()` without one, made on first use (an Error per release would cost
   * its stack capture, microseconds, even when nobody looks at it).
   */
  holderReleaseCause(): Error {
    if (this.holderCause === undefined) {
      this.holderCause = new SlotReleasedError(`Slot of request ${this.requestId} was released by its holder.`);
    }
    return this.holderCause;
  }

  /** The slot this handle's request was given, if any (it may have been taken away since). */
  heldSlot(): AllocatedSlot | undefined {
    return this.slot;
  }

  /** The request got `slot`: occupy it and complete the result. */
  deliver(slot: AllocatedSlot, locality: Locality): void {
    if (!slot.tryAssignPayload(this.payload)) {
      const error = new IllegalStateError(`Could not assign payload to allocated slot ${slot}.`);
      this.owner?.releaseSlot(this.requestId, error);
      this.fail(error);
      return;
    }
    if (this.isResultDone()) return;
    this.slot = slot;
    this.locality = locality;
    this.resultCell?.complete(this.leaseNow(slot));
  }

  /** The request failed: a failed request never had a slot, so `released` completes too. */
  fail(error: Error): void {
    if (this.isResultDone()) return;
    this.error = error;
    this.resultCell?.fail(error);
    this.end(error);
  }

  /** The slot is gone (or never came); `cause` undefined: released by the holder without a cause. */
  end(cause: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.endCause = cause;
    this.releasedCell?.complete(cause ?? this.holderReleaseCause());
  }

  private isResultDone(): boolean {
    return this.slot !== undefined || this.error !== undefined || this.resultCell?.isDone === true;
  }

  private leaseNow(slot: AllocatedSlot): SlotLease {
    if (this.lease === undefined) this.lease = { requestId: this.requestId, slot, locality: this.locality };
    return this.lease;
  }

  /** The result completed; if the holder failed it itself, the request it still has in the pool is withdrawn. */
  resultSettled(error: Error | undefined): void {
    if (error === undefined || this.error !== undefined) return; // fulfilled, or failed by the pool (already handled)
    this.error = error;
    this.end(error);
    this.owner?.releaseSlot(this.requestId, error);
  }
}

/** The payload a {@link PoolSlotHandle} puts on its slot: tells the handle when the slot goes. */
class HandlePayload implements SlotPayload {
  constructor(private readonly handle: PoolSlotHandle) {}

  release(cause: Error): void {
    this.handle.end(cause);
  }
}

/** The result of a {@link PoolSlotHandle} made while the request still waits: tells the handle how it completed. */
class HandleResult extends Completable<SlotLease> {
  constructor(private readonly handle: PoolSlotHandle) {
    super();
  }

  protected override whenSettled(_lease: SlotLease | undefined, error: Error | undefined): void {
    this.handle.resultSettled(error);
  }
}
