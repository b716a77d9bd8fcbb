import {
  type AllocationId,
  FencingTokenMismatchError,
  type JobMasterId,
  type ResourceId,
  ResourceProfile,
  type ResourceSpec,
  type SlotRequest,
  TaskManagerLostError,
} from "@slotpool/core";
import type { SchedulerLike, Subscription } from "rxjs";
import { ResourceManagerDisconnectedError } from "./errors.js";
import type {
  ResourceManagerId,
  ResourceManagerToTaskExecutor,
  SlotReportEntry,
  TaskExecutorToResourceManager,
} from "./protocol.js";
import type { RegisteredTaskExecutorView, SlotChoiceStrategy } from "./slot-choice-strategy.js";

/** Elastic mode of the resource manager core (all fields resolved). */
export interface ElasticPolicy {
  readonly maxTaskExecutors: number;
  readonly slotsPerTaskExecutor: number;
  readonly slotProfile: ResourceProfile;
  /** An elastic TaskExecutor whose slots are all free this long is stopped. `Infinity` disables. */
  readonly idleTimeoutMs: number;
}

/** Options of {@link ResourceManagerCore} (all resolved). */
export interface ResourceManagerCoreOptions {
  readonly slotChoice: SlotChoiceStrategy;
  /** Reserve every free slot for the first registered job master as soon as it and a TaskExecutor are there. */
  readonly offerAllSlots: boolean;
  /** A TaskExecutor that does not answer a slot request this long is declared lost. */
  readonly taskExecutorRequestTimeoutMs: number;
  readonly elastic: ElasticPolicy | undefined;
  /** Prefix of resource-manager session ids. */
  readonly sessionPrefix: string;
}

/** What the resource manager core needs from its adapter: transport to TaskExecutors and job masters, and a worker driver. */
export interface ResourceManagerEnvironment {
  readonly scheduler: SchedulerLike;
  sendToTaskExecutor(id: ResourceId, message: ResourceManagerToTaskExecutor): void;
  /** Tell the job masters a TaskExecutor is gone (lost, stopped, unreachable). */
  taskExecutorGone(id: ResourceId, cause: Error): void;
  /** Tell the job masters the resource manager session changed. */
  sessionChanged(event: ResourceManagerSessionEvent): void;
  /** Start one elastic worker; returns its id (it registers later), or undefined when it cannot. */
  startWorker(): ResourceId | undefined;
  /** Stop a worker: `graceful` lets it exit by itself first (idle stop); otherwise it is killed. */
  stopWorker(id: ResourceId, cause: Error, graceful: boolean): void;
  /** Workers that run now (registered or still starting): a new session asks them to register again. */
  liveWorkers(): Iterable<ResourceId>;
}

/** A resource-manager session started or ended. */
export type ResourceManagerSessionEvent =
  | { readonly type: "resourceManagerConnected"; readonly resourceManagerId: ResourceManagerId }
  | {
      readonly type: "resourceManagerDisconnected";
      readonly resourceManagerId: ResourceManagerId;
      readonly cause: Error;
    };

/**
 * Counters of a resource manager.
 *
 * @example
 * ```ts
 * rm.stats.resourceManager.staleMessages;
 * ```
 */
export interface ResourceManagerStats {
  /** Slot requests received from job masters (accepted or not). */
  requestsReceived: number;
  /** Requests withdrawn by job masters. */
  requestsCancelled: number;
  /** Messages rejected for a stale fencing token (job master term or resource-manager session). */
  staleMessages: number;
  /** TaskExecutor registrations (including re-registrations after a reconnect). */
  registrations: number;
  /** Elastic TaskExecutors started. */
  taskExecutorsStarted: number;
  /** Elastic TaskExecutors stopped after being idle. */
  taskExecutorsStopped: number;
  /** TaskExecutors lost (crashed, declared dead by a job master, or unreachable). */
  taskExecutorsLost: number;
  /** TaskExecutors that did not answer a slot request in time. */
  unreachableTaskExecutors: number;
  /** Slot requests a TaskExecutor refused (its slot was not free). */
  refusedByTaskExecutor: number;
}

