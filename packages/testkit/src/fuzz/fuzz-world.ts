import { CoLocationGroup } from "@slotpool/co-location";
import {
  type AllocatedSlot,
  AllocationFailedError,
  type AllocationId,
  allocationId,
  type Completable,
  connectTaskExecutorEvents,
  isSlotPoolError,
  type JobMasterId,
  jobMasterId,
  localityFirstStrategy,
  RequestCancelledError,
  type ResourceId,
  ResourceProfile,
  resourceId,
  SlotPool,
  type SlotRequestHandle,
  spreadOutStrategy,
  type TaskExecutorEvent,
  type TaskExecutorGateway,
  type TaskExecutorLinkStats,
  type TaskManagerLocation,
  TaskManagerLostError,
  VirtualScheduler,
} from "@slotpool/core";
import {
  connectResourceManager,
  EmbeddedResourceManager,
  packSlots,
  type ResourceManagerLink,
  spreadSlots,
} from "@slotpool/resource-manager";
import { type LogicalSlot, type TaskHandle, TaskScheduler } from "@slotpool/slot-sharing";
import { of, config as rxjsConfig, Subject } from "rxjs";
import { type FuzzConfig, type FuzzVertex, fuzzHorizonMs, MAX_OFFER_DELAY_MS } from "./fuzz-config.js";
import { emptyFuzzStats, type FuzzStats } from "./fuzz-stats.js";
import type { FuzzLocationRef, FuzzStep, FuzzStepOp } from "./fuzz-step.js";
import type { FuzzViolation } from "./fuzz-violation.js";
import { snapshotSlotPool } from "./pool-snapshot.js";

/**
 * One task of the fuzz job (a subtask of a vertex) and its current attempt.
 *
 * @example
 * ```ts
 * world.task("v0#1")?.handle?.result.isDone;
 * ```
 */
export interface FuzzTask {
  readonly key: string;
  readonly vertex: FuzzVertex;
  readonly subtask: number;
  readonly profile: ResourceProfile;
  /** The current attempt; undefined before the first submission. */
  handle: TaskHandle | undefined;
}

/**
 * The whole stack one fuzz run drives, on a {@link VirtualScheduler}: a {@link SlotPool}, a
 * {@link TaskScheduler} (slot sharing) with {@link CoLocationGroup}s, an {@link EmbeddedResourceManager}
 * wired in with `connectResourceManager`, and a second TaskExecutor-message link for injected
 * hostile messages. {@link FuzzWorld.apply} runs one {@link FuzzStep}; the world keeps what the
 * invariant checker needs (every task attempt, raw pool requests, the ledger of slots the pool
 * accepted, unfinished requests).
 *
 * @example
 * ```ts
 * const world = new FuzzWorld(generateFuzzConfig(new SeededRandom(1)));
 * world.apply({ op: "submit", task: "v0#0" });
 * world.apply({ op: "advance", ms: 100 });
 * checkFuzzInvariants(world); // []
 * ```
 */
export class FuzzWorld {
  readonly config: FuzzConfig;
  readonly scheduler: VirtualScheduler;
  readonly pool: SlotPool;
  readonly rm: EmbeddedResourceManager;
  readonly link: ResourceManagerLink;
  readonly tasks: TaskScheduler;
  readonly coLocationGroups: ReadonlyMap<string, CoLocationGroup>;
  /** Every task key (`v#s`) of the job, in vertex then subtask order. */
  readonly taskKeys: readonly string[];
  /** Raw pool requests (`allocateRaw`) not yet released. */
  readonly rawHandles: SlotRequestHandle[] = [];
  /** Every slot the pool accepted and has not let go of with an event: allocation id → TaskManager. */
  readonly ledger: Map<AllocationId, ResourceId> = new Map();
  /** Slots dropped by a direct `pool.failAllocation`: the TaskExecutor is not told (Flink §2.12). */
  readonly abandoned: Set<AllocationId> = new Set();
  /** Requests (task results and raw results) not completed yet. */
  readonly unfinished: Set<object> = new Set();
  /** Errors thrown while the resource manager or the connector handled a message (bugs). */
  readonly adapterErrors: unknown[] = [];
  /** TaskManager ids the generator may name (static, added, elastic ones seen registering). */
  readonly knownTaskManagers: string[] = [];
  readonly stats: FuzzStats = emptyFuzzStats();
  /** Stats of the link that carries injected hostile messages. */
  readonly injectedStats: Readonly<TaskExecutorLinkStats>;
  /** A delayed offer may still be on its way until this time. */
  delayedUntil = -1;
  /** Fencing tokens of earlier terms. */
  readonly oldTokens: JobMasterId[] = [];
  private readonly taskMap = new Map<string, FuzzTask>();
  private readonly injected = new Subject<TaskExecutorEvent>();
  private readonly groups = new Map<string, CoLocationGroup>();
  private readonly hostOf = new Map<string, string>();
  private readonly locations = new Map<string, TaskManagerLocation>();
  private term = 0;
  private ghosts = 0;
  private addedTaskManagers = 0;
  private lastOffersDelayed = 0;
  private dropsInjected = 0;
  private readonly horizon: number;

