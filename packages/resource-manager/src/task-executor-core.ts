import type { AllocationId, JobMasterId, ResourceId, ResourceSpec } from "@slotpool/core";
import type { Observable, SchedulerLike, Subscription } from "rxjs";
import type {
  JsonValue,
  ResourceManagerId,
  SlotReportEntry,
  TaskExecutorInbound,
  TaskExecutorOutbound,
  TaskOutcome,
  TaskSpec,
  WireSlotOffer,
} from "./protocol.js";

/**
 * What a TaskExecutor is: its id, host, slots, and how long it waits for an answer to a slot offer
 * before offering again.
 *
 * @example
 * ```ts
 * const config: TaskExecutorConfig = {
 *   resourceId: resourceId("tm-1"), host: "host-a",
 *   slots: [{ cpu: 1, memoryMb: 1024 }, { cpu: 1, memoryMb: 1024 }], offerTimeoutMs: 10_000,
 * };
 * ```
 */
export interface TaskExecutorConfig {
  readonly resourceId: ResourceId;
  readonly host: string;
  /** One profile per slot; the slot index is the position. */
  readonly slots: readonly ResourceSpec[];
  /** An offer round not answered within this time is offered again (Flink re-offers on timeout). `Infinity` disables. */
  readonly offerTimeoutMs: number;
}

/**
 * What a {@link TaskExecutorCore} needs from where it runs: a scheduler for its timers, a way to send
 * messages (to the resource manager or a job master; see `isResourceManagerBound`), and a way to run tasks.
 *
 * @example
 * ```ts
 * const env: TaskExecutorEnvironment = { scheduler: asyncScheduler, send: (m) => process.send?.(m), runTask };
 * ```
 */
export interface TaskExecutorEnvironment {
  readonly scheduler: SchedulerLike;
  send(message: TaskExecutorOutbound): void;
  /** Runs a task: emits its result (at most once) and completes, or errors. Unsubscribing cancels it. */
  runTask(task: TaskSpec): Observable<JsonValue>;
  /**
   * Optional: runs `task` once the messages being delivered now are handled (before time moves on).
   * With it, slots reserved by a burst of requests are offered in one round.
   */
  readonly defer?: (task: () => void) => void;
}

/**
 * The state of one slot on a TaskExecutor: `free`; `reserved` for an allocation (its job has no
 * known leader yet); `offered` to the job's leader (waiting for the answer); `active` (accepted, or
 * a task was submitted to it).
 *
 * @example
 * ```ts
 * const s: TaskExecutorSlotState = "offered";
 * ```
 */
export type TaskExecutorSlotState = "free" | "reserved" | "offered" | "active";

/**
 * A read-only view of one slot of a TaskExecutor.
 *
 * @example
 * ```ts
 * core.slots().filter((s) => s.state === "active").map((s) => s.allocationId);
 * ```
 */
export interface TaskExecutorSlotView {
  readonly index: number;
  readonly profile: ResourceSpec;
  readonly state: TaskExecutorSlotState;
  readonly allocationId: AllocationId | undefined;
  readonly jobId: string | undefined;
  /** Tasks running in the slot. */
  readonly runningTasks: number;
}

/**
 * Counters of one TaskExecutor.
 *
 * @example
 * ```ts
 * core.stats.staleMessages; // messages rejected for a wrong fencing token
 * ```
 */
export interface TaskExecutorStats {
  /** Messages rejected because they carried another session's or term's fencing token. */
  staleMessages: number;
  /** Offer rounds sent (first offers and re-offers). */
  offerRounds: number;
  /** Offer rounds sent again after {@link TaskExecutorConfig.offerTimeoutMs}. */
  offerRetries: number;
  tasksStarted: number;
  tasksSucceeded: number;
  tasksFailed: number;
  tasksCancelled: number;
}

interface Slot {
  readonly index: number;
  readonly profile: ResourceSpec;
  state: TaskExecutorSlotState;
  allocationId: AllocationId | undefined;
  jobId: string | undefined;
  /** The offer round this slot was last offered in. */
  offerId: number;
  tasks: Set<RunningTask> | undefined;
}

interface OfferRound {
  readonly jobId: string;
  readonly jobMasterId: JobMasterId;
  readonly slots: readonly Slot[];
  /** When the round is offered again if still unanswered. */
  readonly deadline: number;
}

