import { asyncScheduler, type Observable, type SchedulerLike, Subject, type Subscription } from "rxjs";
import { AllocatedSlot } from "./allocated-slot.js";
import { AllocatedSlots } from "./allocated-slots.js";
import { AvailableSlots } from "./available-slots.js";
import { Completable, reportListenerError } from "./completable.js";
import {
  IllegalStateError,
  InvalidArgumentError,
  NoResourceAvailableError,
  PoolNotStartedError,
  PoolSuspendedError,
  SlotReleasedError,
  SlotRequestTimeoutError,
  TaskManagerLostError,
} from "./errors.js";
import {
  type AllocationId,
  type IdGenerator,
  type JobMasterId,
  type ResourceId,
  type SlotRequestId,
  sequentialIds,
} from "./ids.js";
import { Locality } from "./locality.js";
import { PendingRequest, type PendingRequestObserver, PendingRequests } from "./pending-requests.js";
import type { NewSlotRequestOptions, PhysicalSlotProvider } from "./physical-slot-provider.js";
import type { OfferRejectionReason, SlotPoolEvent } from "./pool-events.js";
import type { ResourceManagerGateway, SlotOffer, TaskExecutorGateway } from "./resource-manager-gateway.js";
import { ResourceProfile, type ResourceSpec } from "./resource-profile.js";
import { SlotDirectory } from "./slot-directory.js";
import { type HandleOwner, PoolSlotHandle, type SlotRequestHandle } from "./slot-request-handle.js";
import { localityFirstStrategy, type SlotSelection, type SlotSelectionStrategy } from "./slot-selection-strategy.js";
import { checkPreferredLocations, type TaskManagerLocation } from "./task-manager-location.js";

/**
 * The pool's timeouts, in scheduler milliseconds. `Infinity` disables one.
 *
 * @example
 * ```ts
 * new SlotPool({ timeouts: { slotRequestMs: 60_000, idleSlotMs: Infinity } });
 * ```
 */
export interface SlotPoolTimeouts {
  /** A queued request's own timeout (FLINK-8653: the pool fails and removes it). Default 300 000 (5 min). */
  readonly slotRequestMs: number;
  /** RPC timeout of a resource-manager request, and how long a request may wait for a resource manager. Default 10 000. */
  readonly resourceManagerRequestMs: number;
  /** After the resource manager acknowledged a request: how long until the slot must be offered. Default 600 000 (10 min). */
  readonly resourceManagerAllocationMs: number;
  /** A free slot unused this long is freed back to its TaskExecutor (FLINK-7871). Default 50 000. */
  readonly idleSlotMs: number;
}

/**
 * The default {@link SlotPoolTimeouts} (Flink's defaults).
 *
 * @example
 * ```ts
 * DEFAULT_TIMEOUTS.slotRequestMs; // 300000
 * ```
 */
export const DEFAULT_TIMEOUTS: SlotPoolTimeouts = Object.freeze({
  slotRequestMs: 300_000,
  resourceManagerRequestMs: 10_000,
  resourceManagerAllocationMs: 600_000,
  idleSlotMs: 50_000,
});

/**
 * Options of {@link SlotPool}.
 *
 * @example
 * ```ts
 * const pool = new SlotPool({ jobId: "wordcount", scheduler: new VirtualTimeScheduler() });
 * ```
 */
export interface SlotPoolOptions {
  /** The job the pool serves; sent with every resource-manager request. Default `"job"`. */
  readonly jobId?: string;
  /** Runs every timer; default rxjs `asyncScheduler`. Use a `VirtualTimeScheduler` for repeatable runs. */
  readonly scheduler?: SchedulerLike;
  /** Overrides of {@link DEFAULT_TIMEOUTS}. */
  readonly timeouts?: Partial<SlotPoolTimeouts>;
  /** How a free slot is chosen; default {@link localityFirstStrategy}. */
  readonly slotSelectionStrategy?: SlotSelectionStrategy;
  /** Makes request and allocation ids; default {@link sequentialIds}. */
  readonly ids?: IdGenerator;
}

/**
 * A request for one physical slot, for a task that does not share slots (Flink §2.5 A).
 *
 * @example
 * ```ts
 * pool.allocateSlot({ profile: { cpu: 1, memoryMb: 512 }, preferredLocations: [loc], queued: true });
 * ```
 */
export interface SlotAllocationRequest {
  /** The request id; default a fresh one from the pool. Must not be in use. */
  readonly requestId?: SlotRequestId;
  /** What the slot must offer; default UNKNOWN (any slot). */
  readonly profile?: ResourceProfile | ResourceSpec;
  /** Preferred locations, most preferred first. */
  readonly preferredLocations?: readonly TaskManagerLocation[];
  /** May the request wait for a slot (default true)? If false it fails at once when no free slot matches. */
  readonly queued?: boolean;
  /** The request's own timeout while queued; default the pool's `slotRequestMs`. */
  readonly timeoutMs?: number;
}

/**
 * A read-only look inside the pool, for invariant checks, explanations and tests.
 *
 * @example
 * ```ts
 * const { available, pending } = pool.inspect();
 * console.log(available.size, pending.size);
 * ```
 */
