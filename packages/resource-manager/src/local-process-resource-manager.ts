import {
  resourceId as makeResourceId,
  type ResourceId,
  ResourceProfile,
  type ResourceSpec,
  TaskManagerLostError,
} from "@slotpool/core";
import { asapScheduler, asyncScheduler, type SchedulerLike, type Subscription } from "rxjs";
import { AdapterShutDownError, ProtocolViolationError, WorkerStartError } from "./errors.js";
import { nonNegative, positiveInteger, rethrowLater } from "./option-checks.js";
import { isResourceManagerBound } from "./protocol.js";
import { parseTaskExecutorMessage, type WorkerConfig } from "./protocol-validation.js";
import { ResourceManagerBase, type WorkerDriver } from "./resource-manager-base.js";
import type { ResourceManagerStats, ResourceManagerView } from "./resource-manager-core.js";
import { type SlotChoiceStrategy, spreadSlots } from "./slot-choice-strategy.js";
import type { ConnectionStats } from "./task-executor-connections.js";
import { defaultWorkerLaunch, type WorkerLaunch, WorkerProcess } from "./worker-process.js";

/**
 * Where the local-process adapter reports what it drops (malformed messages) and what workers log.
 *
 * @example
 * ```ts
 * const logger: LocalProcessLogger = { warn: (m) => log.push(m) };
 * ```
 */
export interface LocalProcessLogger {
  warn(message: string): void;
  info?(message: string): void;
}

/**
 * Options of {@link LocalProcessResourceManager}.
 *
 * @example
 * ```ts
 * new LocalProcessResourceManager({ maxWorkers: 3, slotsPerWorker: 2, idleTimeoutMs: 5_000 });
 * ```
 */
export interface LocalProcessResourceManagerOptions {
  /** At most this many worker processes run or start at once. */
  readonly maxWorkers: number;
  /** Workers started at once (default 0: all on demand). */
  readonly initialWorkers?: number;
  /** Default 1. */
  readonly slotsPerWorker?: number;
  /** Default `{ cpu: 1, memoryMb: 1024 }`. */
  readonly slotProfile?: ResourceSpec;
  /** The host every worker reports (all run on this machine); default `"localhost"`. */
  readonly host?: string;
  /** Runs the adapter's timers; default `asyncScheduler` (real time: the workers are real processes). */
  readonly scheduler?: SchedulerLike;
  /** A worker that has not registered this long after it was forked is killed; default 30 000. */
  readonly workerStartTimeoutMs?: number;
  /** A worker whose slots are all free this long is stopped; default 30 000. `Infinity` keeps them. */
  readonly idleTimeoutMs?: number;
  /** A worker that does not acknowledge a slot reservation this long is lost; default 10 000. */
  readonly taskExecutorRequestTimeoutMs?: number;
  /** An unanswered offer round is sent again after this long; default 10 000. */
  readonly offerTimeoutMs?: number;
  /** Which free slot the resource manager reserves; default {@link spreadSlots}. */
  readonly slotChoice?: SlotChoiceStrategy;
  /** Offer every free slot to the job master as soon as possible (default false: on request). */
  readonly offerAllSlots?: boolean;
  /** The worker entry module; default the one shipped in this package. */
  readonly workerEntry?: string;
  /** Node options of the workers; default: none for the built entry, tsx for the `.ts` source. */
  readonly execArgv?: readonly string[];
  /** Extra environment variables of the workers. */
  readonly env?: Readonly<Record<string, string>>;
  /** Every worker exits by itself after this long (a safety net, e.g. in tests); default never. */
  readonly workerMaxLifetimeMs?: number;
  /** How long a stopped worker gets to exit before SIGKILL; default 1 000. */
  readonly shutdownGraceMs?: number;
  /** Worker ids are `${idPrefix}${n}`; default `"worker-"`. */
  readonly idPrefix?: string;
  /** Default: `console`. */
  readonly logger?: LocalProcessLogger;
  /** Called with errors thrown while handling a message (a bug); default: rethrown asynchronously. */
  readonly onError?: (error: unknown) => void;
}

/**
 * One worker process, as {@link LocalProcessResourceManager.inspect} shows it.
 *
 * @example
 * ```ts
 * rm.inspect().workers.map((w) => w.pid);
 * ```
 */
export interface LocalWorkerView {
  readonly resourceId: ResourceId;
  readonly pid: number | undefined;
  /** It sent its registration. */
  readonly registered: boolean;
  /** It is being stopped. */
  readonly stopping: boolean;
}

