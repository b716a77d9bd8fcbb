import type {
  AllocationId,
  JobMasterId,
  ResourceId,
  ResourceManagerGateway,
  SlotOffer,
  TaskExecutorGateway,
  TaskManagerLocation,
} from "@slotpool/core";
import type { Observable } from "rxjs";
import type { JsonValue, ResourceManagerId, TaskSpec } from "./protocol.js";

/**
 * What a finished task produced.
 *
 * @example
 * ```ts
 * connection.submitTask(allocationId, { kind: "sleep", durationMs: 10, result: 42 })
 *   .subscribe((r: TaskResult) => console.log(r.value)); // 42
 * ```
 */
export interface TaskResult {
  readonly taskId: string;
  readonly allocationId: AllocationId;
  readonly resourceId: ResourceId;
  readonly value: JsonValue;
  /** How long the task ran, on the TaskExecutor's clock. */
  readonly durationMs: number;
}

/**
 * A job master's connection to one TaskExecutor, for one leadership term: the gateway the pool
 * holds for that TaskExecutor's slots. Every call carries the term's fencing token, so a
 * TaskExecutor that serves a newer term rejects (and counts) calls made through an old connection.
 *
 * @example
 * ```ts
 * const lease = await pool.allocateSlot({}).result.promise;
 * const te = lease.slot.gateway as TaskExecutorConnection;
 * const result = await firstValueFrom(te.submitTask(lease.slot.allocationId, { kind: "sleep", durationMs: 100 }));
 * ```
 */
export interface TaskExecutorConnection extends TaskExecutorGateway {
  readonly resourceId: ResourceId;
  readonly location: TaskManagerLocation;
  /** The job master term this connection belongs to. */
  readonly jobMasterId: JobMasterId;
  /** The job this connection serves. */
  readonly jobId: string;
  /**
   * Runs a task in the slot of `allocationId`. Cold: the task is submitted on subscribe and
   * cancelled on unsubscribe. Emits one {@link TaskResult} and completes; errors with
   * `TASK_FAILED`, `TASK_CANCELLED`, or `TASK_MANAGER_LOST` when the TaskExecutor is lost.
   */
  submitTask(allocationId: AllocationId, task: TaskSpec): Observable<TaskResult>;
  /** Answers one offer round: the accepted allocation ids (every other offered slot is rejected and freed). */
  answerOffer(offerId: number, accepted: readonly AllocationId[]): void;
  /** Asks for a heartbeat; the answer arrives as a `heartbeat` {@link JobMasterMessage}. */
  requestHeartbeat(): void;
}

/**
 * What the resource manager and the TaskExecutors tell job masters (the stream a connector applies
 * to its pool). The first three are core's `TaskExecutorEvent`s (with the offer round id added);
 * every message carries a fencing token: the job master term it is addressed to, or for the last
 * two the resource manager's session.
 *
 * @example
 * ```ts
 * adapter.messages$.subscribe((m) => { if (m.type === "lost") console.warn(m.resourceId, m.cause.message); });
 * ```
 */
export type JobMasterMessage =
  | {
      readonly type: "registered";
      readonly jobMasterId: JobMasterId;
      readonly location: TaskManagerLocation;
      readonly gateway: TaskExecutorConnection;
    }
  | {
      readonly type: "offer";
      readonly jobMasterId: JobMasterId;
      readonly location: TaskManagerLocation;
      readonly gateway: TaskExecutorConnection;
      readonly offers: readonly SlotOffer[];
      /** Answer with `gateway.answerOffer(offerId, accepted)`. */
      readonly offerId: number;
    }
  | { readonly type: "lost"; readonly jobMasterId: JobMasterId; readonly resourceId: ResourceId; readonly cause: Error }
  | { readonly type: "heartbeat"; readonly jobMasterId: JobMasterId; readonly resourceId: ResourceId }
  | {
      readonly type: "disconnected";
      readonly jobMasterId: JobMasterId;
      readonly resourceId: ResourceId;
      readonly cause: Error;
    }
  | {
      readonly type: "slotFailed";
      readonly jobMasterId: JobMasterId;
      readonly resourceId: ResourceId;
      readonly allocationId: AllocationId;
      readonly cause: Error;
    }
  | { readonly type: "resourceManagerConnected"; readonly resourceManagerId: ResourceManagerId }
  | {
      readonly type: "resourceManagerDisconnected";
      readonly resourceManagerId: ResourceManagerId;
      readonly cause: Error;
    };

/**
 * A job master's registration with the resource manager: the session it belongs to and the
 * gateway the pool sends its requests through (bound to that session and to the job master term).
 *
 * @example
 * ```ts
 * adapter.registerJobMaster("job", token).subscribe(({ gateway }) => pool.connectToResourceManager(gateway));
 * ```
 */
export interface ResourceManagerSession {
  readonly resourceManagerId: ResourceManagerId;
  readonly gateway: ResourceManagerGateway;
}

/**
 * The contract every resource-manager adapter implements (embedded, local processes, and later
 * networked ones), and that {@link connectResourceManager} drives.
 *
 * @example
 * ```ts
 * const adapter: ResourceManagerAdapter = new EmbeddedResourceManager({ scheduler, taskExecutors: [{ id: "tm-1" }] });
 * const link = connectResourceManager(pool, adapter);
 * ```
 */
export interface ResourceManagerAdapter {
  /** Messages for job masters. Hot; completes when the adapter shuts down. */
  readonly messages$: Observable<JobMasterMessage>;
  /**
   * Registers the leader `jobMasterId` of `jobId`. Emits one {@link ResourceManagerSession} and
   * completes, or errors with `RESOURCE_MANAGER_DISCONNECTED` (wait for `resourceManagerConnected`).
   */
  registerJobMaster(jobId: string, jobMasterId: JobMasterId): Observable<ResourceManagerSession>;
  /** The term `jobMasterId` of `jobId` ended (leadership lost, or the job master left). */
  disconnectJobMaster(jobId: string, jobMasterId: JobMasterId, cause: Error): void;
  /** The job master declared a TaskExecutor dead (heartbeat timeout): the adapter stops it for good. */
  reportTaskExecutorLost(resourceId: ResourceId, jobMasterId: JobMasterId, cause: Error): void;
}