export interface SlotPoolState {
  readonly started: boolean;
  readonly jobMasterId: JobMasterId | undefined;
  readonly resourceManagerConnected: boolean;
  readonly registeredTaskManagers: ReadonlySet<ResourceId>;
  readonly available: Omit<AvailableSlots, "add" | "tryRemove" | "take" | "removeAllForTaskManager" | "clear">;
  readonly allocated: Omit<
    AllocatedSlots,
    "add" | "addFresh" | "take" | "remove" | "removeByRequestId" | "removeSlotsForTaskManager" | "clear"
  >;
  /** Requests sent to the resource manager. */
  readonly pending: Omit<
    PendingRequests,
    "add" | "addFresh" | "take" | "remove" | "removeByAllocationId" | "pollMatching" | "clear"
  >;
  /** Requests stashed while no resource manager is connected. */
  readonly waitingForResourceManager: Omit<
    PendingRequests,
    "add" | "addFresh" | "take" | "remove" | "removeByAllocationId" | "pollMatching" | "clear"
  >;
  readonly slotSelectionStrategy: SlotSelectionStrategy;
  readonly timeouts: SlotPoolTimeouts;
}

/**
 * The physical slot pool: Apache Flink's `SlotPool` (FLINK-7956) as a synchronous TypeScript state
 * machine. It holds the slots TaskExecutors offered, hands them to requests (at once, or queued
 * until a slot arrives), asks a resource manager for new slots, and times out what waits too long.
 * Every operation runs to completion and leaves the indexes consistent; results complete
 * synchronously inside the operation that decides them; every timer runs on the injected scheduler.
 *
 * Deliberate improvements over the Dec-2017 code (each tested):
 * - a request served by another slot withdraws its own resource-manager request (FLINK-8934);
 * - slots free for longer than `idleSlotMs` are freed back to their TaskExecutor (FLINK-7871);
 * - a queued request's own timeout fails and removes it inside the pool (FLINK-8653);
 * - a known allocation id offered from another TaskManager or slot index is rejected;
 * - an offer for a pending allocation whose profile does not match that request serves others instead;
 * - `suspend()` fails requests sent to the resource manager and tells slot payloads with
 *   `POOL_SUSPENDED` instead of leaving them pending forever.
 *
 * @example
 * ```ts
 * const pool = new SlotPool({ scheduler });
 * pool.start(jobMasterId("jm-1"));
 * pool.connectToResourceManager(rm);
 * pool.registerTaskManager(tm.resourceId);
 * pool.offerSlots(tm, gateway, [{ allocationId: allocationId("a1"), slotIndex: 0, profile }]);
 * const handle = pool.allocateSlot({ preferredLocations: [tm] });
 * handle.result.onSettled((o) => o.ok && console.log(o.value.locality)); // LOCAL
 * ```
 */
export class SlotPool implements PhysicalSlotProvider {
  /** The scheduler every timer runs on. */
  readonly scheduler: SchedulerLike;
  /** The job id sent with resource-manager requests. */
  readonly jobId: string;
  /** The effective timeouts. */
  readonly timeouts: SlotPoolTimeouts;
  /** The slot selection strategy in use. */
  readonly slotSelectionStrategy: SlotSelectionStrategy;

  private readonly ids: IdGenerator;
  /** Every slot the pool knows (free or allocated), shared by the two slot indexes. */
  private readonly directory = new SlotDirectory();
  private readonly available = new AvailableSlots(this.directory);
  private readonly allocated = new AllocatedSlots(this.directory);
  private readonly pending = new PendingRequests();
  private readonly waiting = new PendingRequests();
  private readonly registered = new Set<ResourceId>();
  private readonly events = new Subject<SlotPoolEvent>();
  private token: JobMasterId | undefined;
  private resourceManager: ResourceManagerGateway | undefined;
  private idleTimer: Subscription | undefined;
  /**
   * Set once a caller brings its own request id (to `allocateSlot`, `allocateAvailableSlot` or
   * `requestNewAllocatedSlot`). Until then every id in use came from the generator, which never
   * repeats one, so fresh ids need no "in use" check.
   */
  private callerChoseIds = false;
  /** Told first when one of the pool's requests completes. */
  private readonly requestObserver: PendingRequestObserver = {
    requestSettled: (request) => this.requestSettled(request),
  };
  /** What the handles of `allocateSlot` call back into. */
  private readonly handleOwner: HandleOwner = {
    releaseFor: (handle, cause) => this.releaseFor(handle, cause),
    releaseSlot: (requestId, cause) => this.releaseSlot(requestId, cause),
  };

  /**
   * Typed stream of everything the pool decides. Hot; completes never.
   *
   * @example
   * ```ts
   * pool.events$.subscribe((e) => log.push(e));
   * ```
   */
  readonly events$: Observable<SlotPoolEvent> = this.events.asObservable();

  constructor(options: SlotPoolOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.jobId = options.jobId ?? "job";
    this.ids = options.ids ?? sequentialIds();
    this.slotSelectionStrategy = options.slotSelectionStrategy ?? localityFirstStrategy;
    const t = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    for (const key of Object.keys(DEFAULT_TIMEOUTS) as (keyof SlotPoolTimeouts)[]) {
      checkDuration(t[key], `timeouts.${key}`);
    }
    this.timeouts = Object.freeze(t);
  }

