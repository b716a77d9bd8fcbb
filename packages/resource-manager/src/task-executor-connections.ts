import {
  AllocationFailedError,
  type AllocationId,
  type JobMasterId,
  type ResourceId,
  ResourceProfile,
  type ResourceSpec,
  type SlotOffer,
  type TaskManagerLocation,
  TaskManagerLostError,
  taskManagerLocation,
} from "@slotpool/core";
import { Observable, type Subscriber } from "rxjs";
import { remoteError, TaskCancelledError, TaskExecutorDisconnectedError, TaskFailedError } from "./errors.js";
import type { JobMasterToTaskExecutor, TaskExecutorToJobMaster, TaskSpec, WireSlotOffer } from "./protocol.js";
import type { JobMasterMessage, TaskExecutorConnection, TaskResult } from "./resource-manager-adapter.js";

/**
 * Counters of the job-master side of the TaskExecutor links.
 *
 * @example
 * ```ts
 * rm.stats.jobMasterSide.tasksSubmitted;
 * ```
 */
export interface ConnectionStats {
  /** Task results that carried another term's token than the connection that submitted the task. */
  staleMessages: number;
  tasksSubmitted: number;
}

interface PendingTask {
  readonly subscriber: Subscriber<TaskResult>;
  readonly connection: Connection;
}

const ACK = "ack";

class Connection implements TaskExecutorConnection {
  readonly resourceId: ResourceId;
  readonly location: TaskManagerLocation;
  readonly jobMasterId: JobMasterId;
  readonly jobId: string;
  closed = false;
  readonly tasks: Set<string> = new Set<string>();
  private readonly hub: TaskExecutorConnections;

  constructor(hub: TaskExecutorConnections, location: TaskManagerLocation, jobMasterId: JobMasterId, jobId: string) {
    this.hub = hub;
    this.resourceId = location.resourceId;
    this.location = location;
    this.jobMasterId = jobMasterId;
    this.jobId = jobId;
  }

  freeSlot(allocationId: AllocationId, cause: Error): Observable<unknown> {
    return new Observable<unknown>((subscriber) => {
      if (this.closed) {
        subscriber.error(new TaskManagerLostError(`TaskExecutor ${this.resourceId} is gone.`));
        return;
      }
      this.hub.send(this.resourceId, {
        type: "freeSlot",
        jobMasterId: this.jobMasterId,
        allocationId,
        reason: cause.message,
      });
      subscriber.next(ACK);
      subscriber.complete();
    });
  }

  submitTask(allocationId: AllocationId, task: TaskSpec): Observable<TaskResult> {
    return new Observable<TaskResult>((subscriber) => {
      if (this.closed) {
        subscriber.error(new TaskManagerLostError(`TaskExecutor ${this.resourceId} is gone.`));
        return;
      }
      const taskId = this.hub.register(this, subscriber);
      this.hub.send(this.resourceId, { type: "submitTask", jobMasterId: this.jobMasterId, allocationId, taskId, task });
      return () => {
        if (this.hub.forget(taskId) && !this.closed) {
          this.hub.send(this.resourceId, { type: "cancelTask", jobMasterId: this.jobMasterId, taskId });
        }
      };
    });
  }

  answerOffer(offerId: number, accepted: readonly AllocationId[]): void {
    if (this.closed) return;
    this.hub.send(this.resourceId, { type: "offerAnswer", jobMasterId: this.jobMasterId, offerId, accepted });
  }

  requestHeartbeat(): void {
    if (this.closed) return;
    this.hub.send(this.resourceId, { type: "heartbeatRequest", jobMasterId: this.jobMasterId });
  }

  toString(): string {
    return `${this.resourceId}@${this.jobMasterId}`;
  }
}

/**
 * The job-master side of the TaskExecutor links, shared by the adapters: it turns TaskExecutor
 * messages into {@link JobMasterMessage}s (with one {@link TaskExecutorConnection} per TaskExecutor
 * and job master term), routes task results to their subscribers, and fails everything of a
 * TaskExecutor that is gone.
 */
export class TaskExecutorConnections {
  readonly stats: ConnectionStats = { staleMessages: 0, tasksSubmitted: 0 };
  private readonly sendTo: (id: ResourceId, message: JobMasterToTaskExecutor) => void;
  private readonly emit: (message: JobMasterMessage) => void;
  /** TaskExecutor → (term token → connection). */
  private readonly connections = new Map<ResourceId, Map<JobMasterId, Connection>>();
  private readonly tasks = new Map<string, PendingTask>();
  private readonly profiles = new WeakMap<object, ResourceProfile>();
  private readonly taskPrefix: string;
  private taskSeq = 0;

  constructor(
    sendTo: (id: ResourceId, message: JobMasterToTaskExecutor) => void,
    emit: (message: JobMasterMessage) => void,
    taskPrefix = "task-",
  ) {
    this.sendTo = sendTo;
    this.emit = emit;
    this.taskPrefix = taskPrefix;
  }

  /** Sends a job-master message to a TaskExecutor. */
  send(id: ResourceId, message: JobMasterToTaskExecutor): void {
    this.sendTo(id, message);
  }

  /** Registers a task subscriber; returns the task id. */
  register(connection: Connection, subscriber: Subscriber<TaskResult>): string {
    const taskId = `${this.taskPrefix}${++this.taskSeq}`;
    this.tasks.set(taskId, { subscriber, connection });
    connection.tasks.add(taskId);
    this.stats.tasksSubmitted++;
    return taskId;
  }

