import { CoLocationGroup } from "@slotpool/co-location";
import {
  assertSlotPoolInvariants,
  isSlotPoolError,
  jobMasterId,
  localityFirstStrategy,
  ResourceProfile,
  type ResourceSpec,
  resourceId,
  SlotPool,
  SlotReleasedError,
  spreadOutStrategy,
  type TaskManagerLocation,
} from "@slotpool/core";
import {
  type ConnectResourceManagerOptions,
  connectResourceManager,
  type EmbeddedTaskExecutorSpec,
  type ResourceManagerAdapter,
  type ResourceManagerLink,
} from "@slotpool/resource-manager";
import { assertSharingInvariants, type LogicalSlot, type TaskHandle, TaskScheduler } from "@slotpool/slot-sharing";
import type { SchedulerLike, Subscription } from "rxjs";
import type {
  Scenario,
  ScenarioEvent,
  ScenarioLocation,
  ScenarioResources,
  ScenarioVertex,
} from "../scenario/scenario.js";
import { SeededRandom } from "./random.js";
import type { Assignment, Failure, SimulationReport } from "./report.js";
import type { Decision, SimulatedTaskManager, SimulationResult, TraceEvent } from "./trace.js";

/**
 * Where a {@link JobExecution} gets its cluster: the embedded resource manager on virtual time
 * (the simulator), or real worker processes (`slotpool run`). Cluster operations return false when
 * the backend cannot apply them (the execution then notes the event as simulation-only).
 *
 * @example
 * ```ts
 * const execution = new JobExecution(scenario, backend, { seed: 0 });
 * ```
 */
export interface ClusterBackend {
  /** Every timer of the run. */
  readonly scheduler: SchedulerLike;
  /** The resource manager the pool connects to. */
  readonly adapter: ResourceManagerAdapter;
  /**
   * Runs a placed task for `durationMs` (`null`: the scenario gives no end) and calls `done` when it
   * ends (never synchronously). Returns whether the task will end by itself.
   */
  startTask(slot: LogicalSlot, durationMs: number | null, done: (error?: Error) => void): boolean;
  loseTaskManager(id: string): boolean;
  addTaskManager(spec: EmbeddedTaskExecutorSpec): boolean;
  disconnectResourceManager(): boolean;
  reconnectResourceManager(): boolean;
  freezeTaskManager(id: string): boolean;
  thawTaskManager(id: string): boolean;
  failSlot(allocationId: string): boolean;
  /** TaskManagers the resource manager started on its own (elastic ones, worker processes). */
  extraTaskManagers(): SimulatedTaskManager[];
  /**
   * Whether the cluster has settled (no message in flight), so that slots offered up front have
   * reached the pool. When given, the job's submission waits (in steps of 1 ms, at most
   * {@link SUBMIT_SETTLE_LIMIT_MS}) until it returns true; absent: the job is submitted at once.
   */
  readonly settled?: () => boolean;
}

/**
 * How long past `job.submitAtMs` a submission waits at most for the cluster to settle
 * (see {@link ClusterBackend.settled}).
 *
 * @example
 * ```ts
 * scheduler.advanceTo(scenario.job.submitAtMs + SUBMIT_SETTLE_LIMIT_MS);
 * ```
 */
export const SUBMIT_SETTLE_LIMIT_MS = 1_000;

/**
 * Options of {@link JobExecution}.
 *
 * @example
 * ```ts
 * new JobExecution(scenario, backend, { seed: 7, onChange: () => bar.update() });
 * ```
 */
export interface JobExecutionOptions {
  /** Seeds the order of TaskManagers registering at the same instant. */
  readonly seed: number;
  /** Run the invariant checkers after every event and at the end. */
  readonly checkInvariants?: boolean;
  /** How often a lost task may be submitted again (default 100). */
  readonly maxResubmissions?: number;
  /** Heartbeats between the job master and TaskExecutors (default Flink's 10 s / 50 s). */
  readonly heartbeat?: ConnectResourceManagerOptions;
  /** Called after anything changed (a trace line, an event). */
  readonly onChange?: () => void;
}

type TaskState = "waiting" | "running" | "finished" | "failed" | "parked";