  // ---------------------------------------------------------------- lifecycle

  /** True between {@link start} and {@link suspend}. */
  get isStarted(): boolean {
    return this.token !== undefined;
  }

  /** The fencing token of the current leadership term, or undefined when not started. */
  get jobMasterId(): JobMasterId | undefined {
    return this.token;
  }

  /** True while a resource manager is connected. */
  get isResourceManagerConnected(): boolean {
    return this.resourceManager !== undefined;
  }

  /**
   * Starts a leadership term with fencing token `jobMasterId`.
   *
   * @throws IllegalStateError if already started (suspend first).
   * @example
   * ```ts
   * pool.start(jobMasterId("jm-1"));
   * ```
   */
  start(jobMasterId: JobMasterId): void {
    if (typeof jobMasterId !== "string" || jobMasterId.length === 0) {
      throw new InvalidArgumentError("jobMasterId", "a non-empty string", jobMasterId);
    }
    if (this.token !== undefined) throw new IllegalStateError(`the slot pool is already started as ${this.token}`);
    this.token = jobMasterId;
    this.emit(() => ({ type: "started", atMs: this.now(), jobMasterId }));
  }

  /**
   * Ends the leadership term: forgets the resource manager, the free and allocated slots (the
   * TaskExecutors re-offer them to the next leader) and the requests sent to the resource manager.
   * Unlike Dec-2017 Flink, the requests sent are failed and slot payloads told, both with
   * `POOL_SUSPENDED`, so nothing waits forever. Stashed requests stay (and time out as usual);
   * registered TaskManagers stay registered.
   *
   * @example
   * ```ts
   * pool.suspend();
   * pool.start(jobMasterId("jm-2"));
   * ```
   */
  suspend(): void {
    if (this.token === undefined) return;
    this.token = undefined;
    this.resourceManager = undefined;
    this.idleTimer?.unsubscribe();
    this.idleTimer = undefined;
    this.available.clear();
    const slots = [...this.allocated.entries()].map(([, slot]) => slot);
    this.allocated.clear();
    this.directory.clear();
    const sent = this.pending.clear();
    const cause = new PoolSuspendedError("The slot pool was suspended (leadership lost).");
    for (const request of sent) this.failRequest(request, cause);
    for (const slot of slots) slot.releasePayload(cause);
    this.emit(() => ({ type: "suspended", atMs: this.now() }));
  }

  // ---------------------------------------------------------------- resource manager

  /**
   * Connects a resource manager and sends it every stashed request, oldest first.
   *
   * @throws PoolNotStartedError when not started.
   * @example
   * ```ts
   * pool.connectToResourceManager(rm);
   * ```
   */
  connectToResourceManager(gateway: ResourceManagerGateway): void {
    this.requireStarted();
    this.resourceManager = gateway;
    this.emit(() => ({ type: "resourceManagerConnected", atMs: this.now() }));
    for (const request of this.waiting.clear()) {
      request.cancelPhaseTimer();
      this.sendToResourceManager(request, gateway);
    }
  }

  /**
   * Forgets the resource manager. Requests already sent stay pending (an offer or a timeout ends
   * them); new requests are stashed until a resource manager connects.
   *
   * @example
   * ```ts
   * pool.disconnectResourceManager();
   * ```
   */
  disconnectResourceManager(): void {
    if (this.resourceManager === undefined) return;
    this.resourceManager = undefined;
    this.emit(() => ({ type: "resourceManagerDisconnected", atMs: this.now() }));
  }

  // ---------------------------------------------------------------- task managers

  /**
   * Registers a TaskManager, so its offers are accepted.
   *
   * @returns true when newly registered.
   * @example
   * ```ts
   * pool.registerTaskManager(resourceId("tm-1"));
   * ```
   */
  registerTaskManager(id: ResourceId): boolean {
    if (typeof id !== "string" || id.length === 0)
      throw new InvalidArgumentError("resourceId", "a non-empty string", id);
    if (this.registered.has(id)) return false;
    this.registered.add(id);
    const record = this.directory.taskManager(id);
    if (record !== undefined) record.retired = false;
    this.emit(() => ({ type: "taskManagerRegistered", atMs: this.now(), resourceId: id }));
    return true;
  }

  /**
   * Unregisters a TaskManager: its free slots are dropped and its allocated slots are removed and
   * their payloads released with `cause` (default `TASK_MANAGER_LOST`). The slots are not reused.
   * Cost: that TaskManager's slots. Unknown TaskManagers are ignored.
   *
   * @returns true when it was registered.
   * @example
   * ```ts
   * pool.releaseTaskManager(tm, new TaskManagerLostError("heartbeat timeout"));
   * ```
   */
  releaseTaskManager(id: ResourceId, cause?: Error): boolean {
    if (!this.registered.delete(id)) return false;
    const reason = cause ?? new TaskManagerLostError(`TaskManager ${id} was released.`);
    for (const slot of this.available.removeAllForTaskManager(id)) this.directory.forget(slot);
    const slots = this.allocated.removeSlotsForTaskManager(id);
    for (const slot of slots) this.directory.forget(slot);
    // Left only if one of its slots is being handed back right now: that one must not return.
    const record = this.directory.taskManager(id);
    if (record !== undefined) record.retired = true;
    this.emit(() => ({ type: "taskManagerReleased", atMs: this.now(), resourceId: id, cause: reason }));
    for (const slot of slots) slot.releasePayload(reason);
    return true;
  }

