import {
  type AllocationId,
  applyTaskExecutorEvent,
  type JobMasterId,
  PoolSuspendedError,
  type ResourceId,
  type SlotPool,
  type TaskExecutorLinkStats,
  TaskManagerLostError,
} from "@slotpool/core";
import type { SchedulerLike, Subscription } from "rxjs";
import { HeartbeatMonitor } from "./heartbeat-monitor.js";
import type { ResourceManagerId } from "./protocol.js";
import type {
  JobMasterMessage,
  ResourceManagerAdapter,
  ResourceManagerSession,
  TaskExecutorConnection,
} from "./resource-manager-adapter.js";

/**
 * Options of {@link connectResourceManager}.
 *
 * @example
 * ```ts
 * connectResourceManager(pool, adapter, { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 500 });
 * ```
 */
export interface ConnectResourceManagerOptions {
  /** How often each connected TaskExecutor is asked for a heartbeat. Default 10 000 (Flink's). */
  readonly heartbeatIntervalMs?: number;
  /** A TaskExecutor silent this long is lost (`TASK_MANAGER_LOST`). Default 50 000 (Flink's). `Infinity` disables heartbeats. */
  readonly heartbeatTimeoutMs?: number;
  /** Runs the heartbeat timer; default the pool's scheduler. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Counters of a {@link ResourceManagerLink}: core's `applied` / `stale` / `invalid` message counts
 * (stale = rejected for a fencing token of another term or session, never applied), plus
 * connection and heartbeat events.
 *
 * @example
 * ```ts
 * expect(link.stats.stale).toBe(1);
 * ```
 */
export interface ResourceManagerLinkStats extends TaskExecutorLinkStats {
  /** TaskExecutors declared lost because their heartbeats stopped. */
  heartbeatTimeouts: number;
  /** Heartbeat answers received (current term). */
  heartbeats: number;
  /** Times the pool was connected to a resource-manager session. */
  resourceManagerConnections: number;
  /** Times the resource manager went away. */
  resourceManagerDisconnections: number;
  /** Offered slots rejected (stale offers, or offers the pool refused). */
  offersRejected: number;
}

/**
 * A running pool ↔ resource manager ↔ TaskExecutors connection; see {@link connectResourceManager}.
 *
 * @example
 * ```ts
 * link.grantLeadership(jobMasterId("jm-2")); // new term: TaskExecutors re-offer their slots
 * link.close();
 * ```
 */
export interface ResourceManagerLink {
  readonly stats: Readonly<ResourceManagerLinkStats>;
  /** The resource-manager session the pool is connected to, if any. */
  readonly resourceManagerId: ResourceManagerId | undefined;
  /** TaskExecutors registered with the pool in the current term, with their connections. */
  readonly taskExecutors: ReadonlyMap<ResourceId, TaskExecutorConnection>;
  /**
   * Starts a leadership term with a new fencing token: ends the current term if any (the pool is
   * suspended, its TaskExecutors unregistered, the resource manager told), starts the pool with
   * `jobMasterId` and registers it. TaskExecutors then register again and re-offer every slot they
   * hold for the job; messages still carrying the old token are rejected and counted.
   */
  grantLeadership(jobMasterId: JobMasterId): void;
  /** Ends the current term (see {@link ResourceManagerLink.grantLeadership}). */
  revokeLeadership(cause?: Error): void;
  /** Stops applying messages and heartbeats; tells the resource manager the job master left. Idempotent. */
  close(): void;
}

class Link implements ResourceManagerLink {
  readonly stats: ResourceManagerLinkStats = {
    applied: 0,
    stale: 0,
    invalid: 0,
    heartbeatTimeouts: 0,
    heartbeats: 0,
    resourceManagerConnections: 0,
    resourceManagerDisconnections: 0,
    offersRejected: 0,
  };
  resourceManagerId: ResourceManagerId | undefined;
  readonly taskExecutors = new Map<ResourceId, TaskExecutorConnection>();
  private readonly pool: SlotPool;
  private readonly adapter: ResourceManagerAdapter;
  private readonly monitor: HeartbeatMonitor<ResourceId>;
  private readonly timeoutMs: number;
  private readonly messages: Subscription;
  private registration: Subscription | undefined;
  private registeringFor: JobMasterId | undefined;
  private closed = false;

