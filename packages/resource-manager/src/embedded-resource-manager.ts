import {
  type AllocationId,
  InvalidArgumentError,
  resourceId as makeResourceId,
  type ResourceId,
  ResourceProfile,
  type ResourceSpec,
  TaskManagerLostError,
} from "@slotpool/core";
import { asyncScheduler, type SchedulerLike, type Subscription } from "rxjs";
import { AdapterShutDownError, ResourceManagerDisconnectedError } from "./errors.js";
import { nonNegative, positiveInteger, rethrowLater } from "./option-checks.js";
import { isResourceManagerBound, type ResourceManagerId, type TaskExecutorOutbound } from "./protocol.js";
import { ResourceManagerBase, type WorkerDriver } from "./resource-manager-base.js";
import type { ResourceManagerStats, ResourceManagerView } from "./resource-manager-core.js";
import { SimulatedTaskExecutor } from "./simulated-task-executor.js";
import { type SlotChoiceStrategy, spreadSlots } from "./slot-choice-strategy.js";
import type { ConnectionStats } from "./task-executor-connections.js";
import type { TaskExecutorSlotView, TaskExecutorStats } from "./task-executor-core.js";

/**
 * One TaskExecutor of the embedded cluster.
 *
 * @example
 * ```ts
 * const spec: EmbeddedTaskExecutorSpec = { id: "tm-1", host: "host-a", slots: 4, registerAtMs: 100 };
 * ```
 */
export interface EmbeddedTaskExecutorSpec {
  /** Unique id (becomes the ResourceId). */
  readonly id: string;
  /** Default: the id. */
  readonly host?: string;
  /** Number of slots; default 1. */
  readonly slots?: number;
  /** Profile of every slot; default `{ cpu: 1, memoryMb: 1024 }`. */
  readonly slotProfile?: ResourceSpec;
  /** When (scheduler time) the TaskExecutor starts and registers; default now. */
  readonly registerAtMs?: number;
}

/**
 * Elastic mode: TaskExecutors started on demand (when queued requests outnumber the slots being
 * started) up to a maximum, and stopped after being idle.
 *
 * @example
 * ```ts
 * const elastic: ElasticOptions = { maxTaskExecutors: 10, slotsPerTaskExecutor: 2, startupMs: 500 };
 * ```
 */
export interface ElasticOptions {
  /** At most this many elastic TaskExecutors run or start at once (static ones are not counted). */
  readonly maxTaskExecutors: number;
  /** Default 1. */
  readonly slotsPerTaskExecutor?: number;
  /** Default `{ cpu: 1, memoryMb: 1024 }`. */
  readonly slotProfile?: ResourceSpec;
  /** From the start decision to the TaskExecutor's registration; default 0. */
  readonly startupMs?: number;
  /** An elastic TaskExecutor whose slots are all free this long is stopped; default 30 000 (Flink's). `Infinity` keeps them. */
  readonly idleTimeoutMs?: number;
  /** Ids are `${idPrefix}${n}`; default `"elastic-"`. */
  readonly idPrefix?: string;
  /** The host of the `n`-th elastic TaskExecutor (1-based) with id `id`; default the id (one TaskExecutor per host). */
  readonly hostOf?: (n: number, id: string) => string;
}

/**
 * Options of {@link EmbeddedResourceManager}.
 *
 * @example
 * ```ts
 * new EmbeddedResourceManager({ scheduler, taskExecutors: [{ id: "tm-1", slots: 2 }], messageLatencyMs: 1 });
 * ```
 */
export interface EmbeddedResourceManagerOptions {
  /** Runs every latency and timer; default `asyncScheduler`. Use a `VirtualTimeScheduler` for repeatable runs. */
  readonly scheduler?: SchedulerLike;
  /** Every message between job master, resource manager and TaskExecutors takes this long; default 1. */
  readonly messageLatencyMs?: number;
  /** TaskExecutors that exist from the start (standalone mode). */
  readonly taskExecutors?: readonly EmbeddedTaskExecutorSpec[];
  readonly elastic?: ElasticOptions;
  /** Reserve and offer every free slot to the job master as soon as possible (default false: on request). */
  readonly offerAllSlots?: boolean;
  /** Which free slot the resource manager reserves; default {@link spreadSlots}. */
  readonly slotChoice?: SlotChoiceStrategy;
  /** A TaskExecutor that does not acknowledge a slot reservation this long is lost; default 10 000. */
  readonly taskExecutorRequestTimeoutMs?: number;
  /** An unanswered offer round is sent again after this long; default 10 000. */
  readonly offerTimeoutMs?: number;
  /** Called with errors thrown while handling a message (a bug); default: rethrown asynchronously. */
  readonly onError?: (error: unknown) => void;
}