  /**
   * Whether a TaskManager is registered.
   *
   * @example
   * ```ts
   * pool.isTaskManagerRegistered(tm);
   * ```
   */
  isTaskManagerRegistered(id: ResourceId): boolean {
    return this.registered.has(id);
  }

  // ---------------------------------------------------------------- allocation

  /** {@inheritDoc PhysicalSlotProvider.nextSlotRequestId} */
  nextSlotRequestId(): SlotRequestId {
    let id = this.ids.nextSlotRequestId();
    // Skips ids a caller already chose for a request of its own (they share one namespace).
    if (!this.callerChoseIds) return id;
    for (let i = 0; i < MAX_ID_RETRIES && this.isRequestIdInUse(id); i++) id = this.ids.nextSlotRequestId();
    return id;
  }

  /**
   * Allocates one physical slot for a task that does not share slots (Flink §2.5 A): a matching
   * free slot now (by the selection strategy, with its locality), else — if queued — a new slot
   * from a returned slot or the resource manager (locality `UNKNOWN`), else `NO_RESOURCE_AVAILABLE`.
   * The pool occupies the slot with a payload that completes `handle.released` when the slot goes.
   *
   * Bad arguments (a malformed profile, a request id in use, a negative timeout) give a handle
   * whose result has already failed with `INVALID_ARGUMENT`; nothing changes in the pool.
   *
   * @example
   * ```ts
   * const h = pool.allocateSlot({ profile: { cpu: 1, memoryMb: 512 }, preferredLocations: [loc] });
   * const lease = await h.result.promise;
   * ```
   */
  allocateSlot(request: SlotAllocationRequest = {}): SlotRequestHandle {
    let requestId: SlotRequestId;
    let profile: ResourceProfile;
    let preferences: readonly TaskManagerLocation[];
    let timeoutMs: number;
    try {
      const chosen = request.requestId;
      if (chosen !== undefined) this.callerChoseIds = true;
      requestId = chosen ?? this.nextSlotRequestId();
      profile = ResourceProfile.of(request.profile);
      preferences = checkPreferredLocations(request.preferredLocations);
      timeoutMs =
        request.timeoutMs === undefined ? this.timeouts.slotRequestMs : checkDuration(request.timeoutMs, "timeoutMs");
      // A generated id is fresh by construction (nextSlotRequestId skips ids callers chose).
      if (chosen !== undefined && this.isRequestIdInUse(chosen)) {
        throw new InvalidArgumentError("requestId", "an id not in use by another request", chosen);
      }
    } catch (error) {
      // Like every failed request, the handle's `released` completes too (it never held a slot).
      return PoolSlotHandle.failed(request.requestId ?? ("invalid" as SlotRequestId), error as Error);
    }
    const handle = new PoolSlotHandle(this.handleOwner, requestId);
    if (!this.isStarted) {
      handle.fail(new PoolNotStartedError(`Cannot allocate a slot for ${requestId}: the slot pool is not started.`));
      return handle;
    }
    const selection = this.takeAvailableSlot(requestId, profile, preferences, false);
    if (selection !== undefined) {
      handle.deliver(selection.slot, selection.locality);
    } else if (request.queued ?? true) {
      this.enqueueRequest(requestId, profile, timeoutMs, handle);
    } else {
      handle.fail(new NoResourceAvailableError(`Could not allocate a simple slot for ${requestId}.`));
    }
    return handle;
  }

  /** {@inheritDoc PhysicalSlotProvider.allocateAvailableSlot} */
  allocateAvailableSlot(
    requestId: SlotRequestId,
    profile: ResourceProfile,
    preferences: readonly TaskManagerLocation[],
  ): SlotSelection | undefined {
    this.callerChoseIds = true;
    return this.takeAvailableSlot(requestId, profile, preferences, true);
  }

  /** {@inheritDoc PhysicalSlotProvider.requestNewAllocatedSlot} */
  requestNewAllocatedSlot(
    requestId: SlotRequestId,
    profile: ResourceProfile,
    options: NewSlotRequestOptions = {},
  ): Completable<AllocatedSlot> {
    this.callerChoseIds = true;
    if (!this.isStarted) {
      return Completable.rejected(
        new PoolNotStartedError(`Cannot request a slot for ${requestId}: the slot pool is not started.`),
      );
    }
    if (this.isRequestIdInUse(requestId)) {
      return Completable.rejected(
        new InvalidArgumentError("requestId", "an id not in use by another request", requestId),
      );
    }
    let timeoutMs: number;
    try {
      timeoutMs =
        options.timeoutMs === undefined ? this.timeouts.slotRequestMs : checkDuration(options.timeoutMs, "timeoutMs");
    } catch (error) {
      return Completable.rejected(error as Error);
    }
    return this.enqueueRequest(requestId, profile, timeoutMs, undefined).result;
  }