  constructor(pool: SlotPool, adapter: ResourceManagerAdapter, options: ConnectResourceManagerOptions) {
    this.pool = pool;
    this.adapter = adapter;
    const interval = options.heartbeatIntervalMs ?? 10_000;
    this.timeoutMs = options.heartbeatTimeoutMs ?? 50_000;
    this.monitor = new HeartbeatMonitor(options.scheduler ?? pool.scheduler, interval, this.timeoutMs, (id) =>
      this.onHeartbeatTimeout(id),
    );
    this.messages = adapter.messages$.subscribe((message) => this.onMessage(message));
    if (pool.isStarted) this.register();
  }

  grantLeadership(jobMasterId: JobMasterId): void {
    if (this.closed) return;
    if (this.pool.isStarted) this.revokeLeadership(new PoolSuspendedError(`Leadership moved to ${jobMasterId}.`));
    this.pool.start(jobMasterId);
    this.register();
  }

  revokeLeadership(cause: Error = new PoolSuspendedError("Leadership was revoked.")): void {
    const token = this.pool.jobMasterId;
    if (token === undefined) return;
    this.endRegistration();
    // Suspending fails the requests sent in this term, which cancels them at the resource manager
    // (still under this term's token), before the resource manager hears the term ended.
    this.pool.suspend();
    for (const id of this.taskExecutors.keys()) this.pool.releaseTaskManager(id, cause);
    this.taskExecutors.clear();
    this.monitor.clear();
    this.resourceManagerId = undefined;
    this.adapter.disconnectJobMaster(this.pool.jobId, token, cause);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.messages.unsubscribe();
    this.endRegistration();
    this.monitor.clear();
    const token = this.pool.jobMasterId;
    this.pool.disconnectResourceManager();
    this.resourceManagerId = undefined;
    if (token !== undefined)
      this.adapter.disconnectJobMaster(this.pool.jobId, token, new Error("The job master left."));
  }

  private endRegistration(): void {
    this.registration?.unsubscribe();
    this.registration = undefined;
    this.registeringFor = undefined;
  }

  private register(): void {
    const token = this.pool.jobMasterId;
    if (token === undefined || this.closed || this.registeringFor === token) return;
    this.endRegistration();
    this.registeringFor = token;
    const done = (): void => {
      if (this.registeringFor === token) this.registeringFor = undefined;
    };
    this.registration = this.adapter.registerJobMaster(this.pool.jobId, token).subscribe({
      next: (session: ResourceManagerSession) => {
        done();
        if (this.closed || this.pool.jobMasterId !== token) return;
        this.resourceManagerId = session.resourceManagerId;
        this.pool.connectToResourceManager(session.gateway);
        this.stats.resourceManagerConnections++;
      },
      // Disconnected: the next `resourceManagerConnected` message triggers another attempt.
      error: done,
      complete: done,
    });
  }

  private isCurrent(token: JobMasterId): boolean {
    if (token === this.pool.jobMasterId && token !== undefined) return true;
    this.stats.stale++;
    return false;
  }