/**
 * One request as the resource manager holds it.
 *
 * @example
 * ```ts
 * rm.inspect().pendingRequests[0]?.allocationId;
 * ```
 */
export interface ResourceManagerRequestView {
  readonly allocationId: AllocationId;
  readonly jobId: string;
  readonly jobMasterId: JobMasterId;
  readonly profile: ResourceProfile;
}

/**
 * The resource manager's view of one TaskExecutor slot: free, or given to an allocation (confirmed
 * once the TaskExecutor acknowledged the reservation).
 *
 * @example
 * ```ts
 * rm.inspect().taskExecutors[0]?.slots[0]?.allocationId;
 * ```
 */
export interface ResourceManagerSlotView {
  readonly index: number;
  readonly profile: ResourceProfile;
  readonly allocationId: AllocationId | undefined;
  readonly jobId: string | undefined;
  readonly confirmed: boolean;
}

/**
 * The resource manager's view of one TaskExecutor.
 *
 * @example
 * ```ts
 * rm.inspect().taskExecutors.filter((te) => te.elastic).length;
 * ```
 */
export interface ResourceManagerTaskExecutorView {
  readonly resourceId: ResourceId;
  readonly host: string;
  /** Registered in the current session (else it is waiting to register again). */
  readonly registered: boolean;
  /** Started by elastic mode (and stopped when idle). */
  readonly elastic: boolean;
  readonly slots: readonly ResourceManagerSlotView[];
}

/**
 * A snapshot of the resource manager's own state.
 *
 * @example
 * ```ts
 * const { resourceManagerId, pendingRequests } = rm.inspect().resourceManager;
 * ```
 */
export interface ResourceManagerView {
  /** The current session, or undefined while disconnected. */
  readonly resourceManagerId: ResourceManagerId | undefined;
  readonly jobMasters: ReadonlyMap<string, JobMasterId>;
  readonly pendingRequests: readonly ResourceManagerRequestView[];
  readonly taskExecutors: readonly ResourceManagerTaskExecutorView[];
  /** Elastic workers started that have not registered yet. */
  readonly startingWorkers: readonly ResourceId[];
}

interface RmRequest extends ResourceManagerRequestView {
  /** Made by the resource manager itself (offer-all-slots), not by a job master. */
  readonly synthetic: boolean;
}

interface Assignment {
  readonly allocationId: AllocationId;
  readonly jobId: string;
  readonly record: TaskExecutorRecord;
  readonly index: number;
  /** When an unacknowledged reservation makes its TaskExecutor unreachable. */
  deadline: number;
  confirmed: boolean;
  /** Set while waiting for the TaskExecutor to acknowledge. */
  request: RmRequest | undefined;
  /** The slot is occupied by something the resource manager does not know (the TaskExecutor said so). */
  readonly unknown: boolean;
}

class TaskExecutorRecord implements RegisteredTaskExecutorView {
  readonly resourceId: ResourceId;
  host: string;
  readonly elastic: boolean;
  /** Creation order: the registration order the slot choice sees. */
  readonly seq: number;
  profiles: ResourceProfile[] = [];
  slots: (Assignment | null)[] = [];
  freeSlots = 0;
  registered = false;
  /** No free slot below this index (a search cursor). */
  lowestFree = 0;
  idleTimer: Subscription | undefined;

  constructor(resourceId: ResourceId, host: string, elastic: boolean, seq: number) {
    this.resourceId = resourceId;
    this.host = host;
    this.elastic = elastic;
    this.seq = seq;
  }

  get slotCount(): number {
    return this.slots.length;
  }