/**
 * A fault applied to the next slot offers (of one TaskExecutor, or of any): `drop` loses the offer
 * (the TaskExecutor offers again after its offer timeout), `duplicate` delivers it twice, `delay`
 * delivers it `delayMs` late (after messages sent later).
 *
 * @example
 * ```ts
 * rm.injectOfferFault({ kind: "delay", delayMs: 5_000, taskExecutor: "tm-1", times: 2 });
 * ```
 */
export type OfferFault =
  | { readonly kind: "drop"; readonly taskExecutor?: string; readonly times?: number }
  | { readonly kind: "duplicate"; readonly taskExecutor?: string; readonly times?: number }
  | { readonly kind: "delay"; readonly delayMs: number; readonly taskExecutor?: string; readonly times?: number };

/**
 * One running TaskExecutor of the embedded cluster, as {@link EmbeddedResourceManager.inspect} shows it.
 *
 * @example
 * ```ts
 * rm.inspect().taskExecutors.find((te) => te.resourceId === "tm-1")?.slots[0]?.state; // "active"
 * ```
 */
export interface EmbeddedTaskExecutorView {
  readonly resourceId: ResourceId;
  readonly host: string;
  readonly state: "running" | "frozen";
  readonly elastic: boolean;
  /** The TaskExecutor's own slot table (the truth; the resource manager's view may lag behind). */
  readonly slots: readonly TaskExecutorSlotView[];
  readonly stats: Readonly<TaskExecutorStats>;
}

/**
 * A snapshot of the embedded cluster.
 *
 * @example
 * ```ts
 * const state = rm.inspect();
 * state.resourceManager.pendingRequests.length;
 * ```
 */
export interface EmbeddedClusterState {
  readonly resourceManager: ResourceManagerView;
  readonly taskExecutors: readonly EmbeddedTaskExecutorView[];
  /** Messages sent and not yet delivered. */
  readonly messagesInFlight: number;
}

/**
 * Counters of the embedded cluster.
 *
 * @example
 * ```ts
 * rm.stats.staleMessages; // every message rejected for a stale fencing token, on any side
 * ```
 */
export interface EmbeddedResourceManagerStats {
  readonly resourceManager: Readonly<ResourceManagerStats>;
  /** Summed over every TaskExecutor that ever ran. */
  readonly taskExecutors: Readonly<TaskExecutorStats>;
  readonly jobMasterSide: Readonly<ConnectionStats>;
  /** Stale messages rejected by the resource manager, the TaskExecutors and the job-master side together. */
  readonly staleMessages: number;
  readonly offersDropped: number;
  readonly offersDuplicated: number;
  readonly offersDelayed: number;
}

interface ActiveFault {
  readonly fault: OfferFault;
  remaining: number;
}

const DEFAULT_SLOT_PROFILE: ResourceSpec = Object.freeze({ cpu: 1, memoryMb: 1024 });

function emptyTaskExecutorStats(): TaskExecutorStats {
  return {
    staleMessages: 0,
    offerRounds: 0,
    offerRetries: 0,
    tasksStarted: 0,
    tasksSucceeded: 0,
    tasksFailed: 0,
    tasksCancelled: 0,
  };
}

/**
 * The embedded resource manager (the default adapter): a resource manager and in-process
 * TaskExecutors, where every message latency and timer runs on the injected scheduler, so on a
 * `VirtualTimeScheduler` a run is exactly repeatable. Static TaskExecutors and elastic mode, a
 * pluggable choice of the slot to reserve, on-demand offers or offer-all-slots, fault injection
 * (lose / freeze a TaskExecutor, drop / duplicate / delay offers, disconnect / reconnect the
 * resource manager), tasks that sleep on the scheduler, inspection and counters. Plug it into a pool
 * with {@link connectResourceManager}.
 *
 * @example
 * ```ts
 * const scheduler = new VirtualTimeScheduler();
 * const rm = new EmbeddedResourceManager({
 *   scheduler,
 *   taskExecutors: [{ id: "tm-1", slots: 2 }],
 *   elastic: { maxTaskExecutors: 4, slotsPerTaskExecutor: 2, startupMs: 500 },
 * });
 * const pool = new SlotPool({ scheduler });
 * const link = connectResourceManager(pool, rm);
 * link.grantLeadership(jobMasterId("jm-1"));
 * ```
 */