  constructor(config: FuzzConfig) {
    this.config = config;
    this.horizon = fuzzHorizonMs(config);
    this.scheduler = new VirtualScheduler();
    const t = config.timeouts;
    this.pool = new SlotPool({
      jobId: config.jobId,
      scheduler: this.scheduler,
      slotSelectionStrategy: config.slotSelection === "spread-out" ? spreadOutStrategy : localityFirstStrategy,
      timeouts: {
        slotRequestMs: t.slotRequestMs,
        resourceManagerRequestMs: t.resourceManagerRequestMs,
        resourceManagerAllocationMs: t.resourceManagerAllocationMs,
        idleSlotMs: t.idleSlotMs,
      },
    });
    this.pool.events$.subscribe((e) => {
      switch (e.type) {
        case "slotOffered":
          this.ledger.set(e.allocationId, e.resourceId);
          this.stats.slotsAccepted++;
          return;
        case "slotFreed":
        case "slotDropped":
          this.ledger.delete(e.allocationId);
          return;
        case "taskManagerReleased":
          for (const [id, tm] of this.ledger) if (tm === e.resourceId) this.ledger.delete(id);
          return;
        case "suspended":
          this.ledger.clear();
          return;
        case "taskManagerRegistered":
          if (!this.knownTaskManagers.includes(e.resourceId)) this.knownTaskManagers.push(e.resourceId);
          return;
        default:
          return;
      }
    });
    const elastic = config.elastic;
    this.rm = new EmbeddedResourceManager({
      scheduler: this.scheduler,
      messageLatencyMs: config.messageLatencyMs,
      taskExecutors: config.taskManagers.map((tm) => ({
        id: tm.id,
        host: tm.host,
        slots: tm.slots,
        slotProfile: tm.slotProfile,
        registerAtMs: tm.registerAtMs,
      })),
      ...(elastic === null
        ? {}
        : {
            elastic: {
              maxTaskExecutors: elastic.maxTaskExecutors,
              slotsPerTaskExecutor: elastic.slotsPerTaskExecutor,
              slotProfile: elastic.slotProfile,
              startupMs: elastic.startupMs,
              idleTimeoutMs: elastic.idleTimeoutMs,
              idPrefix: "elastic-",
            },
          }),
      offerAllSlots: config.offerAllSlots,
      slotChoice: config.slotChoice === "pack" ? packSlots : spreadSlots,
      offerTimeoutMs: config.offerTimeoutMs,
      taskExecutorRequestTimeoutMs: config.taskExecutorRequestTimeoutMs,
      onError: (error) => this.adapterErrors.push(error),
    });
    for (const tm of config.taskManagers) {
      this.knownTaskManagers.push(tm.id);
      this.hostOf.set(tm.id, tm.host);
    }
    if (elastic !== null) {
      for (let i = 1; i <= elastic.maxTaskExecutors + 2; i++) this.knownTaskManagers.push(`elastic-${i}`);
    }
    this.link = connectResourceManager(this.pool, this.rm, {
      heartbeatIntervalMs: config.heartbeat.intervalMs,
      heartbeatTimeoutMs: config.heartbeat.timeoutMs,
    });
    this.injectedStats = connectTaskExecutorEvents(this.pool, this.injected).stats;
    this.tasks = new TaskScheduler(this.pool, { defaultTimeoutMs: config.taskTimeoutMs });
    const keys: string[] = [];
    for (const vertex of config.vertices) {
      const profile = vertex.profile === null ? ResourceProfile.UNKNOWN : ResourceProfile.of(vertex.profile);
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        const key = `${vertex.id}#${subtask}`;
        keys.push(key);
        this.taskMap.set(key, { key, vertex, subtask, profile, handle: undefined });
      }
      if (vertex.coLocationGroup !== null && !this.groups.has(vertex.coLocationGroup)) {
        this.groups.set(vertex.coLocationGroup, new CoLocationGroup(vertex.coLocationGroup));
      }
    }
    this.taskKeys = keys;
    this.coLocationGroups = this.groups;
    this.grantLeadership();
  }

  /** The longest single timer of the run (see {@link fuzzHorizonMs}). */
  get horizonMs(): number {
    return this.horizon;
  }

  /**
   * How long a `quiesce` step advances: three horizons, plus an offer round for every injected
   * drop fault not consumed yet (each dropped offer costs its TaskExecutor an offer timeout).
   *
   * @example
   * ```ts
   * world.scheduler.advanceBy(world.quietMs());
   * ```
   */
  quietMs(): number {
    const drops = this.dropsInjected === 0 ? 0 : Math.max(0, this.dropsInjected - this.rm.stats.offersDropped);
    return 3 * this.horizon + drops * (this.config.offerTimeoutMs + 2 * this.config.messageLatencyMs + 1);
  }

  /**
   * The task with key `v#s`, if the job has it.
   *
   * @example
   * ```ts
   * world.task("v0#0")?.vertex.id; // "v0"
   * ```
   */
  task(key: string): FuzzTask | undefined {
    return this.taskMap.get(key);
  }

  /**
   * Every task of the job.
   *
   * @example
   * ```ts
   * for (const t of world.allTasks()) console.log(t.key, FuzzWorld.stateOf(t));
   * ```
   */
  allTasks(): IterableIterator<FuzzTask> {
    return this.taskMap.values();
  }

  /**
   * Where a task stands: `idle` (never submitted, or its attempt ended without a slot or lost it),
   * `waiting` (its request is outstanding) or `running` (placed, slot alive).
   *
   * @example
   * ```ts
   * FuzzWorld.stateOf(task); // "running"
   * ```
   */
  static stateOf(task: FuzzTask): "idle" | "waiting" | "running" {
    const handle = task.handle;
    if (handle === undefined) return "idle";
    const outcome = handle.result.result;
    if (outcome === undefined) return "waiting";
    return outcome.ok && outcome.value.isAlive ? "running" : "idle";
  }

  /**
   * The slot of a running task, if it runs.
   *
   * @example
   * ```ts
   * FuzzWorld.slotOf(task)?.allocationId;
   * ```
   */
  static slotOf(task: FuzzTask): LogicalSlot | undefined {
    const outcome = task.handle?.result.result;
    return outcome?.ok && outcome.value.isAlive ? outcome.value : undefined;
  }

  /**
   * The slots the pool holds (allocated first, then free), in the pool's orders: what `pick`
   * indexes of slot steps select from.
   *
   * @example
   * ```ts
   * world.poolSlots().length;
   * ```
   */
  poolSlots(): AllocatedSlot[] {
    const s = this.pool.inspect();
    const slots: AllocatedSlot[] = [];
    for (const [, slot] of s.allocated.entries()) slots.push(slot);
    for (const slot of s.available.values()) slots.push(slot);
    return slots;
  }

  /**
   * Runs one step. Returns the violations the step itself found (a hostile message that was not
   * rejected cleanly); everything else is for {@link checkFuzzInvariants}. A step whose target does
   * not exist does nothing.
   *
   * @example
   * ```ts
   * const problems = world.apply({ op: "foreignOffer", pick: 0, other: 1 });
   * ```
   */
  apply(step: FuzzStep): FuzzViolation[] {
    return synchronousErrors(() => this.applyStep(step));
  }

  private applyStep(step: FuzzStep): FuzzViolation[] {
    this.stats.steps++;
    this.count(step.op);
    const violations: FuzzViolation[] = [];
    switch (step.op) {
      case "submit":
        this.submit(step);
        break;
      case "finish": {
        const task = this.taskMap.get(step.task);
        if (task !== undefined && FuzzWorld.stateOf(task) === "running") task.handle?.release();
        break;
      }
      case "cancel": {
        const task = this.taskMap.get(step.task);
        if (task !== undefined && FuzzWorld.stateOf(task) === "waiting") task.handle?.cancel();
        break;
      }
      case "withdraw": {
        const task = this.taskMap.get(step.task);
        if (task !== undefined && FuzzWorld.stateOf(task) === "waiting") {
          task.handle?.release(new RequestCancelledError(`${step.task} was withdrawn by the fuzzer.`));
        }
        break;
      }
      case "advance":
        this.scheduler.advanceBy(Math.max(0, step.ms));
        break;
      case "quiesce":
        this.scheduler.advanceBy(this.quietMs());
        break;
      case "loseTaskManager":
        this.rm.loseTaskExecutor(step.tm);
        break;
      case "freezeTaskManager":
        this.rm.freezeTaskExecutor(step.tm);
        break;
      case "thawTaskManager":
        this.rm.thawTaskExecutor(step.tm);
        break;
      case "addTaskManager":
        this.addTaskManager(step);
        break;
      case "disconnectResourceManager":
        this.rm.disconnect();
        break;
      case "reconnectResourceManager":
        this.rm.reconnect();
        break;
      case "failSlot": {
        const slots = this.poolSlots();
        const slot = slots[step.pick % Math.max(1, slots.length)];
        if (slot !== undefined) this.rm.freeSlot(slot.allocationId, "the fuzzer failed the slot");
        break;
      }
      case "failAllocation":
        this.failAllocation(step.target, step.pick);
        break;
      case "offerFault":
        if (step.kind === "drop") this.dropsInjected += step.times;
        if (step.kind === "delay") {
          this.rm.injectOfferFault({
            kind: "delay",
            delayMs: Math.min(MAX_OFFER_DELAY_MS, step.delayMs ?? 0),
            times: step.times,
            ...(step.tm === undefined ? {} : { taskExecutor: step.tm }),
          });
        } else {
          this.rm.injectOfferFault({
            kind: step.kind,
            times: step.times,
            ...(step.tm === undefined ? {} : { taskExecutor: step.tm }),
          });
        }
        break;
      case "grantLeadership":
        this.grantLeadership();
        break;
      case "revokeLeadership":
        this.link.revokeLeadership();
        break;
      case "staleMessage":
        this.staleMessage(step.kind, step.pick, violations);
        break;
      case "foreignOffer":
        this.foreignOffer(step.pick, step.other, violations);
        break;
      case "unregisteredOffer":
        this.unregisteredOffer(step.pick, step.known, violations);
        break;
      case "duplicateOffer":
        this.duplicateOffer(step.pick, violations);
        break;
      case "allocateRaw":
        this.allocateRaw(step);
        break;
      case "releaseRaw": {
        const live = this.rawHandles;
        const handle = live[step.pick % Math.max(1, live.length)];
        if (handle !== undefined) {
          handle.release();
          const i = live.indexOf(handle); // releasing may already have dropped it
          if (i >= 0) live.splice(i, 1);
        }
        break;
      }
    }
    this.noteDelayedOffers();
    return violations;
  }

  /**
   * Advances virtual time by {@link FuzzWorld.quietMs} without counting a step (the final checks).
   *
   * @example
   * ```ts
   * world.settle();
   * checkQuiet(world);
   * ```
   */
  settle(): void {
    synchronousErrors(() => {
      this.scheduler.advanceBy(this.quietMs());
      this.noteDelayedOffers();
    });
  }

  /**
   * Ends the run cleanly: closes the link, shuts the resource manager down.
   *
   * @example
   * ```ts
   * world.dispose();
   * ```
   */
  dispose(): void {
    this.link.close();
    this.rm.shutdown();
  }

  /**
   * Brings the cluster back to health for the drain check: thaws frozen TaskExecutors, reconnects
   * the resource manager, restores leadership, and releases every running task and raw slot.
   *
   * @example
   * ```ts
   * world.heal();
   * world.settle();
   * ```
   */
  heal(): void {
    synchronousErrors(() => this.healNow());
  }

  private healNow(): void {
    for (const te of this.rm.inspect().taskExecutors)
      if (te.state === "frozen") this.rm.thawTaskExecutor(te.resourceId);
    for (const id of this.knownTaskManagers) this.rm.thawTaskExecutor(id);
    this.rm.reconnect();
    if (!this.pool.isStarted) this.grantLeadership();
    for (const task of this.taskMap.values()) {
      const state = FuzzWorld.stateOf(task);
      if (state === "running") task.handle?.release();
      else if (state === "waiting") task.handle?.cancel();
    }
    // Releasing a raw request drops it from the list: release a copy.
    for (const handle of [...this.rawHandles]) handle.release();
    this.rawHandles.length = 0;
  }

  /**
   * Folds the resource manager's and the link's counters into {@link FuzzWorld.stats} (call once,
   * at the end of a run).
   *
   * @example
   * ```ts
   * world.collectStats();
   * ```
   */
  collectStats(): void {
    const rm = this.rm.stats;
    this.stats.offersDropped += rm.offersDropped;
    this.stats.offersDuplicated += rm.offersDuplicated;
    this.stats.offersDelayed += rm.offersDelayed;
    this.stats.staleRejected += this.link.stats.stale;
    this.stats.heartbeatTimeouts += this.link.stats.heartbeatTimeouts;
  }

  // ---------------------------------------------------------------- steps

  private count(op: FuzzStepOp): void {
    this.stats.ops[op] = (this.stats.ops[op] ?? 0) + 1;
  }

  private grantLeadership(): void {
    const previous = this.pool.jobMasterId;
    if (previous !== undefined) this.oldTokens.push(previous);
    this.link.grantLeadership(jobMasterId(`${this.config.jobId}#jm-${++this.term}`));
  }

  private track<T>(result: Completable<T>, onPlaced: () => void): void {
    if (!result.isDone) {
      this.unfinished.add(result);
      result.onSettled(() => this.unfinished.delete(result));
    }
    result.onSettled((o) => {
      if (o.ok) {
        this.stats.placed++;
        onPlaced();
        return;
      }
      const code = isSlotPoolError(o.error) ? o.error.code : "ERROR";
      this.stats.failures[code] = (this.stats.failures[code] ?? 0) + 1;
    });
  }

  private submit(step: Extract<FuzzStep, { op: "submit" }>): void {
    const task = this.taskMap.get(step.task);
    if (task === undefined || FuzzWorld.stateOf(task) !== "idle") return;
    const vertex = task.vertex;
    const constraint =
      vertex.coLocationGroup === null ? undefined : this.groups.get(vertex.coLocationGroup)?.constraint(task.subtask);
    const handle = this.tasks.allocate({
      vertexId: vertex.id,
      subtaskIndex: task.subtask,
      ...(vertex.sharingGroup === null ? {} : { slotSharingGroup: vertex.sharingGroup }),
      ...(constraint === undefined ? {} : { coLocationConstraint: constraint }),
      profile: task.profile,
      preferredLocations: this.locate(step.prefer),
      ...(step.queued === undefined ? {} : { queued: step.queued }),
      ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs }),
    });
    task.handle = handle;
    this.track(handle.result, () => {
      handle.released.onSettled((o) => {
        const cause = o.ok ? o.value : o.error;
        if (!isSlotPoolError(cause, "SLOT_RELEASED")) this.stats.lostSlots++;
      });
    });
  }

  private allocateRaw(step: Extract<FuzzStep, { op: "allocateRaw" }>): void {
    if (this.rawHandles.length >= 32) return;
    const handle = this.pool.allocateSlot({
      profile: step.profile === null ? ResourceProfile.UNKNOWN : ResourceProfile.of(step.profile),
      queued: step.queued,
      timeoutMs: step.timeoutMs,
      preferredLocations: this.locate(step.prefer),
    });
    this.track(handle.result, () => {});
    this.rawHandles.push(handle);
    // Raw requests that failed or lost their slot are forgotten (at once if they already did).
    handle.released.onSettled(() => {
      const i = this.rawHandles.indexOf(handle);
      if (i >= 0) this.rawHandles.splice(i, 1);
    });
  }

  private locate(refs: readonly FuzzLocationRef[] | undefined): TaskManagerLocation[] {
    if (refs === undefined) return [];
    return refs.map((ref) => {
      const key = "taskManager" in ref ? `tm:${ref.taskManager}` : `host:${ref.host}`;
      let location = this.locations.get(key);
      if (location === undefined) {
        location =
          "taskManager" in ref
            ? { resourceId: resourceId(ref.taskManager), host: this.hostOf.get(ref.taskManager) ?? ref.taskManager }
            : { resourceId: resourceId(`host:${ref.host}`), host: ref.host };
        this.locations.set(key, location);
      }
      return location;
    });
  }

  private addTaskManager(step: Extract<FuzzStep, { op: "addTaskManager" }>): void {
    if (this.addedTaskManagers >= 8) return;
    try {
      this.rm.addTaskExecutor({ id: step.tm, host: step.host, slots: step.slots, slotProfile: step.slotProfile });
    } catch (error) {
      if (isSlotPoolError(error, "INVALID_ARGUMENT")) return; // the id is in use
      throw error;
    }
    this.addedTaskManagers++;
    this.hostOf.set(step.tm, step.host);
    if (!this.knownTaskManagers.includes(step.tm)) this.knownTaskManagers.push(step.tm);
  }

  private failAllocation(target: "pending" | "available" | "allocated" | "unknown", pick: number): void {
    const s = this.pool.inspect();
    let id: AllocationId | undefined;
    if (target === "unknown") id = allocationId(`unknown-allocation-${pick}`);
    else if (target === "pending") id = nth(s.pending.values(), pick, s.pending.size)?.allocationId;
    else if (target === "available") id = nth(s.available.values(), pick, s.available.size)?.allocationId;
    else id = nth(s.allocated.entries(), pick, s.allocated.size)?.[1].allocationId;
    if (id === undefined) return;
    if (target === "available" || target === "allocated") this.abandoned.add(id);
    this.pool.failAllocation(id, new AllocationFailedError(`The fuzzer failed allocation ${id}.`));
  }

  // ---------------------------------------------------------------- hostile messages

  private ghostGateway(id: ResourceId): TaskExecutorGateway {
    return { resourceId: id, freeSlot: () => of(undefined) };
  }

  private staleMessage(kind: "offer" | "lost" | "registered", pick: number, out: FuzzViolation[]): void {
    const tokens = this.oldTokens;
    const token = tokens[pick % Math.max(1, tokens.length)] ?? jobMasterId(`${this.config.jobId}#jm-0`);
    if (token === this.pool.jobMasterId) return;
    const registered = [...this.pool.inspect().registeredTaskManagers];
    const tm = registered[pick % Math.max(1, registered.length)] ?? resourceId(`ghost-${++this.ghosts}`);
    const location: TaskManagerLocation = { resourceId: tm, host: this.hostOf.get(tm) ?? tm };
    const gateway = this.ghostGateway(tm);
    let event: TaskExecutorEvent;
    if (kind === "offer") {
      const slots = this.poolSlots();
      const known = slots[pick % Math.max(1, slots.length)];
      event = {
        type: "offer",
        jobMasterId: token,
        location,
        gateway,
        offers: [
          {
            allocationId: known?.allocationId ?? allocationId(`stale-allocation-${pick}`),
            slotIndex: known?.slotIndex ?? 0,
            profile: known?.profile ?? ResourceProfile.of({ cpu: 1, memoryMb: 1024 }),
          },
        ],
      };
    } else if (kind === "lost") {
      event = { type: "lost", jobMasterId: token, resourceId: tm, cause: new TaskManagerLostError("stale loss") };
    } else {
      const ghost = resourceId(`ghost-${++this.ghosts}`);
      event = { type: "registered", jobMasterId: token, location: { resourceId: ghost, host: "ghost" }, gateway };
    }
    const before = JSON.stringify(snapshotSlotPool(this.pool));
    const stale = this.injectedStats.stale;
    this.injected.next(event);
    if (this.injectedStats.stale !== stale + 1) {
      out.push({
        check: "hostile",
        rule: "stale-not-counted",
        message: `a ${kind} message with the old token ${token} was not counted as stale`,
      });
    }
    this.expectUnchanged(before, `a stale ${kind} message (token ${token})`, out);
  }

  private foreignOffer(pick: number, other: number, out: FuzzViolation[]): void {
    const slots = this.poolSlots();
    const slot = slots[pick % Math.max(1, slots.length)];
    if (slot === undefined) return;
    const others = [...this.pool.inspect().registeredTaskManagers].filter((id) => id !== slot.location.resourceId);
    const tm = others[other % Math.max(1, others.length)];
    const location: TaskManagerLocation =
      tm === undefined ? slot.location : { resourceId: tm, host: this.hostOf.get(tm) ?? tm };
    const offer = {
      allocationId: slot.allocationId,
      slotIndex: tm === undefined ? slot.slotIndex + 1 : slot.slotIndex,
      profile: slot.profile,
    };
    const before = JSON.stringify(snapshotSlotPool(this.pool));
    const accepted = this.pool.offerSlot(location, this.ghostGateway(location.resourceId), offer);
    if (accepted) {
      out.push({
        check: "hostile",
        rule: "foreign-offer-accepted",
        message: `${slot} offered again by ${location.resourceId} as slot ${offer.slotIndex} was accepted`,
      });
    } else this.stats.hostileRejected++;
    this.expectUnchanged(before, `a foreign offer of ${slot} from ${location.resourceId}`, out);
  }

  private unregisteredOffer(pick: number, known: boolean, out: FuzzViolation[]): void {
    const ghost = resourceId(`ghost-${++this.ghosts}`);
    const slots = this.poolSlots();
    const slot = known ? slots[pick % Math.max(1, slots.length)] : undefined;
    const offer = {
      allocationId: slot?.allocationId ?? allocationId(`ghost-allocation-${this.ghosts}`),
      slotIndex: slot?.slotIndex ?? pick % 4,
      profile: slot?.profile ?? ResourceProfile.of({ cpu: 8, memoryMb: 8192 }),
    };
    const before = JSON.stringify(snapshotSlotPool(this.pool));
    const accepted = this.pool.offerSlot({ resourceId: ghost, host: "ghost-host" }, this.ghostGateway(ghost), offer);
    if (accepted) {
      out.push({
        check: "hostile",
        rule: "unregistered-offer-accepted",
        message: `an offer of ${offer.allocationId} from unregistered TaskManager ${ghost} was accepted`,
      });
    } else this.stats.hostileRejected++;
    this.expectUnchanged(before, `an offer from unregistered ${ghost}`, out);
  }

  private duplicateOffer(pick: number, out: FuzzViolation[]): void {
    const slots = this.poolSlots();
    const slot = slots[pick % Math.max(1, slots.length)];
    if (slot === undefined) return;
    const before = JSON.stringify(snapshotSlotPool(this.pool));
    const accepted = this.pool.offerSlot(slot.location, slot.gateway, {
      allocationId: slot.allocationId,
      slotIndex: slot.slotIndex,
      profile: slot.profile,
    });
    if (!accepted) {
      out.push({
        check: "hostile",
        rule: "duplicate-offer-rejected",
        message: `a repeated offer of ${slot} from its own TaskManager was rejected (Flink §2.9: accepted, no change)`,
      });
    }
    this.expectUnchanged(before, `a repeated offer of ${slot}`, out);
  }

  private expectUnchanged(before: string, what: string, out: FuzzViolation[]): void {
    const after = JSON.stringify(snapshotSlotPool(this.pool));
    if (after !== before) {
      out.push({ check: "hostile", rule: "state-changed", message: `${what} changed the pool: ${before} → ${after}` });
    }
  }

  private noteDelayedOffers(): void {
    // rm.stats costs a walk over the TaskExecutors: only look while a delay fault may be active.
    if (this.stats.ops.offerFault === undefined) return;
    const delayed = this.rm.stats.offersDelayed;
    if (delayed !== this.lastOffersDelayed) {
      this.lastOffersDelayed = delayed;
      this.delayedUntil = this.scheduler.now() + MAX_OFFER_DELAY_MS;
    }
  }
}

/**
 * Runs `fn` with rxjs reporting errors thrown inside subscribers (e.g. the pool throwing in the
 * connector's message handler) synchronously, at the outermost `next`/`subscribe` of the call,
 * instead of later on another job: so such an error fails the step that caused it (the embedded
 * resource manager's `onError` or the step's own try/catch sees it). Error paths only; nothing
 * else changes, and the flag is restored before anything else can run.
 */
function synchronousErrors<T>(fn: () => T): T {
  const previous = rxjsConfig.useDeprecatedSynchronousErrorHandling;
  rxjsConfig.useDeprecatedSynchronousErrorHandling = true;
  try {
    return fn();
  } finally {
    rxjsConfig.useDeprecatedSynchronousErrorHandling = previous;
  }
}

function nth<T>(items: Iterable<T>, pick: number, size: number): T | undefined {
  if (size === 0) return undefined;
  let i = pick % size;
  for (const item of items) if (i-- === 0) return item;
  return undefined;
}