  findFreeSlot(profile: ResourceProfile): number {
    if (this.freeSlots === 0) return -1;
    const slots = this.slots;
    let i = this.lowestFree;
    while (i < slots.length && slots[i] !== null) i++;
    this.lowestFree = i;
    for (; i < slots.length; i++) {
      if (slots[i] === null && (this.profiles[i] as ResourceProfile).isMatching(profile)) return i;
    }
    return -1;
  }

  /** Records that slot `index` became free (keeps the search cursor right). */
  freed(index: number): void {
    if (index < this.lowestFree) this.lowestFree = index;
  }
}

function profileOf(spec: ResourceSpec): ResourceProfile {
  return ResourceProfile.of(spec);
}

/**
 * The resource manager's logic, free of any transport (Flink's ResourceManager + SlotManager for the
 * per-request flow): job-master registration with fencing, slot requests (acknowledged at once,
 * then matched to a free TaskExecutor slot chosen by the {@link SlotChoiceStrategy}, or queued),
 * cancellation, TaskExecutor registration with full slot reports, elastic start and idle stop,
 * TaskExecutor loss, and disconnect/reconnect as a new session.
 */
export class ResourceManagerCore {
  readonly stats: ResourceManagerStats = {
    requestsReceived: 0,
    requestsCancelled: 0,
    staleMessages: 0,
    registrations: 0,
    taskExecutorsStarted: 0,
    taskExecutorsStopped: 0,
    taskExecutorsLost: 0,
    unreachableTaskExecutors: 0,
    refusedByTaskExecutor: 0,
  };

  private readonly options: ResourceManagerCoreOptions;
  private readonly env: ResourceManagerEnvironment;
  private session: ResourceManagerId | undefined;
  private sessionSeq = 0;
  private syntheticSeq = 0;
  private readonly jobMasters = new Map<string, JobMasterId>();
  private readonly records = new Map<ResourceId, TaskExecutorRecord>();
  /** Registered records, in registration order (what the slot choice sees). */
  private readonly registered: TaskExecutorRecord[] = [];
  private readonly allocations = new Map<AllocationId, Assignment>();
  private readonly pending = new Map<AllocationId, RmRequest>();
  private readonly starting = new Set<ResourceId>();
  private freeTotal = 0;
  private recordSeq = 0;
  /** Reservations not yet acknowledged, oldest (earliest deadline) first; one timer serves them all. */
  private readonly unconfirmed = new Set<Assignment>();
  private confirmTimer: Subscription | undefined;

  constructor(options: ResourceManagerCoreOptions, env: ResourceManagerEnvironment) {
    this.options = options;
    this.env = env;
    this.session = this.newSessionId();
  }

  /** The current session id, or undefined while disconnected. */
  get resourceManagerId(): ResourceManagerId | undefined {
    return this.session;
  }

  // ---------------------------------------------------------------- job masters

  /** Registers (or replaces) the leader of `jobId`. Returns the session, or an error when disconnected. */
  registerJobMaster(jobId: string, token: JobMasterId): ResourceManagerId | Error {
    const session = this.session;
    if (session === undefined) return new ResourceManagerDisconnectedError("The resource manager is disconnected.");
    const previous = this.jobMasters.get(jobId);
    if (previous === token) return session;
    this.jobMasters.set(jobId, token);
    if (previous !== undefined) this.dropPendingOfJob(jobId);
    // TaskExecutors holding slots of the job re-offer them to the new leader.
    this.announceLeader(session, jobId, token);
    if (this.options.offerAllSlots) for (const record of [...this.registered]) this.reserveAllFree(record);
    return session;
  }

  /** The term `token` of `jobId` ended: its queued requests are dropped and TaskExecutors told. */
  disconnectJobMaster(jobId: string, token: JobMasterId): void {
    if (this.jobMasters.get(jobId) !== token) {
      this.stats.staleMessages++;
      return;
    }
    this.jobMasters.delete(jobId);
    this.dropPendingOfJob(jobId);
    const session = this.session;
    if (session === undefined) return;
    this.announceLeader(session, jobId, null);
  }