interface RunningTask {
  readonly taskId: string;
  readonly slot: Slot;
  readonly jobMasterId: JobMasterId;
  readonly startedAt: number;
  subscription: Subscription | undefined;
  value: JsonValue;
  done: boolean;
}

/**
 * The TaskExecutor side of the protocol, free of any transport: a slot table (free → reserved →
 * offered → active → free), offer rounds with re-offer on timeout, fencing checks on every message,
 * tasks, heartbeat answers, and the job-master connections (opened before the first offer to a job's
 * leader, closed when the TaskExecutor holds no more slots of the job). The embedded adapter runs it
 * in-process; the local-process adapter runs it in a worker process.
 *
 * @example
 * ```ts
 * const te = new TaskExecutorCore(config, { scheduler, send: (m) => outbox.push(m), runTask });
 * te.start(); // sends "register" to the resource manager
 * te.receive({ type: "registrationAccepted", resourceManagerId });
 * ```
 */
export class TaskExecutorCore {
  /** The TaskExecutor's configuration. */
  readonly config: TaskExecutorConfig;
  /** Counters; see {@link TaskExecutorStats}. */
  readonly stats: TaskExecutorStats = {
    staleMessages: 0,
    offerRounds: 0,
    offerRetries: 0,
    tasksStarted: 0,
    tasksSucceeded: 0,
    tasksFailed: 0,
    tasksCancelled: 0,
  };

  private readonly env: TaskExecutorEnvironment;
  private readonly table: Slot[];
  private readonly byAllocation = new Map<AllocationId, Slot>();
  /** Job → the leader the resource manager named (null: none). */
  private readonly leaders = new Map<string, JobMasterId | null>();
  /** Job → the leader this TaskExecutor registered with. */
  private readonly connected = new Map<string, JobMasterId>();
  /** Job → slots not free. */
  private readonly jobSlots = new Map<string, number>();
  /** Unanswered offer rounds, oldest (earliest deadline) first. */
  private readonly rounds = new Map<number, OfferRound>();
  /** One timer for all rounds, armed for the earliest deadline; left running when rounds are answered. */
  private offerTimer: Subscription | undefined;
  private readonly tasks = new Map<string, RunningTask>();
  /** Job → slots to offer when the current batch of messages is handled (with `env.defer`). */
  private readonly pendingOffers = new Map<string, Set<Slot>>();
  private flushScheduled = false;
  private resourceManagerId: ResourceManagerId | null = null;
  private nextOfferId = 1;
  private stopped = false;

  constructor(config: TaskExecutorConfig, env: TaskExecutorEnvironment) {
    this.config = config;
    this.env = env;
    this.table = config.slots.map((profile, index) => ({
      index,
      profile,
      state: "free" as TaskExecutorSlotState,
      allocationId: undefined,
      jobId: undefined,
      offerId: 0,
      tasks: undefined,
    }));
  }

  /** The resource-manager session this TaskExecutor is registered with, if any. */
  get registeredWith(): ResourceManagerId | null {
    return this.resourceManagerId;
  }

  /**
   * Registers with the resource manager (sends `register` with a full slot report).
   *
   * @example
   * ```ts
   * te.start();
   * ```
   */
  start(): void {
    this.sendRegistration();
  }