interface TaskRecord {
  readonly vertex: ScenarioVertex;
  readonly vertexIndex: number;
  readonly subtask: number;
  readonly preferences: readonly TaskManagerLocation[];
  readonly profile: ResourceProfile;
  state: TaskState;
  handle: TaskHandle | undefined;
  resubmissions: number;
  /** Whether a request was ever made for it (a task parked before its first request is not resubmitted). */
  requested: boolean;
}

/**
 * The scenario's static TaskManagers in registration order; those registering at the same instant
 * come in an order drawn from `seed` (as they would race in a real cluster).
 *
 * @example
 * ```ts
 * new EmbeddedResourceManager({ taskExecutors: staticTaskManagers(scenario, 7) });
 * ```
 */
export function staticTaskManagers(scenario: Scenario, seed: number): EmbeddedTaskExecutorSpec[] {
  const rng = new SeededRandom(seed);
  const specs = scenario.cluster.taskManagers.map((tm) => ({
    id: tm.id,
    host: tm.host,
    slots: tm.slots,
    slotProfile: toSpec(tm.slotProfile),
    registerAtMs: tm.registerAtMs,
    key: rng.next(),
  }));
  specs.sort((a, b) => a.registerAtMs - b.registerAtMs || a.key - b.key);
  return specs.map(({ key: _key, ...spec }) => spec);
}

/** The simulated job master's heartbeat settings (Flink's defaults). */
const HEARTBEAT = { heartbeatIntervalMs: 10_000, heartbeatTimeoutMs: 50_000 } as const;

/**
 * One run of a scenario's job on a cluster: the slot pool, slot sharing, co-location and a
 * resource manager, with the task bookkeeping, the decision trace and the DESIGN.md report. The
 * simulator drives it on virtual time; `slotpool run` on real worker processes.
 *
 * **Resubmission policy:** a task that loses its slot (TaskManager lost or frozen past the heartbeat
 * timeout, allocation failed, leadership lost) is submitted again at once as a queued request, so
 * it is placed as soon as capacity returns — a free slot, a slot a finishing task frees, or a new
 * TaskManager — or fails when its request times out (the vertex's `timeoutMs`). While the job master
 * has no leadership, lost tasks wait and are submitted when it is resumed (a job submitted while
 * suspended makes its first requests then). A task lost more than `maxResubmissions` times fails
 * with `RESUBMISSION_LIMIT` instead. A task that fails by itself (not its slot) is not resubmitted.
 *
 * @example
 * ```ts
 * const execution = new JobExecution(scenario, backend, { seed: 0 });
 * execution.start();
 * // … drive the scheduler until execution.isQuiet …
 * const result = execution.finish();
 * ```
 */
export class JobExecution {
  readonly pool: SlotPool;
  readonly link: ResourceManagerLink;
  private readonly scheduler: SchedulerLike;
  private readonly tasks: TaskRecord[] = [];
  private readonly scheduler2: TaskScheduler;
  private readonly coLocationGroups = new Map<string, CoLocationGroup>();
  private readonly trace: TraceEvent[] = [];
  private readonly assignments: Assignment[] = [];
  private readonly failures: Failure[] = [];
  private readonly taskManagers = new Map<string, { tm: SimulatedTaskManager }>();
  private readonly groupAllocations = new Map<string, Set<string>>();
  private readonly maxResubmissions: number;
  private readonly heartbeat: { readonly heartbeatIntervalMs: number; readonly heartbeatTimeoutMs: number };
  private eventsLeft: number;
  private unsettled = 0;
  private running = 0;
  private submitted = false;
  private term = 1;
  private lastChangeAt = 0;
  private closed = false;
  private disposed = false;
  private readonly timers = new Set<Subscription>();