  /** Tells every TaskExecutor that may hold slots of `jobId` who leads it now (`null`: nobody). */
  private announceLeader(session: ResourceManagerId, jobId: string, jobMasterId: JobMasterId | null): void {
    for (const record of this.registered) {
      if (record.slots.some((a) => mayHoldJob(a, jobId))) {
        this.env.sendToTaskExecutor(record.resourceId, {
          type: "jobMasterChanged",
          resourceManagerId: session,
          jobId,
          jobMasterId,
        });
      }
    }
  }

  /**
   * A slot request from a job master, in session `session`. Returns undefined when acknowledged, or
   * the error to answer with (stale session or token).
   */
  requestSlot(session: ResourceManagerId, request: SlotRequest): Error | undefined {
    this.stats.requestsReceived++;
    if (this.session === undefined || session !== this.session) {
      this.stats.staleMessages++;
      return new ResourceManagerDisconnectedError(`Resource-manager session ${session} has ended.`);
    }
    const leader = this.jobMasters.get(request.jobId);
    if (leader !== request.jobMasterId) {
      this.stats.staleMessages++;
      return new FencingTokenMismatchError(
        `Slot request ${request.allocationId} carries job master ${request.jobMasterId}, but the leader of job ${request.jobId} is ${leader ?? "unknown"}.`,
      );
    }
    const id = request.allocationId;
    if (this.pending.has(id) || this.allocations.has(id)) return undefined;
    const entry: RmRequest = {
      allocationId: id,
      jobId: request.jobId,
      jobMasterId: request.jobMasterId,
      profile: request.profile,
      synthetic: false,
    };
    if (!this.tryAssign(entry)) {
      this.pending.set(id, entry);
      this.maybeStartWorkers();
    }
    return undefined;
  }

  /** Starts `count` elastic workers now (pre-started; counted against the maximum, stopped when idle). */
  startWorkers(count: number): void {
    const elastic = this.options.elastic;
    if (elastic === undefined) return;
    let alive = this.starting.size;
    for (const record of this.records.values()) if (record.elastic) alive++;
    for (let i = 0; i < count && alive < elastic.maxTaskExecutors; i++, alive++) {
      const id = this.env.startWorker();
      if (id === undefined) return;
      this.starting.add(id);
      this.stats.taskExecutorsStarted++;
    }
  }

  /** Whether `token` is the registered leader of some job (only leaders may declare TaskExecutors dead). */
  isJobMaster(token: JobMasterId): boolean {
    for (const t of this.jobMasters.values()) if (t === token) return true;
    return false;
  }

  /** A job master withdrew a request. */
  cancelSlotRequest(session: ResourceManagerId, token: JobMasterId, allocationId: AllocationId): void {
    if (this.session === undefined || session !== this.session) {
      this.stats.staleMessages++;
      return;
    }
    const queued = this.pending.get(allocationId);
    if (queued !== undefined) {
      if (queued.jobMasterId !== token) {
        this.stats.staleMessages++;
        return;
      }
      this.pending.delete(allocationId);
      this.stats.requestsCancelled++;
      return;
    }
    const where = this.allocations.get(allocationId);
    if (where === undefined) return;
    this.stats.requestsCancelled++;
    // Withdrawn: never queue it again, whatever the TaskExecutor answers (or if it is lost).
    where.request = undefined;
    // The TaskExecutor frees the slot only if it has not offered it yet; otherwise the offer decides.
    this.env.sendToTaskExecutor(where.record.resourceId, {
      type: "cancelSlot",
      resourceManagerId: this.session,
      allocationId,
    });
  }

  // ---------------------------------------------------------------- task executors