  /**
   * Stops the TaskExecutor: cancels its timers and tasks without reporting anything (a stopped
   * process says nothing). Further messages are ignored.
   *
   * @example
   * ```ts
   * te.stop();
   * ```
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.offerTimer?.unsubscribe();
    this.offerTimer = undefined;
    this.rounds.clear();
    for (const task of this.tasks.values()) {
      task.done = true;
      task.subscription?.unsubscribe();
    }
    this.tasks.clear();
  }

  /**
   * Handles one message from the resource manager or a job master. Messages with a stale fencing
   * token are counted in {@link TaskExecutorStats.staleMessages} and dropped.
   *
   * @example
   * ```ts
   * te.receive({ type: "heartbeatRequest", jobMasterId });
   * ```
   */
  receive(message: TaskExecutorInbound): void {
    if (this.stopped) return;
    switch (message.type) {
      case "registrationAccepted":
        this.resourceManagerId = message.resourceManagerId;
        return;
      case "reconnect":
        this.resourceManagerId = message.resourceManagerId;
        this.sendRegistration();
        return;
      case "requestSlot":
        if (!this.fromCurrentResourceManager(message.resourceManagerId)) return;
        this.onRequestSlot(message.slotIndex, message.allocationId, message.jobId, message.jobMasterId);
        return;
      case "cancelSlot": {
        if (!this.fromCurrentResourceManager(message.resourceManagerId)) return;
        const slot = this.byAllocation.get(message.allocationId);
        if (slot !== undefined && slot.state === "reserved") this.freeSlotInternal(slot, "request cancelled", true);
        return;
      }
      case "jobMasterChanged":
        if (!this.fromCurrentResourceManager(message.resourceManagerId)) return;
        this.updateLeader(message.jobId, message.jobMasterId);
        return;
      case "offerAnswer":
        this.onOfferAnswer(message.jobMasterId, message.offerId, message.accepted);
        return;
      case "freeSlot": {
        const slot = this.byAllocation.get(message.allocationId);
        if (slot === undefined || slot.jobId === undefined) return;
        if (!this.fromJobLeader(slot.jobId, message.jobMasterId)) return;
        this.freeSlotInternal(slot, message.reason, true);
        return;
      }
      case "submitTask":
        this.onSubmitTask(message.jobMasterId, message.allocationId, message.taskId, message.task);
        return;
      case "cancelTask": {
        const task = this.tasks.get(message.taskId);
        if (task === undefined) return;
        if (task.jobMasterId !== message.jobMasterId) {
          this.stats.staleMessages++;
          return;
        }
        this.endTask(task, "cancelled", null, "cancelled by the job master");
        return;
      }
      case "heartbeatRequest": {
        let job: string | undefined;
        for (const [jobId, token] of this.connected) {
          if (token === message.jobMasterId) {
            job = jobId;
            break;
          }
        }
        if (job === undefined) {
          this.stats.staleMessages++;
          return;
        }
        this.env.send({
          type: "heartbeat",
          jobMasterId: message.jobMasterId,
          resourceId: this.config.resourceId,
          activeSlots: this.jobSlots.get(job) ?? 0,
        });
        return;
      }
    }
  }

  /**
   * Frees a slot on the TaskExecutor's own initiative and tells the job master (Flink's `failSlot`):
   * its tasks are cancelled and the slot goes back to the resource manager.
   *
   * @returns false when no slot holds that allocation.
   * @example
   * ```ts
   * te.failSlot(allocationId, "disk full");
   * ```
   */
  failSlot(allocationId: AllocationId, reason: string): boolean {
    const slot = this.byAllocation.get(allocationId);
    if (slot === undefined || this.stopped) return false;
    const jobId = slot.jobId;
    const token = jobId === undefined ? undefined : this.connected.get(jobId);
    if (token !== undefined) {
      this.env.send({
        type: "slotFailed",
        jobMasterId: token,
        resourceId: this.config.resourceId,
        allocationId,
        reason,
      });
    }
    this.freeSlotInternal(slot, reason, true);
    return true;
  }

  /**
   * Ends every task running in the slot of `allocationId` now, successfully with a `null` value
   * (for simulations that decide when a task is done).
   *
   * @returns how many tasks were finished.
   * @example
   * ```ts
   * te.finishTasks(allocationId);
   * ```
   */
  finishTasks(allocationId: AllocationId): number {
    const slot = this.byAllocation.get(allocationId);
    if (slot?.tasks === undefined) return 0;
    let n = 0;
    for (const task of [...slot.tasks]) {
      this.endTask(task, "succeeded", task.value, null);
      n++;
    }
    return n;
  }

  /**
   * A snapshot of the slot table.
   *
   * @example
   * ```ts
   * te.slots()[0]?.state; // "free"
   * ```
   */
  slots(): TaskExecutorSlotView[] {
    return this.table.map((s) => ({
      index: s.index,
      profile: s.profile,
      state: s.state,
      allocationId: s.allocationId,
      jobId: s.jobId,
      runningTasks: s.tasks?.size ?? 0,
    }));
  }

  /**
   * The slot holding `allocationId`, if any.
   *
   * @example
   * ```ts
   * te.slotOf(allocationId)?.state; // "active"
   * ```
   */
  slotOf(allocationId: AllocationId): TaskExecutorSlotView | undefined {
    const s = this.byAllocation.get(allocationId);
    if (s === undefined) return undefined;
    return {
      index: s.index,
      profile: s.profile,
      state: s.state,
      allocationId: s.allocationId,
      jobId: s.jobId,
      runningTasks: s.tasks?.size ?? 0,
    };
  }

