import type { AllocationId, Brand, JobMasterId, ResourceId, ResourceSpec } from "@slotpool/core";

/**
 * The version of the message schema spoken between the resource manager and TaskExecutors. Every
 * message that crosses a process boundary carries it as `v`; a message with another version is
 * rejected as malformed.
 *
 * @example
 * ```ts
 * process.send?.({ v: PROTOCOL_VERSION, type: "heartbeat", jobMasterId, resourceId, activeSlots: 1 });
 * ```
 */
export const PROTOCOL_VERSION = 1;

/**
 * The fencing token of a resource manager's leadership session (Flink's ResourceManagerId). It
 * changes every time the resource manager (re)connects; TaskExecutors reject messages that carry
 * another session's token.
 *
 * @example
 * ```ts
 * const session: ResourceManagerId = "rm-2" as ResourceManagerId;
 * ```
 */
export type ResourceManagerId = Brand<string, "ResourceManagerId">;

/**
 * A JSON value: what task arguments and task results may be (they cross process boundaries).
 *
 * @example
 * ```ts
 * const v: JsonValue = { words: ["a", "b"], count: 2 };
 * ```
 */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * What a TaskExecutor runs in a slot: sleep for a while (optionally returning a value), or call an
 * exported function of an ES module (its awaited, JSON-serialisable return value is the result).
 *
 * @example
 * ```ts
 * const sleep: TaskSpec = { kind: "sleep", durationMs: 500 };
 * const call: TaskSpec = { kind: "module", module: "/abs/path/tasks.js", export: "wordCount", args: ["a b a"] };
 * ```
 */
export type TaskSpec =
  | { readonly kind: "sleep"; readonly durationMs: number; readonly result?: JsonValue }
  | {
      readonly kind: "module";
      /** An absolute path or a `file:` URL. */
      readonly module: string;
      /** The export to call; default `"default"`. */
      readonly export?: string;
      readonly args?: readonly JsonValue[];
    };

/**
 * One slot of a TaskExecutor as it reports itself: its profile and, when it is not free, the
 * allocation and job it belongs to.
 *
 * @example
 * ```ts
 * const entry: SlotReportEntry = { profile: { cpu: 1, memoryMb: 1024 }, allocationId: null, jobId: null };
 * ```
 */
export interface SlotReportEntry {
  readonly profile: ResourceSpec;
  readonly allocationId: AllocationId | null;
  readonly jobId: string | null;
}

/**
 * One slot offered by a TaskExecutor, in wire form (the profile is a plain {@link ResourceSpec}).
 *
 * @example
 * ```ts
 * const o: WireSlotOffer = { allocationId, slotIndex: 0, profile: { cpu: 1, memoryMb: 1024 } };
 * ```
 */
export interface WireSlotOffer {
  readonly allocationId: AllocationId;
  readonly slotIndex: number;
  readonly profile: ResourceSpec;
}

/**
 * Messages from the resource manager to a TaskExecutor. Each carries the resource manager's session
 * token; the TaskExecutor rejects (and counts) those of another session.
 *
 * - `registrationAccepted`: the answer to `register`.
 * - `reconnect`: a new resource-manager session asks every live TaskExecutor to register again
 *   (with a full slot report).
 * - `requestSlot`: reserve slot `slotIndex` for `allocationId` of `jobId` and offer it to the job's
 *   leader `jobMasterId`.
 * - `cancelSlot`: the request was withdrawn; free the slot if it has not been offered yet.
 * - `jobMasterChanged`: the job's leader changed (`null`: no leader); on a new leader, register with
 *   it and offer it every slot of the job again.
 *
 * @example
 * ```ts
 * const m: ResourceManagerToTaskExecutor = { type: "cancelSlot", resourceManagerId, allocationId };
 * ```
 */
export type ResourceManagerToTaskExecutor =
  | { readonly type: "registrationAccepted"; readonly resourceManagerId: ResourceManagerId }
  | { readonly type: "reconnect"; readonly resourceManagerId: ResourceManagerId }
  | {
      readonly type: "requestSlot";
      readonly resourceManagerId: ResourceManagerId;
      readonly slotIndex: number;
      readonly allocationId: AllocationId;
      readonly jobId: string;
      readonly jobMasterId: JobMasterId;
    }
  | { readonly type: "cancelSlot"; readonly resourceManagerId: ResourceManagerId; readonly allocationId: AllocationId }
  | {
      readonly type: "jobMasterChanged";
      readonly resourceManagerId: ResourceManagerId;
      readonly jobId: string;
      readonly jobMasterId: JobMasterId | null;
    };

/**
 * Messages from a job master (the pool's side) to a TaskExecutor. Each carries the job master's
 * fencing token; the TaskExecutor rejects (and counts) those of a term it does not serve.
 *
 * @example
 * ```ts
 * const m: JobMasterToTaskExecutor = { type: "heartbeatRequest", jobMasterId };
 * ```
 */