export class EmbeddedResourceManager extends ResourceManagerBase {
  protected readonly driver: WorkerDriver;
  private readonly taskExecutors = new Map<ResourceId, SimulatedTaskExecutor>();
  /** Frozen TaskExecutors declared dead meanwhile: thawing one brings it back as a new process. */
  private readonly frozenDead = new Map<ResourceId, SimulatedTaskExecutor>();
  private readonly scheduledStarts = new Map<ResourceId, Subscription>();
  private readonly retired: TaskExecutorStats = emptyTaskExecutorStats();
  private readonly faults: ActiveFault[] = [];
  private readonly elastic: Required<ElasticOptions> | undefined;
  private readonly offerTimeoutMs: number;
  private elasticSeq = 0;
  private offersDropped = 0;
  private offersDuplicated = 0;
  private offersDelayed = 0;
  private shutDown = false;

  constructor(options: EmbeddedResourceManagerOptions = {}) {
    const scheduler = options.scheduler ?? asyncScheduler;
    const e = options.elastic;
    const elastic: Required<ElasticOptions> | undefined =
      e === undefined
        ? undefined
        : {
            maxTaskExecutors: nonNegative(e.maxTaskExecutors, 0, "elastic.maxTaskExecutors"),
            slotsPerTaskExecutor: positiveInteger(e.slotsPerTaskExecutor, 1, "elastic.slotsPerTaskExecutor"),
            slotProfile: e.slotProfile ?? DEFAULT_SLOT_PROFILE,
            startupMs: nonNegative(e.startupMs, 0, "elastic.startupMs"),
            idleTimeoutMs: nonNegative(e.idleTimeoutMs, 30_000, "elastic.idleTimeoutMs"),
            idPrefix: e.idPrefix ?? "elastic-",
            hostOf: e.hostOf ?? ((_n: number, id: string) => id),
          };
    super(scheduler, nonNegative(options.messageLatencyMs, 1, "messageLatencyMs"), options.onError ?? rethrowLater, {
      slotChoice: options.slotChoice ?? spreadSlots,
      offerAllSlots: options.offerAllSlots ?? false,
      taskExecutorRequestTimeoutMs: nonNegative(
        options.taskExecutorRequestTimeoutMs,
        10_000,
        "taskExecutorRequestTimeoutMs",
      ),
      elastic:
        elastic === undefined
          ? undefined
          : {
              maxTaskExecutors: elastic.maxTaskExecutors,
              slotsPerTaskExecutor: elastic.slotsPerTaskExecutor,
              slotProfile: ResourceProfile.of(elastic.slotProfile, "elastic.slotProfile"),
              idleTimeoutMs: elastic.idleTimeoutMs,
            },
      sessionPrefix: "rm-",
    });
    this.elastic = elastic;
    this.offerTimeoutMs = nonNegative(options.offerTimeoutMs, 10_000, "offerTimeoutMs");
    this.driver = {
      sendToTaskExecutor: (id, message) => {
        const te = this.taskExecutors.get(id);
        if (te !== undefined) this.mailbox.post(te.deliver, message);
      },
      startWorker: () => this.startElastic(),
      stopWorker: (id) => this.killTaskExecutor(id, true),
      liveWorkers: () => this.taskExecutors.keys(),
    };
    for (const spec of options.taskExecutors ?? []) this.addTaskExecutor(spec);
  }

  // ---------------------------------------------------------------- cluster