  /** A message from TaskExecutor `from`. */
  receive(from: ResourceId, message: TaskExecutorToResourceManager): void {
    switch (message.type) {
      case "register":
        this.onRegister(from, message.resourceManagerId, message.host, message.slots);
        return;
      case "slotRequestAnswer":
        if (!this.isCurrent(message.resourceManagerId)) return;
        this.onSlotRequestAnswer(from, message.allocationId, message.accepted);
        return;
      case "slotFreed":
        if (!this.isCurrent(message.resourceManagerId)) return;
        this.onSlotFreed(from, message.slotIndex, message.allocationId);
        return;
    }
  }

  /**
   * A TaskExecutor is gone (crashed, stopped, declared dead). Its unconfirmed reservations are
   * requeued; the job masters are told.
   */
  taskExecutorLost(id: ResourceId, cause: Error): void {
    if (this.starting.delete(id)) {
      this.stats.taskExecutorsLost++;
      this.maybeStartWorkers();
      return;
    }
    const record = this.records.get(id);
    if (record === undefined) return;
    this.stats.taskExecutorsLost++;
    this.removeRecord(record);
    this.env.taskExecutorGone(id, cause);
    this.serveAndScale();
  }

  // ---------------------------------------------------------------- session

  /** Ends the session: job masters are told; queued requests and job-master registrations are dropped. */
  disconnect(cause: Error): boolean {
    const session = this.session;
    if (session === undefined) return false;
    this.session = undefined;
    this.pending.clear();
    this.jobMasters.clear();
    // The new session rebuilds its view from the TaskExecutors' registrations.
    for (const record of [...this.registered]) this.unregister(record, false);
    this.env.sessionChanged({ type: "resourceManagerDisconnected", resourceManagerId: session, cause });
    return true;
  }

  /** Starts a new session: every live worker is asked to register again; job masters are told. */
  reconnect(): ResourceManagerId | undefined {
    if (this.session !== undefined) return undefined;
    const session = this.newSessionId();
    this.session = session;
    for (const id of this.env.liveWorkers()) {
      this.env.sendToTaskExecutor(id, { type: "reconnect", resourceManagerId: session });
    }
    this.env.sessionChanged({ type: "resourceManagerConnected", resourceManagerId: session });
    return session;
  }

  /** Ends the session and cancels every timer (the adapter shuts down). */
  dispose(cause: Error): void {
    this.disconnect(cause);
    this.confirmTimer?.unsubscribe();
    this.confirmTimer = undefined;
    this.unconfirmed.clear();
    for (const record of this.records.values()) {
      record.idleTimer?.unsubscribe();
      record.idleTimer = undefined;
    }
  }

  // ---------------------------------------------------------------- inspection

  /** A snapshot of the resource manager's view. */
  inspect(): ResourceManagerView {
    return {
      resourceManagerId: this.session,
      jobMasters: new Map(this.jobMasters),
      pendingRequests: [...this.pending.values()]
        .filter((r) => !r.synthetic)
        .map((r) => ({ allocationId: r.allocationId, jobId: r.jobId, jobMasterId: r.jobMasterId, profile: r.profile })),
      taskExecutors: [...this.records.values()].map((r) => ({
        resourceId: r.resourceId,
        host: r.host,
        registered: r.registered,
        elastic: r.elastic,
        slots: r.slots.map((a, index) => ({
          index,
          profile: r.profiles[index] as ResourceProfile,
          allocationId: a === null || a.unknown ? undefined : a.allocationId,
          jobId: a === null || a.unknown ? undefined : a.jobId,
          confirmed: a?.confirmed === true,
        })),
      })),
      startingWorkers: [...this.starting],
    };
  }

  // ---------------------------------------------------------------- internals

  private newSessionId(): ResourceManagerId {
    return `${this.options.sessionPrefix}${++this.sessionSeq}` as ResourceManagerId;
  }

  private isCurrent(token: ResourceManagerId | null): boolean {
    if (this.session !== undefined && token === this.session) return true;
    this.stats.staleMessages++;
    return false;
  }