/**
 * A snapshot of the local-process cluster.
 *
 * @example
 * ```ts
 * rm.inspect().resourceManager.pendingRequests.length;
 * ```
 */
export interface LocalProcessClusterState {
  readonly resourceManager: ResourceManagerView;
  readonly workers: readonly LocalWorkerView[];
}

/**
 * Counters of the local-process cluster.
 *
 * @example
 * ```ts
 * rm.stats.malformedMessages; // messages from workers that failed validation (dropped)
 * ```
 */
export interface LocalProcessResourceManagerStats {
  readonly resourceManager: Readonly<ResourceManagerStats>;
  readonly jobMasterSide: Readonly<ConnectionStats>;
  readonly workersStarted: number;
  readonly workersExited: number;
  /** Workers killed because they did not register in time. */
  readonly workerStartTimeouts: number;
  /** Messages from workers that failed validation and were dropped. */
  readonly malformedMessages: number;
  /** Malformed messages that workers reported dropping. */
  readonly malformedMessagesAtWorkers: number;
}

interface WorkerEntry {
  readonly process: WorkerProcess;
  registered: boolean;
  stopping: boolean;
  startTimer: Subscription | undefined;
  /** SIGKILL after the grace period of a graceful stop. */
  killTimer: Subscription | undefined;
}

/**
 * The local-process resource manager: every TaskExecutor is a real Node child process (the worker
 * entry shipped in this package, forked with an IPC channel) that registers, answers heartbeats,
 * offers slots and runs tasks. Workers start on demand up to `maxWorkers` and stop when idle;
 * every message between the processes follows the versioned schema and is validated on both sides
 * (a malformed one is logged and dropped). A crashed worker is noticed by its exit, a hung one by the
 * job master's heartbeat timeout (it is then killed); either way its slots leave the pool and its
 * tasks fail with `TASK_MANAGER_LOST`. {@link LocalProcessResourceManager.shutdown} — and the
 * parent's exit or Ctrl-C — leave no worker behind.
 *
 * @example
 * ```ts
 * const rm = new LocalProcessResourceManager({ maxWorkers: 3 });
 * const pool = new SlotPool();
 * const link = connectResourceManager(pool, rm, { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 500 });
 * link.grantLeadership(jobMasterId("jm-1"));
 * const lease = await pool.allocateSlot({}).result.promise;
 * const te = lease.slot.gateway as TaskExecutorConnection;
 * await firstValueFrom(te.submitTask(lease.slot.allocationId, { kind: "sleep", durationMs: 50 }));
 * await rm.shutdown();
 * ```
 */
export class LocalProcessResourceManager extends ResourceManagerBase {
  protected readonly driver: WorkerDriver;
  private readonly workers = new Map<ResourceId, WorkerEntry>();
  private readonly launch: WorkerLaunch;
  private readonly logger: LocalProcessLogger;
  private readonly slots: readonly ResourceSpec[];
  private readonly host: string;
  private readonly idPrefix: string;
  private readonly startTimeoutMs: number;
  private readonly offerTimeoutMs: number;
  private readonly maxLifetimeMs: number;
  private readonly graceMs: number;
  private seq = 0;
  private workersStarted = 0;
  private workersExited = 0;
  private workerStartTimeouts = 0;
  private malformedMessages = 0;
  private malformedAtWorkers = 0;
  private shutDown: Promise<void> | undefined;