  constructor(
    private readonly scenario: Scenario,
    private readonly backend: ClusterBackend,
    private readonly options: JobExecutionOptions,
  ) {
    this.scheduler = backend.scheduler;
    this.maxResubmissions = options.maxResubmissions ?? 100;
    const t = scenario.timeouts;
    this.pool = new SlotPool({
      jobId: scenario.name,
      scheduler: this.scheduler,
      slotSelectionStrategy:
        scenario.cluster.slotSelection === "spread-out" ? spreadOutStrategy : localityFirstStrategy,
      timeouts: {
        slotRequestMs: t.allocationMs,
        resourceManagerRequestMs: t.resourceManagerRequestMs,
        resourceManagerAllocationMs: t.resourceManagerAllocationMs,
        idleSlotMs: t.idleSlotMs,
      },
    });
    this.heartbeat = {
      heartbeatIntervalMs: options.heartbeat?.heartbeatIntervalMs ?? HEARTBEAT.heartbeatIntervalMs,
      heartbeatTimeoutMs: options.heartbeat?.heartbeatTimeoutMs ?? HEARTBEAT.heartbeatTimeoutMs,
    };
    this.link = connectResourceManager(this.pool, backend.adapter, options.heartbeat ?? HEARTBEAT);
    this.scheduler2 = new TaskScheduler(this.pool, { defaultTimeoutMs: t.allocationMs });
    for (const tm of scenario.cluster.taskManagers) {
      this.taskManagers.set(tm.id, {
        tm: {
          id: tm.id,
          host: tm.host,
          slots: tm.slots,
          slotProfile: toSpec(tm.slotProfile),
          registeredAtMs: tm.registerAtMs,
          lostAtMs: undefined,
        },
      });
    }
    this.eventsLeft = scenario.events.length;
  }

  /** True once every task finished, failed or runs (with no end), and no event is left. */
  get isQuiet(): boolean {
    return this.submitted && this.eventsLeft === 0 && this.unsettled === 0 && this.running === 0;
  }

  /** Counts for progress reporting. */
  progress(): { readonly tasks: number; readonly placed: number; readonly finished: number; readonly failed: number } {
    let placed = 0;
    let finished = 0;
    let failed = 0;
    for (const t of this.tasks) {
      if (t.state === "running") placed++;
      else if (t.state === "finished") finished++;
      else if (t.state === "failed") failed++;
    }
    return { tasks: this.tasks.length, placed: placed + finished, finished, failed };
  }

  /**
   * Takes leadership and schedules the job's submission and the scenario's events. With a backend
   * that tells when it has {@link ClusterBackend.settled | settled}, the submission at
   * `job.submitAtMs` waits until the messages in flight have been delivered (so slots offered up
   * front by TaskManagers registered by then are seen by placement), at most
   * {@link SUBMIT_SETTLE_LIMIT_MS}.
   */
  start(): void {
    this.link.grantLeadership(jobMasterId(`${this.scenario.name}#jm-1`));
    const submitAtMs = this.scenario.job.submitAtMs;
    const settled = this.backend.settled;
    const trySubmit = (): void => {
      if (settled === undefined || settled() || this.scheduler.now() >= submitAtMs + SUBMIT_SETTLE_LIMIT_MS) {
        this.submitJob();
      } else {
        this.later(trySubmit, 1);
      }
    };
    this.later(trySubmit, submitAtMs);
    for (const event of this.scenario.events) {
      this.later(() => this.applyEvent(event), event.atMs);
    }
  }

  /**
   * Disconnects from the resource manager and returns the result; call once. From then on the
   * execution records nothing more, so the result stays as returned.
   */
  finish(): SimulationResult {
    this.check();
    const endedAtMs = this.lastChangeAt;
    if (!this.closed) {
      this.closed = true;
      this.link.close();
    }
    return {
      report: this.buildReport(),
      trace: this.trace,
      taskManagers: this.simulatedTaskManagers(),
      vertices: this.scenario.job.vertices.map((v) => ({
        id: v.id,
        parallelism: v.parallelism,
        slotSharingGroup: v.slotSharingGroup ?? undefined,
        coLocationGroup: v.coLocationGroup ?? undefined,
        profile: v.profile === null ? undefined : toSpec(v.profile),
      })),
      endedAtMs,
      seed: this.options.seed,
    };
  }

  /**
   * Leaves nothing armed after {@link JobExecution.finish}: withdraws the requests still waiting
   * and suspends the pool, so no pool timer (request timeouts, the idle-slot check) outlives the
   * run. Needed on a real-time scheduler (`slotpool run`), where such timers would keep the
   * process alive; the result returned by `finish` is not changed. Idempotent.
   */
  dispose(): void {
    if (!this.closed) throw new Error("JobExecution.dispose: call finish() first");
    if (this.disposed) return;
    this.disposed = true;
    for (const timer of this.timers) timer.unsubscribe();
    this.timers.clear();
    for (const task of this.tasks) task.handle?.cancel();
    this.pool.suspend();
  }

  // ---------------------------------------------------------------- cluster

