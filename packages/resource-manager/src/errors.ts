import { SlotPoolError } from "@slotpool/core";

/**
 * The stable codes of the errors this package raises (on top of core's codes such as
 * `TASK_MANAGER_LOST` and `FENCING_TOKEN_MISMATCH`, which it reuses).
 *
 * - `RESOURCE_MANAGER_DISCONNECTED`: the resource manager is not reachable (disconnected, or the
 *   session the call was made in has ended).
 * - `TASK_FAILED`: a task threw, or could not be started on its slot.
 * - `TASK_CANCELLED`: a task was cancelled (its slot was freed, or its subscriber unsubscribed).
 * - `PROTOCOL_VIOLATION`: a message between processes did not follow the schema.
 * - `WORKER_START_FAILED`: a worker process could not be started or did not register in time.
 * - `ADAPTER_SHUT_DOWN`: the adapter was shut down.
 * - `TASK_EXECUTOR_DISCONNECTED`: a TaskExecutor closed its connection to a job master because it
 *   holds no more slots of the job (not a failure; it registers again before its next offer).
 *
 * @example
 * ```ts
 * if (isSlotPoolError(error, "TASK_FAILED")) console.error(error.message);
 * ```
 */
export type ResourceManagerErrorCode =
  | "RESOURCE_MANAGER_DISCONNECTED"
  | "TASK_FAILED"
  | "TASK_CANCELLED"
  | "PROTOCOL_VIOLATION"
  | "WORKER_START_FAILED"
  | "ADAPTER_SHUT_DOWN"
  | "TASK_EXECUTOR_DISCONNECTED";

/**
 * Base class of the errors of `@slotpool/resource-manager`: a {@link SlotPoolError} with one of the
 * {@link ResourceManagerErrorCode}s.
 *
 * @example
 * ```ts
 * throw new ResourceManagerError("ADAPTER_SHUT_DOWN", "The resource manager was shut down.");
 * ```
 */
export class ResourceManagerError<
  C extends ResourceManagerErrorCode = ResourceManagerErrorCode,
> extends SlotPoolError<C> {
  override readonly name: string = "ResourceManagerError";
}

/**
 * The resource manager is not reachable: it is disconnected, or the session the call belongs to ended.
 *
 * @example
 * ```ts
 * new ResourceManagerDisconnectedError("The resource manager rm-1 is disconnected.");
 * ```
 */
export class ResourceManagerDisconnectedError extends ResourceManagerError<"RESOURCE_MANAGER_DISCONNECTED"> {
  override readonly name = "ResourceManagerDisconnectedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("RESOURCE_MANAGER_DISCONNECTED", message, options);
  }
}

/**
 * A task threw, or could not be started on its slot.
 *
 * @example
 * ```ts
 * new TaskFailedError("task-3 failed: division by zero");
 * ```
 */
export class TaskFailedError extends ResourceManagerError<"TASK_FAILED"> {
  override readonly name = "TaskFailedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("TASK_FAILED", message, options);
  }
}

/**
 * A task was cancelled before it finished (its slot was freed, or its subscriber unsubscribed).
 *
 * @example
 * ```ts
 * new TaskCancelledError("task-3 was cancelled: slot freed");
 * ```
 */
export class TaskCancelledError extends ResourceManagerError<"TASK_CANCELLED"> {
  override readonly name = "TaskCancelledError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("TASK_CANCELLED", message, options);
  }
}

/**
 * A message between the resource manager and a worker process did not follow the protocol schema.
 * Such messages are logged and dropped; this error is what gets logged.
 *
 * @example
 * ```ts
 * new ProtocolViolationError("offerSlots.offers[0].slotIndex: expected an integer ≥ 0, got -1");
 * ```
 */
export class ProtocolViolationError extends ResourceManagerError<"PROTOCOL_VIOLATION"> {
  override readonly name = "ProtocolViolationError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("PROTOCOL_VIOLATION", message, options);
  }
}

/**
 * A worker process could not be started, or did not register within its start-up timeout.
 *
 * @example
 * ```ts
 * new WorkerStartError("worker-2 did not register within 10000 ms");
 * ```
 */
export class WorkerStartError extends ResourceManagerError<"WORKER_START_FAILED"> {
  override readonly name = "WorkerStartError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("WORKER_START_FAILED", message, options);
  }
}

/**
 * The adapter was shut down while the call was outstanding.
 *
 * @example
 * ```ts
 * new AdapterShutDownError("The local-process resource manager was shut down.");
 * ```
 */
export class AdapterShutDownError extends ResourceManagerError<"ADAPTER_SHUT_DOWN"> {
  override readonly name = "AdapterShutDownError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("ADAPTER_SHUT_DOWN", message, options);
  }
}

/**
 * A TaskExecutor closed its connection to a job master: it holds no more slots of the job. The pool
 * unregisters it (it has no slots there); it registers again before its next offer.
 *
 * @example
 * ```ts
 * new TaskExecutorDisconnectedError("tm-1 holds no more slots of job wordcount");
 * ```
 */
export class TaskExecutorDisconnectedError extends ResourceManagerError<"TASK_EXECUTOR_DISCONNECTED"> {
  override readonly name = "TaskExecutorDisconnectedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("TASK_EXECUTOR_DISCONNECTED", message, options);
  }
}

/**
 * Builds an error without capturing a stack trace: for errors that describe an event reported by
 * another party (a TaskExecutor disconnecting, a remote task failing), where the local stack is
 * only the message loop and capturing it would dominate the cost of handling the message.
 */
export function remoteError<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