  constructor(options: LocalProcessResourceManagerOptions) {
    const scheduler = options.scheduler ?? asyncScheduler;
    const maxWorkers = nonNegative(options.maxWorkers, 0, "maxWorkers");
    const slotsPerWorker = positiveInteger(options.slotsPerWorker, 1, "slotsPerWorker");
    const slotProfile = options.slotProfile ?? { cpu: 1, memoryMb: 1024 };
    // Messages between the parties in this process go out as soon as the current work is done
    // (a microtask with the default real-time scheduler), not after a timer tick.
    const dispatch = options.scheduler === undefined ? asapScheduler : scheduler;
    super(
      scheduler,
      0,
      options.onError ?? rethrowLater,
      {
        slotChoice: options.slotChoice ?? spreadSlots,
        offerAllSlots: options.offerAllSlots ?? false,
        taskExecutorRequestTimeoutMs: nonNegative(
          options.taskExecutorRequestTimeoutMs,
          10_000,
          "taskExecutorRequestTimeoutMs",
        ),
        elastic: {
          maxTaskExecutors: maxWorkers,
          slotsPerTaskExecutor: slotsPerWorker,
          slotProfile: ResourceProfile.of(slotProfile, "slotProfile"),
          idleTimeoutMs: nonNegative(options.idleTimeoutMs, 30_000, "idleTimeoutMs"),
        },
        sessionPrefix: "local-rm-",
      },
      dispatch,
    );
    this.slots = new Array<ResourceSpec>(slotsPerWorker).fill(slotProfile);
    this.host = options.host ?? "localhost";
    this.idPrefix = options.idPrefix ?? "worker-";
    this.startTimeoutMs = nonNegative(options.workerStartTimeoutMs, 30_000, "workerStartTimeoutMs");
    this.offerTimeoutMs = nonNegative(options.offerTimeoutMs, 10_000, "offerTimeoutMs");
    this.maxLifetimeMs = nonNegative(options.workerMaxLifetimeMs, Number.POSITIVE_INFINITY, "workerMaxLifetimeMs");
    this.graceMs = nonNegative(options.shutdownGraceMs, 1_000, "shutdownGraceMs");
    this.logger = options.logger ?? console;
    const defaults = defaultWorkerLaunch();
    this.launch = {
      entry: options.workerEntry ?? defaults.entry,
      execArgv: options.execArgv ?? (options.workerEntry === undefined ? defaults.execArgv : []),
      env: options.env ?? {},
    };
    this.driver = {
      sendToTaskExecutor: (id, message) => {
        this.workers.get(id)?.process.send(message);
      },
      startWorker: () => this.startWorker(),
      stopWorker: (id, _cause, graceful) => this.stopWorker(id, graceful),
      liveWorkers: () => [...this.workers.values()].filter((w) => !w.stopping).map((w) => w.process.resourceId),
    };
    const initial = nonNegative(options.initialWorkers, 0, "initialWorkers");
    if (initial > 0) this.core.startWorkers(initial);
  }

  /**
   * The pids of the worker processes that have not exited (for diagnostics and tests).
   *
   * @example
   * ```ts
   * for (const pid of rm.workerPids()) process.kill(pid, 0);
   * ```
   */
  workerPids(): number[] {
    const pids: number[] = [];
    for (const w of this.workers.values()) if (w.process.alive && w.process.pid !== undefined) pids.push(w.process.pid);
    return pids;
  }

  /**
   * The pid of a worker, if it runs.
   *
   * @example
   * ```ts
   * process.kill(rm.pidOf(lease.slot.location.resourceId)!, "SIGKILL");
   * ```
   */
  pidOf(resourceId: ResourceId): number | undefined {
    const w = this.workers.get(resourceId);
    return w?.process.alive ? w.process.pid : undefined;
  }

  /**
   * A snapshot: the resource manager's view and the worker processes.
   *
   * @example
   * ```ts
   * rm.inspect().workers.filter((w) => w.registered).length;
   * ```
   */
  inspect(): LocalProcessClusterState {
    return {
      resourceManager: this.core.inspect(),
      workers: [...this.workers.values()].map((w) => ({
        resourceId: w.process.resourceId,
        pid: w.process.pid,
        registered: w.registered,
        stopping: w.stopping,
      })),
    };
  }

  /** Counters; see {@link LocalProcessResourceManagerStats}. */
  get stats(): LocalProcessResourceManagerStats {
    return {
      resourceManager: { ...this.core.stats },
      jobMasterSide: { ...this.connections.stats },
      workersStarted: this.workersStarted,
      workersExited: this.workersExited,
      workerStartTimeouts: this.workerStartTimeouts,
      malformedMessages: this.malformedMessages,
      malformedMessagesAtWorkers: this.malformedAtWorkers,
    };
  }

  /**
   * Stops every worker (asks it to exit, SIGKILL after `shutdownGraceMs`), fails running tasks with
   * `ADAPTER_SHUT_DOWN`, and completes `messages$`. Resolves when every worker process has exited.
   * Idempotent.
   *
   * @example
   * ```ts
   * afterEach(() => rm.shutdown());
   * ```
   */
  shutdown(): Promise<void> {
    if (this.shutDown !== undefined) return this.shutDown;
    const error = new AdapterShutDownError("The local-process resource manager was shut down.");
    this.core.dispose(error);
    this.mailbox.close();
    this.connections.failAll(error);
    this.subject.complete();
    const exits: Promise<void>[] = [];
    for (const id of [...this.workers.keys()]) {
      const w = this.workers.get(id) as WorkerEntry;
      exits.push(w.process.exited);
      this.stopWorker(id, true);
    }
    this.shutDown = Promise.all(exits).then(() => undefined);
    return this.shutDown;
  }