  private simulatedTaskManagers(): SimulatedTaskManager[] {
    const list = [...this.taskManagers.values()].map((e) => e.tm);
    // TaskManagers the resource manager started on its own (elastic ones, workers) come after the declared ones.
    for (const tm of this.backend.extraTaskManagers()) if (!this.taskManagers.has(tm.id)) list.push(tm);
    const seen = new Set(list.map((t) => t.id));
    for (const a of this.assignments) {
      if (!seen.has(a.taskManager)) {
        seen.add(a.taskManager);
        const slots =
          1 + Math.max(...this.assignments.filter((x) => x.taskManager === a.taskManager).map((x) => x.slotIndex));
        list.push({
          id: a.taskManager,
          host: a.host,
          slots,
          slotProfile: undefined,
          registeredAtMs: 0,
          lostAtMs: undefined,
        });
      }
    }
    return list;
  }

  private applyEvent(event: ScenarioEvent): void {
    this.eventsLeft--;
    this.changed();
    switch (event.type) {
      case "loseTaskManager": {
        this.note(`TaskManager ${event.taskManagerId} is lost`);
        const entry = this.taskManagers.get(event.taskManagerId);
        if (entry !== undefined) entry.tm = { ...entry.tm, lostAtMs: this.scheduler.now() };
        this.unsupported(this.backend.loseTaskManager(event.taskManagerId));
        break;
      }
      case "addTaskManager": {
        const tm = event.taskManager;
        const registerAtMs = Math.max(this.scheduler.now(), tm.registerAtMs);
        this.note(`TaskManager ${tm.id} (${tm.host}, ${tm.slots} slots) is added`);
        this.taskManagers.set(tm.id, {
          tm: {
            id: tm.id,
            host: tm.host,
            slots: tm.slots,
            slotProfile: toSpec(tm.slotProfile),
            registeredAtMs: registerAtMs,
            lostAtMs: undefined,
          },
        });
        this.unsupported(
          this.backend.addTaskManager({
            id: tm.id,
            host: tm.host,
            slots: tm.slots,
            slotProfile: toSpec(tm.slotProfile),
            registerAtMs,
          }),
        );
        break;
      }
      case "disconnectResourceManager":
        this.note("the resource manager disconnects");
        this.unsupported(this.backend.disconnectResourceManager());
        break;
      case "connectResourceManager":
        this.note("the resource manager reconnects");
        this.unsupported(this.backend.reconnectResourceManager());
        break;
      case "freezeTaskManager": {
        this.note(`TaskManager ${event.taskManagerId} freezes (no heartbeats)`);
        const applied = this.backend.freezeTaskManager(event.taskManagerId);
        this.unsupported(applied);
        // The run is not quiet before the heartbeat timeout could declare the frozen TaskManager lost.
        if (applied) this.holdOpen(this.heartbeat.heartbeatTimeoutMs + this.heartbeat.heartbeatIntervalMs);
        break;
      }
      case "unfreezeTaskManager":
        this.note(`TaskManager ${event.taskManagerId} thaws`);
        this.unsupported(this.backend.thawTaskManager(event.taskManagerId));
        break;
      case "failAllocation": {
        const allocation = this.allocationOn(event.taskManagerId, event.slotIndex);
        this.note(
          allocation === undefined
            ? `failAllocation on ${event.taskManagerId} slot ${event.slotIndex}: the slot holds no allocation`
            : `the allocation ${allocation} on ${event.taskManagerId} slot ${event.slotIndex} fails`,
        );
        if (allocation !== undefined) this.unsupported(this.backend.failSlot(allocation));
        break;
      }
      case "suspendJobMaster":
        this.note("the job master loses leadership (suspend)");
        this.link.revokeLeadership();
        break;
      case "resumeJobMaster":
        this.note("the job master regains leadership with a new fencing token");
        this.link.grantLeadership(jobMasterId(`${this.scenario.name}#jm-${++this.term}`));
        for (const task of this.tasks) if (task.state === "parked") this.submit(task, task.requested);
        break;
    }
    this.check();
  }

  /** Keeps the run from going quiet for `ms` (as if an event were still due then). */
  private holdOpen(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.eventsLeft++;
    this.later(() => {
      this.eventsLeft--;
    }, ms);
  }