  private dropPendingOfJob(jobId: string): void {
    for (const [id, r] of this.pending) if (r.jobId === jobId) this.pending.delete(id);
  }

  private onRegister(
    from: ResourceId,
    token: ResourceManagerId | null,
    host: string,
    report: readonly SlotReportEntry[],
  ): void {
    const session = this.session;
    if (session === undefined || (token !== null && token !== session)) {
      this.stats.staleMessages++;
      return;
    }
    let record = this.records.get(from);
    if (record === undefined) {
      record = new TaskExecutorRecord(from, host, this.starting.delete(from), ++this.recordSeq);
      this.records.set(from, record);
    } else {
      this.unregister(record, true);
    }
    record.host = host;
    record.profiles = report.map((e) => profileOf(e.profile));
    record.slots = report.map((e, index) =>
      e.allocationId === null || e.jobId === null
        ? null
        : {
            allocationId: e.allocationId,
            jobId: e.jobId,
            record: record as TaskExecutorRecord,
            index,
            deadline: 0,
            confirmed: true,
            request: undefined,
            unknown: false,
          },
    );
    record.freeSlots = 0;
    record.lowestFree = 0;
    for (const a of record.slots) {
      if (a === null) record.freeSlots++;
      else this.allocations.set(a.allocationId, a);
    }
    record.registered = true;
    this.freeTotal += record.freeSlots;
    this.insertRegistered(record);
    this.stats.registrations++;
    this.env.sendToTaskExecutor(from, { type: "registrationAccepted", resourceManagerId: session });
    // The job leaders may have changed while it was not registered (the session was away, or the
    // leader registered with this session first): name the current leader (or none) of every job
    // it holds slots of, so that it re-offers them or stops serving an ended term.
    const jobs = new Set<string>();
    for (const a of record.slots) if (a !== null) jobs.add(a.jobId);
    for (const jobId of jobs) {
      this.env.sendToTaskExecutor(from, {
        type: "jobMasterChanged",
        resourceManagerId: session,
        jobId,
        jobMasterId: this.jobMasters.get(jobId) ?? null,
      });
    }
    this.serveAndScale();
    if (this.options.offerAllSlots) this.reserveAllFree(record);
    this.armIdleTimer(record);
  }

  /** Keeps `registered` in creation order (a re-registration keeps its place). */
  private insertRegistered(record: TaskExecutorRecord): void {
    const list = this.registered;
    let i = list.length;
    while (i > 0 && (list[i - 1] as TaskExecutorRecord).seq > record.seq) i--;
    list.splice(i, 0, record);
  }

  /** Removes a record's slots from the indexes (before a re-registration or removal). */
  private unregister(record: TaskExecutorRecord, requeue: boolean): void {
    record.idleTimer?.unsubscribe();
    record.idleTimer = undefined;
    for (const a of record.slots) {
      if (a === null) continue;
      this.unconfirmed.delete(a);
      if (!a.unknown && this.allocations.get(a.allocationId) === a) this.allocations.delete(a.allocationId);
      if (requeue && a.request !== undefined && !a.confirmed && !a.request.synthetic) {
        if (this.jobMasters.get(a.request.jobId) === a.request.jobMasterId) this.pending.set(a.allocationId, a.request);
      }
    }
    if (record.registered) {
      this.freeTotal -= record.freeSlots;
      record.registered = false;
      const i = this.registered.indexOf(record);
      if (i >= 0) this.registered.splice(i, 1);
    }
  }

  private removeRecord(record: TaskExecutorRecord): void {
    this.unregister(record, true);
    this.records.delete(record.resourceId);
  }