  // ---------------------------------------------------------------- internals

  private startWorker(): ResourceId | undefined {
    if (this.shutDown !== undefined) return undefined;
    let id: ResourceId;
    do id = makeResourceId(`${this.idPrefix}${++this.seq}`);
    while (this.workers.has(id));
    const config: WorkerConfig = {
      v: 1,
      resourceId: id,
      host: this.host,
      slots: this.slots,
      offerTimeoutMs: this.offerTimeoutMs,
      maxLifetimeMs: this.maxLifetimeMs === Number.POSITIVE_INFINITY ? null : this.maxLifetimeMs,
    };
    const entry: WorkerEntry = {
      process: new WorkerProcess(
        config,
        this.launch,
        (raw) => this.onWorkerMessage(entry, raw),
        (code, signal) => this.onWorkerExit(entry, code, signal),
      ),
      registered: false,
      stopping: false,
      startTimer: undefined,
      killTimer: undefined,
    };
    this.workers.set(id, entry);
    this.workersStarted++;
    if (this.startTimeoutMs !== Number.POSITIVE_INFINITY) {
      entry.startTimer = this.scheduler.schedule(() => {
        entry.startTimer = undefined;
        if (entry.registered || !entry.process.alive) return;
        this.workerStartTimeouts++;
        entry.stopping = true;
        entry.process.kill("SIGKILL");
        this.mailbox.post(this.onLost, {
          id,
          cause: new WorkerStartError(`Worker ${id} did not register within ${this.startTimeoutMs} ms.`),
        });
      }, this.startTimeoutMs);
    }
    return id;
  }

  private stopWorker(id: ResourceId, graceful: boolean): void {
    const w = this.workers.get(id);
    if (w === undefined) return;
    w.startTimer?.unsubscribe();
    w.startTimer = undefined;
    if (!graceful || this.graceMs === 0) {
      w.stopping = true;
      w.process.kill("SIGKILL");
      return;
    }
    if (w.stopping) return;
    w.stopping = true;
    w.process.send({ type: "shutdown" });
    w.killTimer = this.scheduler.schedule(() => w.process.kill("SIGKILL"), this.graceMs);
  }

  private onWorkerMessage(w: WorkerEntry, raw: unknown): void {
    const parsed = parseTaskExecutorMessage(raw);
    const id = w.process.resourceId;
    if (!parsed.ok) {
      this.malformedMessages++;
      this.logger.warn(new ProtocolViolationError(`Dropped a malformed message from ${id}: ${parsed.error}`).message);
      return;
    }
    const message = parsed.value;
    if (message.type === "log") {
      if (message.message.includes("malformed")) this.malformedAtWorkers++;
      if (message.level === "warn") this.logger.warn(message.message);
      else this.logger.info?.(message.message);
      return;
    }
    if (message.resourceId !== id) {
      this.malformedMessages++;
      this.logger.warn(
        new ProtocolViolationError(`Dropped a message from ${id} that claims to come from ${message.resourceId}.`)
          .message,
      );
      return;
    }
    if (w.stopping) return;
    if (message.type === "register") {
      w.registered = true;
      w.startTimer?.unsubscribe();
      w.startTimer = undefined;
    }
    if (isResourceManagerBound(message)) this.mailbox.post(this.toResourceManager, message);
    else this.mailbox.post(this.toJobMaster, message);
  }

  private onWorkerExit(w: WorkerEntry, code: number | null, signal: NodeJS.Signals | null): void {
    const id = w.process.resourceId;
    if (this.workers.get(id) === w) this.workers.delete(id);
    this.workersExited++;
    w.startTimer?.unsubscribe();
    w.killTimer?.unsubscribe();
    if (this.shutDown !== undefined) return;
    const how = signal !== null ? `signal ${signal}` : `exit code ${code ?? "unknown"}`;
    const cause = new TaskManagerLostError(`Worker ${id} (pid ${w.process.pid ?? "none"}) exited with ${how}.`);
    this.mailbox.post(this.onLost, { id, cause });
  }
}