  // ---------------------------------------------------------------- internals

  private fromCurrentResourceManager(token: ResourceManagerId): boolean {
    if (token === this.resourceManagerId) return true;
    this.stats.staleMessages++;
    return false;
  }

  private fromJobLeader(jobId: string, token: JobMasterId): boolean {
    if (token === (this.connected.get(jobId) ?? this.leaders.get(jobId))) return true;
    this.stats.staleMessages++;
    return false;
  }

  private sendRegistration(): void {
    if (this.stopped) return;
    const slots: SlotReportEntry[] = this.table.map((s) => ({
      profile: s.profile,
      allocationId: s.allocationId ?? null,
      jobId: s.jobId ?? null,
    }));
    this.env.send({
      type: "register",
      resourceManagerId: this.resourceManagerId,
      resourceId: this.config.resourceId,
      host: this.config.host,
      slots,
    });
  }

  private answerSlotRequest(allocationId: AllocationId, accepted: boolean, reason: string | null): void {
    this.env.send({
      type: "slotRequestAnswer",
      resourceManagerId: this.resourceManagerId,
      resourceId: this.config.resourceId,
      allocationId,
      accepted,
      reason,
    });
  }

  private onRequestSlot(slotIndex: number, allocationId: AllocationId, jobId: string, jobMasterId: JobMasterId): void {
    const known = this.byAllocation.get(allocationId);
    if (known !== undefined) {
      // A repeated request for the same slot is acknowledged again; anything else is a conflict.
      const same = known.index === slotIndex && known.jobId === jobId;
      this.answerSlotRequest(allocationId, same, same ? null : `allocation ${allocationId} is on slot ${known.index}`);
      return;
    }
    const slot = this.table[slotIndex];
    if (slot === undefined) {
      this.answerSlotRequest(allocationId, false, `no slot ${slotIndex}`);
      return;
    }
    if (slot.state !== "free") {
      this.answerSlotRequest(allocationId, false, `slot ${slotIndex} is ${slot.state} for ${slot.allocationId}`);
      return;
    }
    slot.state = "reserved";
    slot.allocationId = allocationId;
    slot.jobId = jobId;
    this.byAllocation.set(allocationId, slot);
    this.jobSlots.set(jobId, (this.jobSlots.get(jobId) ?? 0) + 1);
    this.answerSlotRequest(allocationId, true, null);
    if (this.leaders.get(jobId) !== jobMasterId) {
      // The resource manager names the job's current leader: switching re-offers the job's other slots too.
      this.updateLeader(jobId, jobMasterId);
    } else {
      this.offer(jobId, [slot]);
    }
  }

  private updateLeader(jobId: string, token: JobMasterId | null): void {
    const previous = this.leaders.get(jobId);
    this.leaders.set(jobId, token);
    if (token === null) {
      this.connected.delete(jobId);
      // Slots wait (reserved) for the next leader.
      for (const slot of this.table) if (slot.jobId === jobId && slot.state === "offered") slot.state = "reserved";
      return;
    }
    if (previous === token && this.connected.get(jobId) === token) return;
    const slots = this.table.filter((s) => s.jobId === jobId && s.state !== "free");
    if (slots.length > 0) this.offer(jobId, slots);
  }

  /**
   * Offers `slots` to the job's leader. With a `defer` hook, slots offered while a batch of
   * messages is handled are collected and go out together, as one round per job (like Flink's
   * TaskExecutor, which offers every slot reserved for the job in one call).
   */
  private offer(jobId: string, slots: readonly Slot[]): void {
    const token = this.leaders.get(jobId);
    if (token === undefined || token === null) {
      for (const slot of slots) slot.state = "reserved";
      return;
    }
    const defer = this.env.defer;
    if (defer === undefined) {
      this.sendOffer(jobId, token, slots);
      return;
    }
    let batch = this.pendingOffers.get(jobId);
    if (batch === undefined) {
      batch = new Set();
      this.pendingOffers.set(jobId, batch);
    }
    for (const slot of slots) {
      slot.state = "offered";
      slot.offerId = PENDING_OFFER;
      batch.add(slot);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      defer(this.flushOffers);
    }
  }