  /**
   * Flink §2.8 (no sharing group): withdraws the pending request `requestId` (failing it with
   * `SLOT_RELEASED`, which also cancels it at the resource manager), or removes the slot it holds,
   * releases the slot's payload with `cause`, and hands the slot to the oldest waiting request it
   * matches or makes it free. Unknown ids are ignored.
   *
   * @example
   * ```ts
   * pool.releaseSlot(handle.requestId, new SlotReleasedError("task finished"));
   * ```
   */
  releaseSlot(requestId: SlotRequestId, cause: Error): void {
    // A request id is either allocated or waiting, never both: look where it usually is first.
    const slot = this.allocated.removeByRequestId(requestId);
    if (slot === undefined) this.withdrawRequest(requestId, cause);
    else this.returnSlot(slot, requestId, cause, undefined);
  }

  // ---------------------------------------------------------------- offers

  /**
   * Flink §2.9: accepts one slot a TaskExecutor offers. It goes to the pending request sent with
   * its allocation id (when the profile matches), else to the oldest waiting request it matches,
   * else it becomes free. A repeated offer of a known slot is accepted and changes nothing.
   *
   * @returns false when rejected: pool not started, TaskManager not registered, the allocation id
   *   already known from another TaskManager or slot index, or a malformed offer.
   * @example
   * ```ts
   * pool.offerSlot(location, gateway, { allocationId, slotIndex: 0, profile });
   * ```
   */
  offerSlot(location: TaskManagerLocation, gateway: TaskExecutorGateway, offer: SlotOffer): boolean {
    const reason = this.tryOffer(location, gateway, offer);
    if (reason === undefined) return true;
    this.emit(() => ({
      type: "offerRejected",
      atMs: this.now(),
      allocationId: offer?.allocationId,
      resourceId: location?.resourceId,
      reason,
    }));
    return false;
  }

  /**
   * Offers several slots of one TaskExecutor, in order.
   *
   * @returns the accepted offers, in the original order.
   * @example
   * ```ts
   * const accepted = pool.offerSlots(location, gateway, offers);
   * ```
   */
  offerSlots(location: TaskManagerLocation, gateway: TaskExecutorGateway, offers: readonly SlotOffer[]): SlotOffer[] {
    const accepted: SlotOffer[] = [];
    if (!Array.isArray(offers)) return accepted;
    for (const offer of offers) if (this.offerSlot(location, gateway, offer)) accepted.push(offer);
    return accepted;
  }

  /**
   * Flink §2.12: an allocation failed. A pending request with that allocation id fails with
   * `cause` (and is cancelled at the resource manager); a free slot with it is dropped; an allocated
   * one is dropped and its payload released with `cause`. Unknown ids are ignored.
   *
   * @example
   * ```ts
   * pool.failAllocation(id, new AllocationFailedError("TaskExecutor refused the slot"));
   * ```
   */
  failAllocation(id: AllocationId, cause: Error): void {
    const request = this.pending.removeByAllocationId(id);
    if (request !== undefined) {
      this.failRequest(request, cause);
      return;
    }
    const free = this.available.tryRemove(id);
    if (free !== undefined) {
      this.directory.forget(free);
      this.emit(() => ({ type: "slotDropped", atMs: this.now(), allocationId: id, cause }));
      return;
    }
    const slot = this.allocated.remove(id);
    if (slot !== undefined) {
      this.directory.forget(slot);
      this.emit(() => ({ type: "slotDropped", atMs: this.now(), allocationId: id, cause }));
      slot.releasePayload(cause);
    }
  }

  // ---------------------------------------------------------------- inspection

  /**
   * A read-only look inside (indexes, queues, registrations), e.g. for {@link checkSlotPoolInvariants}.
   *
   * @example
   * ```ts
   * pool.inspect().available.size;
   * ```
   */
  inspect(): SlotPoolState {
    return {
      started: this.isStarted,
      jobMasterId: this.token,
      resourceManagerConnected: this.resourceManager !== undefined,
      registeredTaskManagers: this.registered,
      available: this.available,
      allocated: this.allocated,
      pending: this.pending,
      waitingForResourceManager: this.waiting,
      slotSelectionStrategy: this.slotSelectionStrategy,
      timeouts: this.timeouts,
    };
  }

  // ---------------------------------------------------------------- internals

  /** The one place a request for a new slot is made (the caller has checked the pool is started and the id is free). */
  private enqueueRequest(
    requestId: SlotRequestId,
    profile: ResourceProfile,
    timeoutMs: number,
    handle: PoolSlotHandle | undefined,
  ): PendingRequest {
    const request = new PendingRequest(requestId, profile, this.now());
    request.observer = this.requestObserver;
    request.handle = handle;
    if (timeoutMs !== Number.POSITIVE_INFINITY) {
      request.lifetime = this.scheduler.schedule(() => {
        if (this.removeRequest(request)) {
          this.failRequest(
            request,
            new SlotRequestTimeoutError(`Slot request ${requestId} timed out after ${timeoutMs} ms.`),
          );
        }
      }, timeoutMs);
    }
    const rm = this.resourceManager;
    if (rm === undefined) this.stash(request);
    else this.sendToResourceManager(request, rm);
    return request;
  }