  /**
   * Adds a static TaskExecutor; it starts and registers at `registerAtMs` (default now).
   *
   * @throws InvalidArgumentError for a malformed spec or an id in use.
   * @example
   * ```ts
   * rm.addTaskExecutor({ id: "tm-9", host: "host-c", slots: 2 });
   * ```
   */
  addTaskExecutor(spec: EmbeddedTaskExecutorSpec): void {
    if (spec === null || typeof spec !== "object") throw new InvalidArgumentError("taskExecutor", "an object", spec);
    const id = makeResourceId(spec.id);
    if (this.taskExecutors.has(id) || this.scheduledStarts.has(id)) {
      throw new InvalidArgumentError("taskExecutor.id", "an id not in use", spec.id);
    }
    const slots = positiveInteger(spec.slots, 1, "taskExecutor.slots");
    const profile = spec.slotProfile ?? DEFAULT_SLOT_PROFILE;
    ResourceProfile.of(profile, "taskExecutor.slotProfile");
    const host = spec.host ?? spec.id;
    const at = nonNegative(spec.registerAtMs, this.scheduler.now(), "taskExecutor.registerAtMs");
    const start = (): void => {
      this.scheduledStarts.delete(id);
      this.launch(id, host, slots, profile, false);
    };
    this.scheduledStarts.set(id, this.scheduler.schedule(start, Math.max(0, at - this.scheduler.now())));
  }

  /**
   * Fault: the TaskExecutor dies now. The resource manager learns it (after the message latency),
   * its job masters get a `lost` message, and its tasks fail with `TASK_MANAGER_LOST`.
   *
   * @returns false when no such TaskExecutor runs.
   * @example
   * ```ts
   * rm.loseTaskExecutor("tm-1");
   * ```
   */
  loseTaskExecutor(id: string, cause?: Error): boolean {
    const rid = id as ResourceId;
    if (!this.taskExecutors.has(rid)) return false;
    this.killTaskExecutor(rid, false);
    const reason = cause ?? new TaskManagerLostError(`TaskExecutor ${id} was lost.`);
    this.mailbox.post(this.onLost, { id: rid, cause: reason });
    return true;
  }

  /**
   * Fault: the TaskExecutor hangs (like SIGSTOP): it answers nothing (no heartbeats, no offers)
   * until thawed; then everything it received meanwhile runs in order. A job master's heartbeat
   * timeout declares it lost.
   *
   * @returns false when no such running TaskExecutor.
   * @example
   * ```ts
   * rm.freezeTaskExecutor("tm-2");
   * ```
   */
  freezeTaskExecutor(id: string): boolean {
    return this.taskExecutors.get(id as ResourceId)?.freeze() ?? false;
  }

  /**
   * Resumes a frozen TaskExecutor. One that was declared lost meanwhile comes back as a new process:
   * empty slots, registering again.
   *
   * @returns false when it was neither frozen nor lost while frozen.
   * @example
   * ```ts
   * rm.thawTaskExecutor("tm-2");
   * ```
   */
  thawTaskExecutor(id: string): boolean {
    const rid = id as ResourceId;
    const te = this.taskExecutors.get(rid) ?? this.frozenDead.get(rid);
    if (te === undefined) return false;
    if (te.state === "frozen") return te.thaw();
    if (te.state === "dead" && this.frozenDead.delete(rid)) {
      addStats(this.retired, te.stats);
      this.taskExecutors.set(rid, te);
      te.restart();
      return true;
    }
    return false;
  }

  /**
   * Fault: applies to the next `times` (default 1) slot offers of `taskExecutor` (default any).
   *
   * @example
   * ```ts
   * rm.injectOfferFault({ kind: "drop" });
   * ```
   */
  injectOfferFault(fault: OfferFault): void {
    const times = positiveInteger(fault.times, 1, "fault.times");
    if (fault.kind === "delay") nonNegative(fault.delayMs, 0, "fault.delayMs");
    this.faults.push({ fault, remaining: times });
  }

  /**
   * Fault: the resource manager goes away. Job masters are told (they stash new requests); its
   * queued requests are dropped; TaskExecutors keep their slots.
   *
   * @returns false when already disconnected.
   * @example
   * ```ts
   * rm.disconnect();
   * ```
   */
  disconnect(cause: Error = new ResourceManagerDisconnectedError("The resource manager was disconnected.")): boolean {
    return this.core.disconnect(cause);
  }

  /**
   * Comes back as a new session (a new fencing token): TaskExecutors register again with full slot
   * reports, job masters register again and send their stashed requests.
   *
   * @returns the new session id, or undefined when already connected.
   * @example
   * ```ts
   * rm.reconnect(); // "rm-2"
   * ```
   */
  reconnect(): ResourceManagerId | undefined {
    return this.core.reconnect();
  }