export type JobMasterToTaskExecutor =
  | {
      readonly type: "offerAnswer";
      readonly jobMasterId: JobMasterId;
      readonly offerId: number;
      /** The accepted allocation ids; every other slot of the offer round was rejected. */
      readonly accepted: readonly AllocationId[];
    }
  | {
      readonly type: "freeSlot";
      readonly jobMasterId: JobMasterId;
      readonly allocationId: AllocationId;
      readonly reason: string;
    }
  | {
      readonly type: "submitTask";
      readonly jobMasterId: JobMasterId;
      readonly allocationId: AllocationId;
      readonly taskId: string;
      readonly task: TaskSpec;
    }
  | { readonly type: "cancelTask"; readonly jobMasterId: JobMasterId; readonly taskId: string }
  | { readonly type: "heartbeatRequest"; readonly jobMasterId: JobMasterId };

/**
 * Messages from a TaskExecutor to the resource manager, each naming the sender. `register` carries a full slot report (so a
 * new resource-manager session can rebuild its view); the others carry the session token the
 * TaskExecutor knows (`null` before its first registration was accepted).
 *
 * @example
 * ```ts
 * const m: TaskExecutorToResourceManager = { type: "slotFreed", resourceManagerId, resourceId, slotIndex: 0, allocationId };
 * ```
 */
export type TaskExecutorToResourceManager =
  | {
      readonly type: "register";
      readonly resourceManagerId: ResourceManagerId | null;
      readonly resourceId: ResourceId;
      readonly host: string;
      readonly slots: readonly SlotReportEntry[];
    }
  | {
      readonly type: "slotRequestAnswer";
      readonly resourceManagerId: ResourceManagerId | null;
      readonly resourceId: ResourceId;
      readonly allocationId: AllocationId;
      readonly accepted: boolean;
      readonly reason: string | null;
    }
  | {
      readonly type: "slotFreed";
      readonly resourceManagerId: ResourceManagerId | null;
      readonly resourceId: ResourceId;
      readonly slotIndex: number;
      readonly allocationId: AllocationId;
    };

/**
 * The outcome of a task, as a TaskExecutor reports it.
 *
 * @example
 * ```ts
 * const o: TaskOutcome = "succeeded";
 * ```
 */
export type TaskOutcome = "succeeded" | "failed" | "cancelled";

/**
 * Messages from a TaskExecutor to a job master. Each carries the fencing token of the job master
 * term it is addressed to; the job master rejects (and counts) those of another term.
 *
 * - `registerAtJobMaster`: the TaskExecutor connects to the job's leader (before its first offer).
 * - `offerSlots`: one offer round; the answer names the accepted slots.
 * - `heartbeat`: the answer to a `heartbeatRequest`.
 * - `disconnectFromJobMaster`: the TaskExecutor holds no more slots of the job and closes the connection.
 * - `slotFailed`: the TaskExecutor freed a slot on its own (Flink's `failSlot`).
 * - `taskFinished`: a task ended.
 *
 * @example
 * ```ts
 * const m: TaskExecutorToJobMaster = { type: "heartbeat", jobMasterId, resourceId, activeSlots: 2 };
 * ```
 */
export type TaskExecutorToJobMaster =
  | {
      readonly type: "registerAtJobMaster";
      readonly jobMasterId: JobMasterId;
      readonly jobId: string;
      readonly resourceId: ResourceId;
      readonly host: string;
    }
  | {
      readonly type: "offerSlots";
      readonly jobMasterId: JobMasterId;
      readonly jobId: string;
      readonly resourceId: ResourceId;
      readonly offerId: number;
      readonly offers: readonly WireSlotOffer[];
    }
  | {
      readonly type: "heartbeat";
      readonly jobMasterId: JobMasterId;
      readonly resourceId: ResourceId;
      readonly activeSlots: number;
    }
  | {
      readonly type: "disconnectFromJobMaster";
      readonly jobMasterId: JobMasterId;
      readonly jobId: string;
      readonly resourceId: ResourceId;
      readonly reason: string;
    }
  | {
      readonly type: "slotFailed";
      readonly jobMasterId: JobMasterId;
      readonly resourceId: ResourceId;
      readonly allocationId: AllocationId;
      readonly reason: string;
    }
  | {
      readonly type: "taskFinished";
      readonly jobMasterId: JobMasterId;
      readonly resourceId: ResourceId;
      readonly taskId: string;
      readonly allocationId: AllocationId;
      readonly outcome: TaskOutcome;
      readonly value: JsonValue;
      readonly error: string | null;
      /** How long the task ran, in the TaskExecutor's clock. */
      readonly durationMs: number;
    };

/**
 * Everything a TaskExecutor receives.
 *
 * @example
 * ```ts
 * function receive(message: TaskExecutorInbound): void {}
 * ```
 */
export type TaskExecutorInbound = ResourceManagerToTaskExecutor | JobMasterToTaskExecutor;

/**
 * Everything a TaskExecutor sends.
 *
 * @example
 * ```ts
 * function send(message: TaskExecutorOutbound): void {}
 * ```
 */
export type TaskExecutorOutbound = TaskExecutorToResourceManager | TaskExecutorToJobMaster;

const RESOURCE_MANAGER_BOUND: ReadonlySet<string> = new Set(["register", "slotRequestAnswer", "slotFreed"]);

/**
 * True when a TaskExecutor's message is addressed to the resource manager (else to a job master).
 *
 * @example
 * ```ts
 * if (isResourceManagerBound(message)) rm.receive(from, message); else jobMasters.receive(from, message);
 * ```
 */
export function isResourceManagerBound(message: TaskExecutorOutbound): message is TaskExecutorToResourceManager {
  return RESOURCE_MANAGER_BOUND.has(message.type);
}