  /**
   * A request completed: served, failed, or completed by whoever holds its result. Runs before the
   * result's listeners (see PendingRequestObserver): the bookkeeping first, then the waiting
   * `allocateSlot` handle, if any.
   */
  private requestSettled(request: PendingRequest): void {
    const error = request.failedWith;
    try {
      request.cancelTimers();
      // The pool removes a request before completing it; one completed by its caller leaves the queue here.
      this.removeRequest(request);
      if (error !== undefined) {
        const requestId = request.requestId;
        this.emit(() => ({ type: "requestFailed", atMs: this.now(), requestId, error }));
        this.cancelAtResourceManager(request);
      }
    } catch (thrown) {
      reportListenerError(thrown);
    }
    request.resourceManagerCall?.unsubscribe();
    request.resourceManagerCall = undefined;
    const handle = request.handle;
    if (handle !== undefined) {
      request.handle = undefined;
      const slot = request.servedWith;
      if (slot !== undefined) handle.deliver(slot, Locality.UNKNOWN);
      else if (error !== undefined) handle.fail(error);
    }
  }

  /**
   * Flink §2.5 A's "take a free slot": the strategy's choice, registered as allocated to
   * `requestId`. `checkId`: the id comes from a caller of the provider interface and may already
   * hold a slot (else it is fresh, or `allocateSlot` checked it).
   */
  private takeAvailableSlot(
    requestId: SlotRequestId,
    profile: ResourceProfile,
    preferences: readonly TaskManagerLocation[],
    checkId: boolean,
  ): SlotSelection | undefined {
    if (!this.isStarted || this.available.size === 0) return undefined;
    const selection = this.slotSelectionStrategy.select(this.available, profile, preferences);
    if (selection === undefined) return undefined;
    const slot = selection.slot;
    if (checkId && this.allocated.getByRequestId(requestId) !== undefined) {
      throw new IllegalStateError(`request ${requestId} already holds a slot`);
    }
    if (!slot.profile.isMatching(profile) || !this.available.take(slot)) {
      throw new IllegalStateError(
        `slot selection strategy "${this.slotSelectionStrategy.name}" returned ${slot}, which is not a matching free slot`,
      );
    }
    this.allocated.addFresh(requestId, slot);
    if (this.events.observed) {
      this.events.next({
        type: "slotAllocated",
        atMs: this.now(),
        requestId,
        allocationId: slot.allocationId,
        resourceId: slot.location.resourceId,
        locality: selection.locality,
      });
    }
    return selection;
  }

  /** `handle.release(cause)`: like {@link releaseSlot}, but without a cause the Error is only made if needed. */
  private releaseFor(handle: PoolSlotHandle, cause: Error | undefined): void {
    const requestId = handle.requestId;
    // Usually the handle still holds its slot: remove it by reference, without a request-id lookup.
    const held = handle.heldSlot();
    const slot =
      held !== undefined && held.holder === requestId && this.allocated.take(held)
        ? held
        : this.allocated.removeByRequestId(requestId);
    if (slot === undefined) this.withdrawRequest(requestId, cause ?? handle.holderReleaseCause());
    else this.returnSlot(slot, requestId, cause, handle);
  }

  /** Withdraws a waiting request, failing it with `SLOT_RELEASED` (which also cancels it at the resource manager). */
  private withdrawRequest(requestId: SlotRequestId, cause: Error): void {
    const request = this.waiting.remove(requestId) ?? this.pending.remove(requestId);
    if (request !== undefined) {
      this.failRequest(
        request,
        new SlotReleasedError(`Pending slot request with ${requestId} has been released.`, { cause }),
      );
    }
  }

  /**
   * The second half of {@link releaseSlot}: `slot` was just removed from the allocated slots. Its
   * payload is told (with `cause`; undefined only for a `handle` released without one), then the
   * slot serves the oldest waiting request it matches or becomes free, unless the payload's
   * reaction took it out of the pool (TaskManager released, pool suspended, id taken over).
   */
  private returnSlot(
    slot: AllocatedSlot,
    requestId: SlotRequestId,
    cause: Error | undefined,
    handle: PoolSlotHandle | undefined,
  ): void {
    if (this.events.observed) {
      this.events.next({
        type: "slotReleased",
        atMs: this.now(),
        requestId,
        allocationId: slot.allocationId,
        cause: cause ?? (handle as PoolSlotHandle).holderReleaseCause(),
      });
    }
    slot.seq = RETURNING;
    if (cause === undefined && handle !== undefined && slot.payload === handle.payload) {
      slot.clearPayload();
      handle.end(undefined);
    } else {
      slot.releasePayload(cause ?? (handle as PoolSlotHandle).holderReleaseCause());
    }
    // The payload may have re-entered the pool: only a slot it did not account for is returned.
    const home = slot.home;
    const stillOurs = home !== undefined && slot.seq === RETURNING && slot.holder === undefined;
    if (slot.seq === RETURNING) slot.seq = 0;
    // `retired`: the TaskManager was released meanwhile (it mirrors `registered`, without a lookup).
    if (stillOurs && this.isStarted && !home.retired) {
      this.fulfilRequestOrMakeAvailable(slot);
    } else {
      this.directory.forget(slot);
    }
  }