  private readonly flushOffers = (): void => {
    this.flushScheduled = false;
    if (this.stopped) return;
    const batches = [...this.pendingOffers];
    this.pendingOffers.clear();
    for (const [jobId, batch] of batches) {
      const token = this.leaders.get(jobId);
      const slots: Slot[] = [];
      for (const slot of batch) if (slot.state === "offered" && slot.offerId === PENDING_OFFER) slots.push(slot);
      if (slots.length === 0) continue;
      if (token === undefined || token === null) for (const slot of slots) slot.state = "reserved";
      else this.sendOffer(jobId, token, slots);
    }
  };

  /** Sends one offer round of `slots` to `token` (registering with it first if needed). */
  private sendOffer(jobId: string, token: JobMasterId, slots: readonly Slot[]): void {
    if (this.connected.get(jobId) !== token) {
      this.connected.set(jobId, token);
      this.env.send({
        type: "registerAtJobMaster",
        jobMasterId: token,
        jobId,
        resourceId: this.config.resourceId,
        host: this.config.host,
      });
    }
    const offerId = this.nextOfferId++;
    const offers: WireSlotOffer[] = [];
    for (const slot of slots) {
      slot.state = "offered";
      slot.offerId = offerId;
      offers.push({ allocationId: slot.allocationId as AllocationId, slotIndex: slot.index, profile: slot.profile });
    }
    const timeout = this.config.offerTimeoutMs;
    this.rounds.set(offerId, { jobId, jobMasterId: token, slots, deadline: this.env.scheduler.now() + timeout });
    this.stats.offerRounds++;
    if (this.offerTimer === undefined && timeout !== Number.POSITIVE_INFINITY) this.armOfferTimer(timeout);
    this.env.send({
      type: "offerSlots",
      jobMasterId: token,
      jobId,
      resourceId: this.config.resourceId,
      offerId,
      offers,
    });
  }

  private armOfferTimer(delay: number): void {
    this.offerTimer = this.env.scheduler.schedule(() => this.onOfferTimer(), Math.max(0, delay));
  }

  /** Offers again every round whose deadline passed, after re-arming for the earliest round left. */
  private onOfferTimer(): void {
    this.offerTimer = undefined;
    if (this.stopped) return;
    const now = this.env.scheduler.now();
    const due: [number, OfferRound][] = [];
    for (const entry of this.rounds) {
      if (entry[1].deadline > now) {
        this.armOfferTimer(entry[1].deadline - now);
        break;
      }
      due.push(entry);
    }
    for (const [offerId] of due) this.rounds.delete(offerId);
    for (const [offerId, round] of due) {
      const again = round.slots.filter((s) => s.offerId === offerId && s.state === "offered");
      if (again.length === 0) continue;
      this.stats.offerRetries++;
      this.offer(round.jobId, again);
    }
  }

  private onOfferAnswer(token: JobMasterId, offerId: number, accepted: readonly AllocationId[]): void {
    const round = this.rounds.get(offerId);
    if (round !== undefined) {
      if (round.jobMasterId !== token) {
        this.stats.staleMessages++;
        return;
      }
      this.rounds.delete(offerId);
      const acceptedSet = accepted.length > 8 ? new Set(accepted) : undefined;
      for (const slot of round.slots) {
        if (slot.offerId !== offerId || slot.state !== "offered") continue;
        const id = slot.allocationId as AllocationId;
        if (acceptedSet === undefined ? accepted.includes(id) : acceptedSet.has(id)) slot.state = "active";
        else this.freeSlotInternal(slot, "offer rejected", false);
      }
    }
    // The answer may come late (its round was superseded) and accept an allocation this
    // TaskExecutor no longer holds for that job master: like Flink's TaskExecutor, report such a
    // slot failed so that the pool drops it instead of keeping a phantom slot.
    for (const id of accepted) {
      const slot = this.byAllocation.get(id);
      if (
        slot !== undefined &&
        slot.jobId !== undefined &&
        (slot.state === "active" || slot.state === "offered") &&
        this.connected.get(slot.jobId) === token
      ) {
        continue;
      }
      this.env.send({
        type: "slotFailed",
        jobMasterId: token,
        resourceId: this.config.resourceId,
        allocationId: id,
        reason: `${this.config.resourceId} does not hold allocation ${id} offered to ${token} any more`,
      });
    }
    if (round !== undefined) this.closeJobConnectionIfEmpty(round.jobId);
  }