  private allocationOn(taskManagerId: string, slotIndex: number): string | undefined {
    for (const [, slot] of this.pool.inspect().allocated.entries()) {
      if (slot.location.resourceId === taskManagerId && slot.slotIndex === slotIndex) return slot.allocationId;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- tasks

  private submitJob(): void {
    const locations = new Map<string, TaskManagerLocation>();
    const locate = (loc: ScenarioLocation): TaskManagerLocation => {
      const key = "taskManager" in loc ? `tm:${loc.taskManager}` : `host:${loc.host}`;
      let l = locations.get(key);
      if (l === undefined) {
        l =
          "taskManager" in loc
            ? { resourceId: resourceId(loc.taskManager), host: this.hostOf(loc.taskManager) }
            : { resourceId: resourceId(`host:${loc.host}`), host: loc.host };
        locations.set(key, l);
      }
      return l;
    };
    this.submitted = true;
    this.note(`the job is submitted (${this.scenario.job.vertices.reduce((n, v) => n + v.parallelism, 0)} tasks)`);
    this.scenario.job.vertices.forEach((vertex, vertexIndex) => {
      const profile = vertex.profile === null ? ResourceProfile.UNKNOWN : ResourceProfile.of(toSpec(vertex.profile));
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        const prefs = vertex.preferredLocations[subtask] ?? [];
        const task: TaskRecord = {
          vertex,
          vertexIndex,
          subtask,
          preferences: prefs.map(locate),
          profile,
          state: "waiting",
          handle: undefined,
          resubmissions: 0,
          requested: false,
        };
        this.tasks.push(task);
        this.unsettled++;
        this.submit(task, false);
      }
    });
  }

  private hostOf(taskManagerId: string): string {
    const declared = this.scenario.cluster.taskManagers.find((tm) => tm.id === taskManagerId);
    if (declared !== undefined) return declared.host;
    for (const e of this.scenario.events) {
      if (e.type === "addTaskManager" && e.taskManager.id === taskManagerId) return e.taskManager.host;
    }
    const elastic = this.scenario.cluster.elastic;
    if (elastic !== null) return elastic.host ?? `${elastic.hostPrefix}${taskManagerId.slice(elastic.idPrefix.length)}`;
    return taskManagerId;
  }

  private submit(task: TaskRecord, resubmission: boolean): void {
    const { vertex, subtask } = task;
    if (!this.pool.isStarted) {
      if (task.state !== "parked") task.state = "parked";
      return;
    }
    task.state = "waiting";
    task.requested = true;
    if (resubmission) this.push({ atMs: this.scheduler.now(), kind: "resubmitted", vertex: vertex.id, subtask });
    const before = this.snapshot(task);
    const coLocation =
      vertex.coLocationGroup === null ? undefined : this.coLocationGroup(vertex.coLocationGroup).constraint(subtask);
    const handle = this.scheduler2.allocate({
      vertexId: vertex.id,
      subtaskIndex: subtask,
      ...(vertex.slotSharingGroup === null ? {} : { slotSharingGroup: vertex.slotSharingGroup }),
      ...(coLocation === undefined ? {} : { coLocationConstraint: coLocation }),
      profile: task.profile,
      preferredLocations: task.preferences,
      queued: resubmission || this.scenario.job.queued,
      timeoutMs: vertex.timeoutMs,
    });
    task.handle = handle;
    this.push({
      atMs: this.scheduler.now(),
      kind: "submitted",
      vertex: vertex.id,
      subtask,
      decision: this.decide(task, before, handle),
    });
    handle.result.onSettled((o) => (o.ok ? this.placed(task, handle, o.value) : this.failed(task, o.error)));
  }

  private placed(task: TaskRecord, handle: TaskHandle, slot: LogicalSlot): void {
    if (task.handle !== handle || this.closed) return;
    const now = this.scheduler.now();
    task.state = "running";
    this.unsettled--;
    const taskManager = slot.location.resourceId;
    const a: Assignment = {
      vertex: task.vertex.id,
      subtask: task.subtask,
      taskManager,
      host: slot.location.host,
      slotIndex: slot.slotIndex,
      allocationId: slot.allocationId,
      locality: slot.locality,
      atMs: now,
    };
    this.assignments.push(a);
    const group = task.vertex.slotSharingGroup;
    if (group !== null) {
      let set = this.groupAllocations.get(group);
      if (set === undefined) {
        set = new Set();
        this.groupAllocations.set(group, set);
      }
      set.add(slot.allocationId);
    }
    this.push({
      atMs: now,
      kind: "placed",
      vertex: a.vertex,
      subtask: a.subtask,
      taskManager,
      slotIndex: a.slotIndex,
      allocationId: a.allocationId,
      locality: a.locality,
    });
    let ends = false;
    ends = this.backend.startTask(slot, task.vertex.durationMs, (error) => {
      if (task.handle !== handle || task.state !== "running" || this.closed) return;
      if (ends) this.running--;
      if (error !== undefined) {
        // The task itself failed (not its slot): it is not resubmitted. Marked failed before its
        // slot is released, so the release is not taken for a lost slot.
        this.failed(task, error);
        handle.release(error);
        return;
      }
      task.state = "finished";
      this.push({ atMs: this.scheduler.now(), kind: "finished", vertex: task.vertex.id, subtask: task.subtask });
      handle.release(new SlotReleasedError(`${task.vertex.id}#${task.subtask} finished.`));
    });
    if (ends && task.state === "running") this.running++;
    handle.released.onSettled((o) => {
      if (task.handle !== handle || task.state !== "running" || this.closed) return;
      const cause = o.ok ? o.value : o.error;
      if (ends) this.running--;
      task.state = "waiting";
      this.unsettled++;
      this.push({
        atMs: this.scheduler.now(),
        kind: "lost",
        vertex: task.vertex.id,
        subtask: task.subtask,
        code: codeOf(cause),
        message: cause.message,
      });
      // Resubmitted after the current operation (never from inside the pool's release cascade).
      this.later(() => {
        if (task.handle !== handle || task.state !== "waiting" || this.closed) return;
        if (++task.resubmissions > this.maxResubmissions) {
          this.failed(
            task,
            Object.assign(new Error(`${task.vertex.id}#${task.subtask} was lost ${this.maxResubmissions} times.`), {
              code: "RESUBMISSION_LIMIT",
            }),
          );
          return;
        }
        this.submit(task, true);
      }, 0);
    });
  }

  /** Schedules `work`; {@link JobExecution.dispose} cancels what has not run yet. */
  private later(work: () => void, delayMs: number): void {
    const subscription = this.scheduler.schedule(() => {
      this.timers.delete(subscription);
      work();
    }, delayMs);
    // A task that ran synchronously (delay 0 on some schedulers) has nothing left to cancel.
    if (!subscription.closed) this.timers.add(subscription);
  }

  private failed(task: TaskRecord, error: Error): void {
    if (task.state === "failed" || task.state === "finished" || this.closed) return;
    // Only a task still waiting for a slot counts as unsettled (a running one fails by itself).
    if (task.state === "waiting" || task.state === "parked") this.unsettled--;
    task.state = "failed";
    const f: Failure = {
      vertex: task.vertex.id,
      subtask: task.subtask,
      code: codeOf(error),
      message: error.message,
      atMs: this.scheduler.now(),
    };
    this.failures.push(f);
    this.push({ atMs: f.atMs, kind: "failed", vertex: f.vertex, subtask: f.subtask, code: f.code, message: f.message });
  }

  private coLocationGroup(id: string): CoLocationGroup {
    let group = this.coLocationGroups.get(id);
    if (group === undefined) {
      group = new CoLocationGroup(id);
      this.coLocationGroups.set(id, group);
    }
    return group;
  }

  // ---------------------------------------------------------------- decisions (for explain)

  private snapshot(task: TaskRecord): {
    requests: number;
    free: number;
    matching: number;
    resolved: number;
    pending: number;
  } {
    const state = this.pool.inspect();
    const shared = this.sharedCandidates(task);
    return {
      requests: state.pending.size + state.waitingForResourceManager.size,
      free: state.available.size,
      matching: state.available.countMatching(task.profile),
      resolved: shared.resolved,
      pending: shared.pending,
    };
  }

  private sharedCandidates(task: TaskRecord): { resolved: number; pending: number } {
    const group = task.vertex.slotSharingGroup;
    if (group === null) return { resolved: 0, pending: 0 };
    const manager = this.scheduler2.sharingManager(group);
    if (manager === undefined) return { resolved: 0, pending: 0 };
    return manager.candidateCounts(manager.vertexKey(task.vertex.id));
  }

  private decide(
    task: TaskRecord,
    before: { requests: number; free: number; matching: number; resolved: number; pending: number },
    handle: TaskHandle,
  ): Decision {
    const state = this.pool.inspect();
    const requestsAfter = state.pending.size + state.waitingForResourceManager.size;
    const shared = task.vertex.slotSharingGroup !== null;
    const done = handle.result.result;
    let rule: string;
    let text: string;
    if (done !== undefined && !done.ok) {
      rule = "failed-at-once";
      text = `failed at once: ${done.error.message}`;
    } else if (done !== undefined) {
      const slot = done.value;
      const joined =
        shared && this.groupAllocations.get(task.vertex.slotSharingGroup as string)?.has(slot.allocationId) === true;
      if (task.vertex.coLocationGroup !== null && slot.locality === "LOCAL" && joined) {
        rule = "co-location";
        text = `joined its co-location constraint's slot on ${slot.location.resourceId}`;
      } else if (joined) {
        rule = "resolved-shared-slot";
        text = `joined a shared slot on ${slot.location.resourceId} (${slot.locality}): an existing shared slot beats a free slot unless the free slot is TaskManager-local`;
      } else {
        rule = "free-slot";
        text = `took a free slot on ${slot.location.resourceId} (${slot.locality}) chosen by ${this.pool.slotSelectionStrategy.name}`;
      }
    } else if (requestsAfter > before.requests) {
      rule = "new-request";
      text = `no ${shared ? "shared or free" : "free"} slot fits, so a new slot was requested from the resource manager`;
    } else {
      rule = shared ? "pending-shared-slot" : "queued";
      text = shared ? "joined a shared slot that is still waiting for its physical slot" : "waits for a slot";
    }
    let largest: ResourceSpec | undefined;
    if (before.matching === 0 && before.free > 0 && !task.profile.isUnknown) {
      let best: ResourceProfile | undefined;
      for (const [p] of state.available.profiles()) if (best === undefined || p.cpu > best.cpu) best = p;
      largest = best?.toSpec();
      if (largest !== undefined) {
        text += `; it needs ${task.profile}, the largest free slot has ${best}`;
      }
    }
    if (done === undefined) text += `; ${before.requests} request(s) ahead of it`;
    return {
      rule,
      resolvedSharedSlots: before.resolved,
      pendingSharedSlots: before.pending,
      freeSlots: before.free,
      matchingFreeSlots: before.matching,
      requestsAhead: before.requests,
      ...(largest === undefined ? {} : { largestFreeSlot: largest }),
      text,
    };
  }

  // ---------------------------------------------------------------- output

  private unsupported(applied: boolean): void {
    if (!applied) this.note("(this event is simulation-only: the real cluster did not apply it)");
  }

  private note(text: string): void {
    this.push({ atMs: this.scheduler.now(), kind: "event", text });
  }

  private push(event: TraceEvent): void {
    this.trace.push(event);
    this.lastChangeAt = event.atMs;
    this.changed();
  }

  private changed(): void {
    this.options.onChange?.();
  }

  private check(): void {
    if (this.options.checkInvariants !== true) return;
    assertSlotPoolInvariants(this.pool);
    for (const manager of this.scheduler2.sharingManagers()) assertSharingInvariants(manager);
  }

  private buildReport(): SimulationReport {
    let placed = 0;
    let failed = 0;
    for (const t of this.tasks) {
      if (t.state === "running" || t.state === "finished") placed++;
      else if (t.state === "failed") failed++;
    }
    const slots = new Set<string>();
    const tms = new Set<string>();
    for (const a of this.assignments) {
      slots.add(a.allocationId);
      tms.add(a.taskManager);
    }
    return {
      scenario: this.scenario.name,
      assignments: this.assignments,
      failures: this.failures,
      summary: {
        // Every task of the job, also those never submitted (a run stopped before the submission).
        tasks: this.scenario.job.vertices.reduce((n, v) => n + v.parallelism, 0),
        placed,
        failed,
        slotsUsed: slots.size,
        taskManagersUsed: tms.size,
      },
    };
  }
}

export function toSpec(r: ScenarioResources): ResourceSpec {
  return Object.keys(r.extended).length === 0
    ? { cpu: r.cpu, memoryMb: r.memoryMb }
    : { cpu: r.cpu, memoryMb: r.memoryMb, extended: r.extended };
}

function codeOf(error: Error): string {
  if (isSlotPoolError(error)) return error.code;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : "ERROR";
}