  /**
   * The TaskExecutor holding `allocationId` frees that slot on its own and tells the job master
   * (Flink's `failSlot`; the pool drops the slot with `ALLOCATION_FAILED`). Use it to end a slot
   * from the outside; the slot returns to the resource manager's free set.
   *
   * @returns false when no TaskExecutor holds it.
   * @example
   * ```ts
   * rm.freeSlot(allocationId, "task finished");
   * ```
   */
  freeSlot(allocationId: AllocationId, reason = "freed by the TaskExecutor"): boolean {
    for (const te of this.taskExecutors.values()) {
      if (te.state === "running" && te.core.slotOf(allocationId) !== undefined)
        return te.core.failSlot(allocationId, reason);
    }
    return false;
  }

  /**
   * Finishes every task running in the slot of `allocationId` now (successfully): for simulations
   * that decide themselves when a task is done.
   *
   * @returns how many tasks finished.
   * @example
   * ```ts
   * rm.finishTasks(lease.slot.allocationId);
   * ```
   */
  finishTasks(allocationId: AllocationId): number {
    for (const te of this.taskExecutors.values()) {
      if (te.state === "running" && te.core.slotOf(allocationId) !== undefined)
        return te.core.finishTasks(allocationId);
    }
    return 0;
  }

  /**
   * A snapshot: the resource manager's view, every running TaskExecutor's slot table, and the
   * messages in flight.
   *
   * @example
   * ```ts
   * rm.inspect().taskExecutors.map((te) => te.slots.filter((s) => s.state === "active").length);
   * ```
   */
  inspect(): EmbeddedClusterState {
    return {
      resourceManager: this.core.inspect(),
      taskExecutors: [...this.taskExecutors.values()].map((te) => ({
        resourceId: te.config.resourceId,
        host: te.config.host,
        state: te.state === "frozen" ? "frozen" : "running",
        elastic: te.elastic,
        slots: te.core.slots(),
        stats: { ...te.stats },
      })),
      messagesInFlight: this.mailbox.size,
    };
  }

  /**
   * Where `allocationId` lives on the TaskExecutors, if anywhere.
   *
   * @example
   * ```ts
   * rm.slotOf(lease.slot.allocationId)?.state; // "active"
   * ```
   */
  slotOf(allocationId: AllocationId): (TaskExecutorSlotView & { readonly resourceId: ResourceId }) | undefined {
    for (const te of this.taskExecutors.values()) {
      const slot = te.core.slotOf(allocationId);
      if (slot !== undefined) return { ...slot, resourceId: te.config.resourceId };
    }
    return undefined;
  }

  /** Counters; see {@link EmbeddedResourceManagerStats}. */
  get stats(): EmbeddedResourceManagerStats {
    const tes = { ...this.retired };
    for (const te of this.taskExecutors.values()) addStats(tes, te.stats);
    for (const te of this.frozenDead.values()) addStats(tes, te.stats);
    const rm = { ...this.core.stats };
    const jm = { ...this.connections.stats };
    return {
      resourceManager: rm,
      taskExecutors: tes,
      jobMasterSide: jm,
      staleMessages: rm.staleMessages + tes.staleMessages + jm.staleMessages,
      offersDropped: this.offersDropped,
      offersDuplicated: this.offersDuplicated,
      offersDelayed: this.offersDelayed,
    };
  }

  /**
   * Messages between the job masters, the resource manager and the TaskExecutors that are sent but
   * not yet delivered (a simulation is not quiet while any is in flight).
   *
   * @example
   * ```ts
   * while (rm.messagesInFlight > 0) scheduler.advanceBy(1);
   * ```
   */
  get messagesInFlight(): number {
    return this.mailbox.size;
  }