  private onSlotRequestAnswer(from: ResourceId, allocationId: AllocationId, accepted: boolean): void {
    const a = this.allocations.get(allocationId);
    if (a === undefined || a.record.resourceId !== from || a.record.slots[a.index] !== a) return;
    this.unconfirmed.delete(a);
    if (accepted) {
      a.confirmed = true;
      a.request = undefined;
      return;
    }
    // The TaskExecutor's slot was not free: our view was wrong. Mark it occupied until the
    // TaskExecutor frees it, and queue the request again.
    this.stats.refusedByTaskExecutor++;
    this.allocations.delete(allocationId);
    a.record.slots[a.index] = {
      allocationId,
      jobId: "",
      record: a.record,
      index: a.index,
      deadline: 0,
      confirmed: true,
      request: undefined,
      unknown: true,
    };
    const request = a.request;
    if (request !== undefined && !request.synthetic && this.jobMasters.get(request.jobId) === request.jobMasterId) {
      if (!this.tryAssign(request)) this.pending.set(allocationId, request);
    }
  }

  private onSlotFreed(from: ResourceId, index: number, allocationId: AllocationId): void {
    const record = this.records.get(from);
    if (record === undefined || !record.registered) return;
    const a = record.slots[index];
    if (a === null || a === undefined) return;
    if (!a.unknown && a.allocationId !== allocationId) return;
    this.unconfirmed.delete(a);
    if (!a.unknown) this.allocations.delete(a.allocationId);
    record.slots[index] = null;
    record.freed(index);
    record.freeSlots++;
    this.freeTotal++;
    // The oldest queued request this slot can serve gets it.
    const profile = record.profiles[index] as ResourceProfile;
    for (const request of this.pending.values()) {
      if (profile.isMatching(request.profile)) {
        this.pending.delete(request.allocationId);
        this.assign(record, index, request);
        return;
      }
    }
    // Slots freed by a job go back to the free set; even with offer-all-slots they are offered again
    // only on request (else an idle slot would bounce between the pool and the TaskExecutor).
    this.armIdleTimer(record);
  }

  private tryAssign(request: RmRequest): boolean {
    if (this.freeTotal === 0) return false;
    const choice = this.options.slotChoice.choose(this.registered, request.profile);
    if (choice === undefined) return false;
    const record = this.records.get(choice.taskExecutor.resourceId);
    if (record === undefined || !record.registered || record.slots[choice.slotIndex] !== null) {
      throw new Error(`slot choice "${this.options.slotChoice.name}" returned a slot that is not free`);
    }
    this.assign(record, choice.slotIndex, request);
    return true;
  }

  private assign(record: TaskExecutorRecord, index: number, request: RmRequest): void {
    const session = this.session as ResourceManagerId;
    const timeout = this.options.taskExecutorRequestTimeoutMs;
    const a: Assignment = {
      allocationId: request.allocationId,
      jobId: request.jobId,
      record,
      index,
      deadline: this.env.scheduler.now() + timeout,
      confirmed: false,
      request,
      unknown: false,
    };
    record.slots[index] = a;
    record.freeSlots--;
    this.freeTotal--;
    this.allocations.set(request.allocationId, a);
    if (record.idleTimer !== undefined) {
      record.idleTimer.unsubscribe();
      record.idleTimer = undefined;
    }
    if (timeout !== Number.POSITIVE_INFINITY) {
      this.unconfirmed.add(a);
      if (this.confirmTimer === undefined) this.armConfirmTimer(timeout);
    }
    this.env.sendToTaskExecutor(record.resourceId, {
      type: "requestSlot",
      resourceManagerId: session,
      slotIndex: index,
      allocationId: request.allocationId,
      jobId: request.jobId,
      jobMasterId: request.jobMasterId,
    });
  }

  /** Offer-all-slots: reserves every free slot of `record` for the first registered job master. */
  private reserveAllFree(record: TaskExecutorRecord): void {
    if (!record.registered) return;
    const first = this.jobMasters.entries().next();
    if (first.done) return;
    const [jobId, jobMasterId] = first.value;
    for (let index = 0; index < record.slots.length; index++) {
      if (record.slots[index] !== null) continue;
      const allocationId = `${record.resourceId}/${index}/${++this.syntheticSeq}` as AllocationId;
      this.assign(record, index, {
        allocationId,
        jobId,
        jobMasterId,
        profile: record.profiles[index] as ResourceProfile,
        synthetic: true,
      });
    }
  }