  private onMessage(message: JobMasterMessage): void {
    switch (message.type) {
      case "registered": {
        const outcome = applyTaskExecutorEvent(this.pool, message);
        this.stats[outcome.status]++;
        if (outcome.status !== "applied") return;
        const id = message.location.resourceId;
        this.taskExecutors.set(id, message.gateway);
        this.monitor.add(id, message.gateway);
        return;
      }
      case "offer": {
        const outcome = applyTaskExecutorEvent(this.pool, message);
        this.stats[outcome.status]++;
        const accepted = outcome.status === "applied" ? (outcome.accepted ?? []) : [];
        this.stats.offersRejected += message.offers.length - accepted.length;
        message.gateway.answerOffer(
          message.offerId,
          accepted.map((o) => o.allocationId),
        );
        if (outcome.status === "applied") this.monitor.touch(message.location.resourceId);
        return;
      }
      case "lost": {
        const outcome = applyTaskExecutorEvent(this.pool, message);
        this.stats[outcome.status]++;
        if (outcome.status === "applied") this.forget(message.resourceId);
        return;
      }
      case "heartbeat":
        if (!this.isCurrent(message.jobMasterId)) return;
        this.stats.heartbeats++;
        this.monitor.touch(message.resourceId);
        return;
      case "disconnected":
        if (!this.isCurrent(message.jobMasterId)) return;
        this.stats.applied++;
        this.pool.releaseTaskManager(message.resourceId, message.cause);
        this.forget(message.resourceId);
        return;
      case "slotFailed":
        if (!this.isCurrent(message.jobMasterId)) return;
        this.stats.applied++;
        this.pool.failAllocation(message.allocationId, message.cause);
        return;
      case "resourceManagerConnected":
        if (message.resourceManagerId === this.resourceManagerId) return;
        if (this.resourceManagerId !== undefined) this.pool.disconnectResourceManager();
        this.resourceManagerId = undefined;
        this.register();
        return;
      case "resourceManagerDisconnected":
        if (message.resourceManagerId !== this.resourceManagerId) {
          this.stats.stale++;
          return;
        }
        this.resourceManagerId = undefined;
        this.stats.resourceManagerDisconnections++;
        this.pool.disconnectResourceManager();
        return;
    }
  }

  private forget(id: ResourceId): void {
    this.taskExecutors.delete(id);
    this.monitor.remove(id);
  }

  private onHeartbeatTimeout(id: ResourceId): void {
    const token = this.pool.jobMasterId;
    const gateway = this.taskExecutors.get(id);
    this.taskExecutors.delete(id);
    if (token === undefined) return;
    this.stats.heartbeatTimeouts++;
    const cause = new TaskManagerLostError(`TaskExecutor ${id} sent no heartbeat for ${this.timeoutMs} ms.`);
    const held = gateway === undefined ? [] : this.slotsOn(id);
    this.pool.releaseTaskManager(id, cause);
    // The TaskExecutor may only be frozen or cut off, and the resource manager that would stop it
    // may be away: tell it to free the slots the pool dropped (it applies that once it runs again),
    // so that they do not stay active for this term forever.
    for (const allocationId of held) {
      (gateway as TaskExecutorConnection).freeSlot(allocationId, cause).subscribe({ error: () => {} });
    }
    this.adapter.reportTaskExecutorLost(id, token, cause);
  }

  /** Allocation ids of the slots the pool holds (free or allocated) on TaskExecutor `id`. */
  private slotsOn(id: ResourceId): AllocationId[] {
    const { available, allocated } = this.pool.inspect();
    const ids = allocated.getSlotsForTaskManager(id).map((slot) => slot.allocationId);
    if (available.containsTaskManager(id)) {
      for (const slot of available.values()) if (slot.location.resourceId === id) ids.push(slot.allocationId);
    }
    return ids;
  }
}

/**
 * Wires a pool to a resource-manager adapter and its TaskExecutors: registers the pool's job master
 * term with the resource manager and connects the pool to the session's gateway (again after every
 * reconnect); applies TaskExecutor registrations, slot offers (answering each offer round), losses,
 * disconnections and slot failures, after checking every message's fencing token (stale messages are
 * counted and never applied); watches each registered TaskExecutor with heartbeats and releases a
 * silent one with `TASK_MANAGER_LOST`; and changes leadership terms with
 * {@link ResourceManagerLink.grantLeadership}. Start the pool before, or through `grantLeadership`.
 *
 * @example
 * ```ts
 * const scheduler = new VirtualTimeScheduler();
 * const pool = new SlotPool({ scheduler });
 * const rm = new EmbeddedResourceManager({ scheduler, taskExecutors: [{ id: "tm-1", slots: 2 }] });
 * const link = connectResourceManager(pool, rm);
 * link.grantLeadership(jobMasterId("jm-1"));
 * const handle = pool.allocateSlot({});
 * scheduler.maxFrames = 100; scheduler.flush();
 * handle.result.isDone; // true: requested, offered by tm-1, allocated
 * ```
 */
export function connectResourceManager(
  pool: SlotPool,
  adapter: ResourceManagerAdapter,
  options: ConnectResourceManagerOptions = {},
): ResourceManagerLink {
  return new Link(pool, adapter, options);
}