  /**
   * Stops everything: TaskExecutors die, pending timers are cancelled, running tasks fail with
   * `ADAPTER_SHUT_DOWN`, and `messages$` completes. Idempotent.
   *
   * @example
   * ```ts
   * rm.shutdown();
   * ```
   */
  shutdown(): void {
    if (this.shutDown) return;
    this.shutDown = true;
    for (const start of this.scheduledStarts.values()) start.unsubscribe();
    this.scheduledStarts.clear();
    for (const te of this.taskExecutors.values()) te.kill();
    this.taskExecutors.clear();
    this.frozenDead.clear();
    this.mailbox.close();
    this.core.dispose(new AdapterShutDownError("The embedded resource manager was shut down."));
    this.connections.failAll(new AdapterShutDownError("The embedded resource manager was shut down."));
    this.subject.complete();
  }

  // ---------------------------------------------------------------- internals

  private launch(id: ResourceId, host: string, slots: number, profile: ResourceSpec, elastic: boolean): void {
    if (this.shutDown) return;
    const te: SimulatedTaskExecutor = new SimulatedTaskExecutor(
      {
        resourceId: id,
        host,
        slots: new Array<ResourceSpec>(slots).fill(profile),
        offerTimeoutMs: this.offerTimeoutMs,
      },
      elastic,
      this.scheduler,
      (message) => this.fromTaskExecutor(te, message),
      this.deferToMailbox,
    );
    this.taskExecutors.set(id, te);
    te.start();
  }

  private readonly deferToMailbox = (task: () => void): void => this.mailbox.defer(task);

  private startElastic(): ResourceId | undefined {
    const elastic = this.elastic;
    if (elastic === undefined || this.shutDown) return undefined;
    let id: ResourceId;
    do id = makeResourceId(`${elastic.idPrefix}${++this.elasticSeq}`);
    while (this.taskExecutors.has(id) || this.scheduledStarts.has(id));
    const host = elastic.hostOf(this.elasticSeq, id);
    const start = (): void => {
      this.scheduledStarts.delete(id);
      this.launch(
        id,
        typeof host === "string" && host.length > 0 ? host : id,
        elastic.slotsPerTaskExecutor,
        elastic.slotProfile,
        true,
      );
    };
    this.scheduledStarts.set(id, this.scheduler.schedule(start, elastic.startupMs));
    return id;
  }

  /** Kills a TaskExecutor; a frozen one declared dead (`keepIfFrozen`) can come back when thawed. */
  private killTaskExecutor(id: ResourceId, keepIfFrozen: boolean): void {
    const start = this.scheduledStarts.get(id);
    if (start !== undefined) {
      start.unsubscribe();
      this.scheduledStarts.delete(id);
    }
    const te = this.taskExecutors.get(id);
    if (te === undefined) return;
    this.taskExecutors.delete(id);
    if (keepIfFrozen && te.state === "frozen") {
      // Kept so that thawing it brings it back as a new process.
      te.kill();
      this.frozenDead.set(id, te);
      return;
    }
    addStats(this.retired, te.stats);
    te.kill();
  }

  private fromTaskExecutor(te: SimulatedTaskExecutor, message: TaskExecutorOutbound): void {
    if (isResourceManagerBound(message)) {
      this.mailbox.post(this.toResourceManager, message);
      return;
    }
    if (message.type === "offerSlots" && this.faults.length > 0) {
      const fault = this.takeFault(te.config.resourceId);
      if (fault !== undefined) {
        if (fault.kind === "drop") {
          this.offersDropped++;
          return;
        }
        if (fault.kind === "duplicate") {
          this.offersDuplicated++;
          this.mailbox.post(this.toJobMaster, message);
        } else {
          this.offersDelayed++;
          this.mailbox.postDelayed(this.toJobMaster, message, fault.delayMs);
          return;
        }
      }
    }
    this.mailbox.post(this.toJobMaster, message);
  }

  private takeFault(id: ResourceId): OfferFault | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const active = this.faults[i] as ActiveFault;
      if (active.fault.taskExecutor !== undefined && active.fault.taskExecutor !== id) continue;
      if (--active.remaining === 0) this.faults.splice(i, 1);
      return active.fault;
    }
    return undefined;
  }
}

function addStats(into: TaskExecutorStats, from: TaskExecutorStats): void {
  into.staleMessages += from.staleMessages;
  into.offerRounds += from.offerRounds;
  into.offerRetries += from.offerRetries;
  into.tasksStarted += from.tasksStarted;
  into.tasksSucceeded += from.tasksSucceeded;
  into.tasksFailed += from.tasksFailed;
  into.tasksCancelled += from.tasksCancelled;
}