  private serveAndScale(): void {
    if (this.pending.size > 0 && this.freeTotal > 0) {
      for (const request of this.pending.values()) {
        if (this.freeTotal === 0) break;
        if (this.tryAssign(request)) this.pending.delete(request.allocationId);
      }
    }
    this.maybeStartWorkers();
  }

  private maybeStartWorkers(): void {
    const elastic = this.options.elastic;
    if (elastic === undefined || this.session === undefined || this.pending.size === 0) return;
    let demand = 0;
    for (const request of this.pending.values()) if (elastic.slotProfile.isMatching(request.profile)) demand++;
    let supply = this.starting.size * elastic.slotsPerTaskExecutor;
    let alive = this.starting.size;
    for (const record of this.records.values()) if (record.elastic) alive++;
    while (demand > supply && alive < elastic.maxTaskExecutors) {
      const id = this.env.startWorker();
      if (id === undefined) return;
      this.starting.add(id);
      this.stats.taskExecutorsStarted++;
      supply += elastic.slotsPerTaskExecutor;
      alive++;
    }
  }

  private armConfirmTimer(delay: number): void {
    this.confirmTimer = this.env.scheduler.schedule(() => this.onConfirmTimer(), Math.max(0, delay));
  }

  /** TaskExecutors that left a reservation unacknowledged past its deadline are unreachable: lost. */
  private onConfirmTimer(): void {
    this.confirmTimer = undefined;
    const now = this.env.scheduler.now();
    const due: Assignment[] = [];
    for (const a of this.unconfirmed) {
      if (a.deadline > now) {
        this.armConfirmTimer(a.deadline - now);
        break;
      }
      due.push(a);
    }
    for (const a of due) this.unconfirmed.delete(a);
    const timeout = this.options.taskExecutorRequestTimeoutMs;
    for (const a of due) {
      const { record, index } = a;
      if (record.slots[index] !== a || a.confirmed || this.records.get(record.resourceId) !== record) continue;
      this.stats.unreachableTaskExecutors++;
      const cause = new TaskManagerLostError(
        `TaskExecutor ${record.resourceId} did not answer a slot request within ${timeout} ms.`,
      );
      this.taskExecutorLost(record.resourceId, cause);
      this.env.stopWorker(record.resourceId, cause, false);
    }
  }

  private armIdleTimer(record: TaskExecutorRecord): void {
    const elastic = this.options.elastic;
    if (elastic === undefined || !record.elastic || !record.registered || record.idleTimer !== undefined) return;
    if (record.freeSlots !== record.slots.length || elastic.idleTimeoutMs === Number.POSITIVE_INFINITY) return;
    record.idleTimer = this.env.scheduler.schedule(() => {
      record.idleTimer = undefined;
      if (this.records.get(record.resourceId) !== record || record.freeSlots !== record.slots.length) return;
      this.stats.taskExecutorsStopped++;
      const cause = new TaskManagerLostError(
        `TaskExecutor ${record.resourceId} was stopped after being idle for ${elastic.idleTimeoutMs} ms.`,
      );
      this.removeRecord(record);
      this.env.taskExecutorGone(record.resourceId, cause);
      this.env.stopWorker(record.resourceId, cause, true);
    }, elastic.idleTimeoutMs);
  }
}

/**
 * Whether a slot may hold `jobId`: assigned to it, or occupied by an allocation this resource manager
 * does not know (the TaskExecutor refused a request for it), whose job may be any.
 */
function mayHoldJob(a: Assignment | null, jobId: string): boolean {
  return a !== null && (a.jobId === jobId || a.unknown);
}