  private tryOffer(
    location: TaskManagerLocation,
    gateway: TaskExecutorGateway,
    offer: SlotOffer,
  ): OfferRejectionReason | undefined {
    if (!isValidOffer(location, gateway, offer)) return "INVALID_OFFER";
    if (!this.isStarted) return "POOL_NOT_STARTED";
    if (!this.registered.has(location.resourceId)) return "UNKNOWN_TASK_MANAGER";
    const id = offer.allocationId;
    const known = this.knownSlot(id);
    if (known !== undefined) {
      return known.location.resourceId === location.resourceId && known.slotIndex === offer.slotIndex
        ? undefined
        : "CONFLICTING_ALLOCATION";
    }
    const slot = new AllocatedSlot(id, location, offer.slotIndex, offer.profile, gateway);
    const request = this.pending.getByAllocationId(id);
    this.emit(() => ({
      type: "slotOffered",
      atMs: this.now(),
      allocationId: id,
      resourceId: location.resourceId,
      slotIndex: offer.slotIndex,
      requestId: request !== undefined && slot.profile.isMatching(request.profile) ? request.requestId : undefined,
    }));
    if (request !== undefined && slot.profile.isMatching(request.profile)) {
      this.pending.take(request);
      this.allocated.addFresh(request.requestId, slot);
      this.emit(() => ({
        type: "slotAllocated",
        atMs: this.now(),
        requestId: request.requestId,
        allocationId: id,
        resourceId: location.resourceId,
        locality: Locality.UNKNOWN,
      }));
      if (!request.complete(slot)) {
        this.allocated.remove(id);
        this.fulfilRequestOrMakeAvailable(slot);
      }
      return undefined;
    }
    this.fulfilRequestOrMakeAvailable(slot);
    return undefined;
  }

  /** Flink §2.10, FIFO and indexed: the oldest sent request it matches, else the oldest stashed one, else free. */
  private fulfilRequestOrMakeAvailable(slot: AllocatedSlot): void {
    const request = this.pending.pollMatching(slot.profile) ?? this.waiting.pollMatching(slot.profile);
    if (request === undefined) {
      const now = this.now();
      this.available.add(slot, now);
      if (this.events.observed) this.events.next({ type: "slotAvailable", atMs: now, allocationId: slot.allocationId });
      if (this.idleTimer === undefined) this.scheduleIdleCheck();
      return;
    }
    this.allocated.addFresh(request.requestId, slot);
    if (this.events.observed) {
      this.events.next({
        type: "slotAllocated",
        atMs: this.now(),
        requestId: request.requestId,
        allocationId: slot.allocationId,
        resourceId: slot.location.resourceId,
        locality: Locality.UNKNOWN,
      });
    }
    const served = request.complete(slot);
    // FLINK-8934: the request was served by another slot, so its own RM request is withdrawn.
    if (served && request.allocationId !== undefined && request.allocationId !== slot.allocationId) {
      this.cancelAtResourceManager(request);
    }
  }

  private stash(request: PendingRequest): void {
    this.waiting.addFresh(request);
    this.emit(() => ({ type: "requestStashed", atMs: this.now(), requestId: request.requestId }));
    const ms = this.timeouts.resourceManagerRequestMs;
    if (ms === Number.POSITIVE_INFINITY) return;
    request.phaseTimer = this.scheduler.schedule(() => {
      request.phaseTimer = undefined;
      if (this.waiting.take(request)) {
        this.failRequest(
          request,
          new NoResourceAvailableError("No slot available and no connection to Resource Manager established."),
        );
      }
    }, ms);
  }