  /** Forgets a task (its subscriber left). Returns true when it was still running. */
  forget(taskId: string): boolean {
    const task = this.tasks.get(taskId);
    if (task === undefined) return false;
    this.tasks.delete(taskId);
    task.connection.tasks.delete(taskId);
    return true;
  }

  /** Tasks submitted and not finished. */
  get runningTasks(): number {
    return this.tasks.size;
  }

  /** A message from TaskExecutor `from` to a job master. */
  receive(from: ResourceId, message: TaskExecutorToJobMaster): void {
    switch (message.type) {
      case "registerAtJobMaster": {
        const connection = this.connectionFor(from, message.jobMasterId, message.jobId, message.host);
        this.emit({
          type: "registered",
          jobMasterId: message.jobMasterId,
          location: connection.location,
          gateway: connection,
        });
        return;
      }
      case "offerSlots": {
        const connection = this.connectionFor(from, message.jobMasterId, message.jobId, undefined);
        this.emit({
          type: "offer",
          jobMasterId: message.jobMasterId,
          location: connection.location,
          gateway: connection,
          offers: message.offers.map((o) => this.toSlotOffer(o)),
          offerId: message.offerId,
        });
        return;
      }
      case "heartbeat":
        this.emit({ type: "heartbeat", jobMasterId: message.jobMasterId, resourceId: from });
        return;
      case "disconnectFromJobMaster":
        this.emit({
          type: "disconnected",
          jobMasterId: message.jobMasterId,
          resourceId: from,
          cause: remoteError(() => new TaskExecutorDisconnectedError(message.reason)),
        });
        return;
      case "slotFailed":
        this.emit({
          type: "slotFailed",
          jobMasterId: message.jobMasterId,
          resourceId: from,
          allocationId: message.allocationId,
          cause: remoteError(
            () =>
              new AllocationFailedError(`TaskExecutor ${from} freed slot ${message.allocationId}: ${message.reason}`),
          ),
        });
        return;
      case "taskFinished": {
        const task = this.tasks.get(message.taskId);
        if (task === undefined) return;
        if (task.connection.jobMasterId !== message.jobMasterId || task.connection.resourceId !== from) {
          this.stats.staleMessages++;
          return;
        }
        this.forget(message.taskId);
        const { subscriber } = task;
        if (message.outcome === "succeeded") {
          subscriber.next({
            taskId: message.taskId,
            allocationId: message.allocationId,
            resourceId: from,
            value: message.value,
            durationMs: message.durationMs,
          });
          subscriber.complete();
        } else if (message.outcome === "cancelled") {
          subscriber.error(
            remoteError(() => new TaskCancelledError(`Task ${message.taskId} was cancelled: ${message.error ?? ""}`)),
          );
        } else {
          subscriber.error(
            remoteError(
              () => new TaskFailedError(`Task ${message.taskId} failed: ${message.error ?? "unknown error"}`),
            ),
          );
        }
        return;
      }
    }
  }

  /**
   * A TaskExecutor is gone: every job master connected to it gets a `lost` message, and its running
   * tasks fail with `TASK_MANAGER_LOST`.
   */
  taskExecutorGone(id: ResourceId, cause: Error): void {
    const byTerm = this.connections.get(id);
    if (byTerm === undefined) return;
    this.connections.delete(id);
    const lost =
      cause instanceof TaskManagerLostError
        ? cause
        : new TaskManagerLostError(`TaskExecutor ${id} was lost.`, { cause });
    for (const connection of byTerm.values()) {
      connection.closed = true;
      for (const taskId of [...connection.tasks]) {
        const task = this.tasks.get(taskId);
        this.forget(taskId);
        task?.subscriber.error(lost);
      }
    }
    for (const connection of byTerm.values()) {
      this.emit({ type: "lost", jobMasterId: connection.jobMasterId, resourceId: id, cause: lost });
    }
  }

  /** Fails every running task (the adapter shuts down). */
  failAll(error: Error): void {
    for (const [taskId, task] of [...this.tasks]) {
      this.forget(taskId);
      task.subscriber.error(error);
    }
    for (const byTerm of this.connections.values()) for (const c of byTerm.values()) c.closed = true;
    this.connections.clear();
  }

  private connectionFor(id: ResourceId, token: JobMasterId, jobId: string, host: string | undefined): Connection {
    let byTerm = this.connections.get(id);
    if (byTerm === undefined) {
      byTerm = new Map();
      this.connections.set(id, byTerm);
    }
    let connection = byTerm.get(token);
    if (connection === undefined) {
      let location: TaskManagerLocation | undefined;
      for (const other of byTerm.values()) {
        location = other.location;
        break;
      }
      if (location === undefined || (host !== undefined && location.host !== host)) {
        location = taskManagerLocation(id, host ?? id);
      }
      connection = new Connection(this, location, token, jobId);
      byTerm.set(token, connection);
    }
    return connection;
  }

  private toSlotOffer(offer: WireSlotOffer): SlotOffer {
    return { allocationId: offer.allocationId, slotIndex: offer.slotIndex, profile: this.profileOf(offer.profile) };
  }

  private profileOf(spec: ResourceSpec): ResourceProfile {
    let profile = this.profiles.get(spec);
    if (profile === undefined) {
      profile = ResourceProfile.of(spec);
      this.profiles.set(spec, profile);
    }
    return profile;
  }
}