  private onSubmitTask(token: JobMasterId, allocationId: AllocationId, taskId: string, task: TaskSpec): void {
    const slot = this.byAllocation.get(allocationId);
    const fail = (error: string): void =>
      this.env.send({
        type: "taskFinished",
        jobMasterId: token,
        resourceId: this.config.resourceId,
        taskId,
        allocationId,
        outcome: "failed",
        value: null,
        error,
        durationMs: 0,
      });
    if (slot === undefined || slot.jobId === undefined) {
      fail(`no slot holds allocation ${allocationId} on ${this.config.resourceId}`);
      return;
    }
    if (token !== this.connected.get(slot.jobId)) {
      this.stats.staleMessages++;
      fail(`stale fencing token ${token}`);
      return;
    }
    if (slot.state !== "offered" && slot.state !== "active") {
      fail(`slot ${slot.index} is ${slot.state}`);
      return;
    }
    // Like Flink's submitTask, a task marks an offered slot active.
    slot.state = "active";
    if (this.tasks.has(taskId)) {
      fail(`task id ${taskId} is already in use`);
      return;
    }
    const running: RunningTask = {
      taskId,
      slot,
      jobMasterId: token,
      startedAt: this.env.scheduler.now(),
      subscription: undefined,
      value: null,
      done: false,
    };
    this.tasks.set(taskId, running);
    if (slot.tasks === undefined) slot.tasks = new Set();
    slot.tasks.add(running);
    this.stats.tasksStarted++;
    let source: Observable<JsonValue>;
    try {
      source = this.env.runTask(task);
    } catch (error) {
      this.endTask(running, "failed", null, describeError(error));
      return;
    }
    const subscription = source.subscribe({
      next: (value) => {
        running.value = value;
      },
      error: (error: unknown) => this.endTask(running, "failed", null, describeError(error)),
      complete: () => this.endTask(running, "succeeded", running.value, null),
    });
    if (running.done) subscription.unsubscribe();
    else running.subscription = subscription;
  }

  private endTask(task: RunningTask, outcome: TaskOutcome, value: JsonValue, error: string | null): void {
    if (task.done) return;
    task.done = true;
    task.subscription?.unsubscribe();
    this.tasks.delete(task.taskId);
    task.slot.tasks?.delete(task);
    if (outcome === "succeeded") this.stats.tasksSucceeded++;
    else if (outcome === "failed") this.stats.tasksFailed++;
    else this.stats.tasksCancelled++;
    this.env.send({
      type: "taskFinished",
      jobMasterId: task.jobMasterId,
      resourceId: this.config.resourceId,
      taskId: task.taskId,
      allocationId: task.slot.allocationId as AllocationId,
      outcome,
      value,
      error,
      durationMs: this.env.scheduler.now() - task.startedAt,
    });
  }

  private freeSlotInternal(slot: Slot, reason: string, closeConnection: boolean): void {
    const allocationId = slot.allocationId;
    const jobId = slot.jobId;
    if (allocationId === undefined || jobId === undefined) return;
    if (slot.tasks !== undefined) {
      for (const task of [...slot.tasks]) this.endTask(task, "cancelled", null, `slot freed: ${reason}`);
      slot.tasks = undefined;
    }
    slot.state = "free";
    slot.allocationId = undefined;
    slot.jobId = undefined;
    slot.offerId = 0;
    this.byAllocation.delete(allocationId);
    const left = (this.jobSlots.get(jobId) ?? 1) - 1;
    if (left > 0) this.jobSlots.set(jobId, left);
    else this.jobSlots.delete(jobId);
    this.env.send({
      type: "slotFreed",
      resourceManagerId: this.resourceManagerId,
      resourceId: this.config.resourceId,
      slotIndex: slot.index,
      allocationId,
    });
    if (closeConnection) this.closeJobConnectionIfEmpty(jobId);
  }

  private closeJobConnectionIfEmpty(jobId: string): void {
    if (this.jobSlots.has(jobId)) return;
    const token = this.connected.get(jobId);
    if (token === undefined) return;
    this.connected.delete(jobId);
    this.env.send({
      type: "disconnectFromJobMaster",
      jobMasterId: token,
      jobId,
      resourceId: this.config.resourceId,
      reason: `${this.config.resourceId} holds no more slots of job ${jobId}`,
    });
  }
}

/** `Slot.offerId` of a slot whose offer waits for the end of the current batch. */
const PENDING_OFFER = -1;

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : String(error);
}