  private sendToResourceManager(request: PendingRequest, rm: ResourceManagerGateway): void {
    // Skips ids the pool already knows: slots re-offered after a fail-over carry the previous
    // leader's ids, which a fresh generator would hand out again.
    let allocationId = this.ids.nextAllocationId();
    for (let i = 0; i < MAX_ID_RETRIES && this.isAllocationIdInUse(allocationId); i++) {
      allocationId = this.ids.nextAllocationId();
    }
    request.allocationId = allocationId;
    request.sentTo = rm;
    this.pending.addFresh(request);
    this.emit(() => ({ type: "requestSent", atMs: this.now(), requestId: request.requestId, allocationId }));
    const rmFailed = (cause: Error): void => {
      if (!this.pending.take(request)) return;
      this.failRequest(
        request,
        new NoResourceAvailableError("No pooled slot available and request to ResourceManager for new slot failed.", {
          cause,
        }),
      );
    };
    const requestMs = this.timeouts.resourceManagerRequestMs;
    if (requestMs !== Number.POSITIVE_INFINITY) {
      request.phaseTimer = this.scheduler.schedule(() => {
        request.phaseTimer = undefined;
        rmFailed(new SlotRequestTimeoutError(`The resource manager did not answer within ${requestMs} ms.`));
      }, requestMs);
    }
    let acknowledged = false;
    let call: Observable<unknown>;
    try {
      call = rm.requestSlot({
        jobMasterId: this.token as JobMasterId,
        jobId: this.jobId,
        allocationId,
        profile: request.profile,
      });
    } catch (error) {
      rmFailed(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const subscription = call.subscribe({
      next: () => {
        if (acknowledged) return;
        acknowledged = true;
        if (request.queue !== this.pending) return;
        request.cancelPhaseTimer();
        const allocationMs = this.timeouts.resourceManagerAllocationMs;
        if (allocationMs === Number.POSITIVE_INFINITY) return;
        request.phaseTimer = this.scheduler.schedule(() => {
          request.phaseTimer = undefined;
          if (!this.pending.take(request)) return;
          this.failRequest(
            request,
            new SlotRequestTimeoutError(`Slot allocation request ${allocationId} timed out after ${allocationMs} ms.`),
          );
        }, allocationMs);
      },
      error: (error: unknown) => {
        if (!acknowledged) rmFailed(error instanceof Error ? error : new Error(String(error)));
      },
    });
    if (request.isDone) subscription.unsubscribe();
    else request.resourceManagerCall = subscription;
  }

  /** Invariant 9: a request sent to the RM that fails (or is served elsewhere) is cancelled there exactly once. */
  private cancelAtResourceManager(request: PendingRequest): void {
    const rm = request.sentTo;
    const id = request.allocationId;
    if (rm === undefined || id === undefined || request.cancelledAtResourceManager) return;
    request.cancelledAtResourceManager = true;
    this.emit(() => ({ type: "resourceManagerRequestCancelled", atMs: this.now(), allocationId: id }));
    rm.cancelSlotRequest(id);
  }

  /** Removes a request from whichever queue holds it. */
  private removeRequest(request: PendingRequest): boolean {
    return this.waiting.take(request) || this.pending.take(request);
  }

  private failRequest(request: PendingRequest, error: Error): void {
    request.fail(error);
  }

  private isRequestIdInUse(id: SlotRequestId): boolean {
    return (
      this.pending.get(id) !== undefined ||
      this.waiting.get(id) !== undefined ||
      this.allocated.getByRequestId(id) !== undefined
    );
  }

  /** The free or allocated slot with this allocation id (one lookup in the shared directory). */
  private knownSlot(id: AllocationId): AllocatedSlot | undefined {
    const slot = this.directory.get(id);
    return slot !== undefined && (slot.seq > 0 || slot.holder !== undefined) ? slot : undefined;
  }

  private isAllocationIdInUse(id: AllocationId): boolean {
    return this.knownSlot(id) !== undefined || this.pending.getByAllocationId(id) !== undefined;
  }

  private scheduleIdleCheck(): void {
    const idleMs = this.timeouts.idleSlotMs;
    if (this.idleTimer !== undefined || idleMs === Number.POSITIVE_INFINITY) return;
    const oldest = this.available.oldest();
    if (oldest === undefined) return;
    const delay = Math.max(0, oldest.since + idleMs - this.now());
    this.idleTimer = this.scheduler.schedule(() => {
      this.idleTimer = undefined;
      this.releaseIdleSlots();
    }, delay);
  }

  /** FLINK-7871: frees slots that stayed free for `idleSlotMs`; FLINK-11059: dropped even if the free call fails. */
  private releaseIdleSlots(): void {
    const now = this.now();
    const idleMs = this.timeouts.idleSlotMs;
    for (let o = this.available.oldest(); o !== undefined && now - o.since >= idleMs; o = this.available.oldest()) {
      const slot = o.slot;
      this.available.take(slot);
      this.directory.forget(slot);
      this.emit(() => ({ type: "slotFreed", atMs: now, allocationId: slot.allocationId, reason: "IDLE" }));
      const cause = new SlotReleasedError(`Slot ${slot.allocationId} was idle for ${idleMs} ms.`);
      try {
        slot.gateway.freeSlot(slot.allocationId, cause).subscribe({ error: () => {} });
      } catch {
        // A broken gateway must not stop the pool: the slot is dropped either way (FLINK-11059).
      }
    }
    this.scheduleIdleCheck();
  }

  private requireStarted(): void {
    if (this.token === undefined) throw new PoolNotStartedError("The slot pool is not started.");
  }

  private now(): number {
    return this.scheduler.now();
  }

  private emit(make: () => SlotPoolEvent): void {
    if (this.events.observed) this.events.next(make());
  }
}

/** `AllocatedSlot.seq` while the pool hands a released slot back (known, but neither free nor allocated). */
const RETURNING = -1;

/** How many generated ids are skipped at most when they collide with ids in use (guards a broken generator). */
const MAX_ID_RETRIES = 1000;

function checkDuration(value: unknown, path: string): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new InvalidArgumentError(path, "a number of milliseconds ≥ 0 (or Infinity)", value);
  }
  return value;
}

function isValidOffer(location: TaskManagerLocation, gateway: TaskExecutorGateway, offer: SlotOffer): boolean {
  return (
    location !== null &&
    typeof location === "object" &&
    typeof location.resourceId === "string" &&
    location.resourceId.length > 0 &&
    typeof location.host === "string" &&
    gateway !== null &&
    typeof gateway === "object" &&
    offer !== null &&
    typeof offer === "object" &&
    typeof offer.allocationId === "string" &&
    offer.allocationId.length > 0 &&
    Number.isSafeInteger(offer.slotIndex) &&
    offer.slotIndex >= 0 &&
    offer.profile instanceof ResourceProfile
  );
}
