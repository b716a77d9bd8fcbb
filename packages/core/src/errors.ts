/**
 * The stable codes of every error the pool raises. Match on `code` (or {@link isSlotPoolError}),
 * never on messages; `instanceof` fails across duplicate package copies.
 *
 * @example
 * ```ts
 * if (isSlotPoolError(err, "TIMEOUT")) retry();
 * ```
 */
export type SlotPoolErrorCode =
  | "NO_RESOURCE_AVAILABLE"
  | "TIMEOUT"
  | "SLOT_RELEASED"
  | "TASK_MANAGER_LOST"
  | "ALLOCATION_FAILED"
  | "REQUEST_CANCELLED"
  | "POOL_NOT_STARTED"
  | "POOL_SUSPENDED"
  | "FENCING_TOKEN_MISMATCH"
  | "INVALID_ARGUMENT"
  | "ILLEGAL_STATE"
  | "INVARIANT_VIOLATED";

/**
 * Base class of every slotpool error: a stable `code` and, where one exists, the `cause`.
 * Other slotpool packages extend it with their own codes.
 *
 * @typeParam C - the code union of the subclass.
 * @example
 * ```ts
 * try { … } catch (e) { if (e instanceof SlotPoolError) console.error(e.code, e.message); }
 * ```
 */
export class SlotPoolError<C extends string = SlotPoolErrorCode> extends Error {
  override readonly name: string = "SlotPoolError";
  /** The stable, machine-readable code. */
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/**
 * No slot could be found or obtained for a request (Flink's NoResourceAvailableException).
 *
 * @example
 * ```ts
 * throw new NoResourceAvailableError("Could not allocate a simple slot for req-1.");
 * ```
 */
export class NoResourceAvailableError extends SlotPoolError<"NO_RESOURCE_AVAILABLE"> {
  override readonly name = "NoResourceAvailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("NO_RESOURCE_AVAILABLE", message, options);
  }
}

/**
 * A request waited longer than its timeout.
 *
 * @example
 * ```ts
 * new SlotRequestTimeoutError("Slot request req-1 timed out after 300000 ms.");
 * ```
 */
export class SlotRequestTimeoutError extends SlotPoolError<"TIMEOUT"> {
  override readonly name = "SlotRequestTimeoutError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("TIMEOUT", message, options);
  }
}

/**
 * A slot or a pending request was released by its owner.
 *
 * @example
 * ```ts
 * handle.release(new SlotReleasedError("task finished"));
 * ```
 */
export class SlotReleasedError extends SlotPoolError<"SLOT_RELEASED"> {
  override readonly name = "SlotReleasedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("SLOT_RELEASED", message, options);
  }
}

/**
 * The TaskManager that held a slot was released or lost; everything on it failed.
 *
 * @example
 * ```ts
 * pool.releaseTaskManager(tm, new TaskManagerLostError("heartbeat timeout of tm-1"));
 * ```
 */
export class TaskManagerLostError extends SlotPoolError<"TASK_MANAGER_LOST"> {
  override readonly name = "TaskManagerLostError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("TASK_MANAGER_LOST", message, options);
  }
}

/**
 * A physical allocation failed (reported by the TaskExecutor or resource manager).
 *
 * @example
 * ```ts
 * pool.failAllocation(id, new AllocationFailedError("disk full"));
 * ```
 */
export class AllocationFailedError extends SlotPoolError<"ALLOCATION_FAILED"> {
  override readonly name = "AllocationFailedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("ALLOCATION_FAILED", message, options);
  }
}

/**
 * A caller cancelled its request before a slot arrived.
 *
 * @example
 * ```ts
 * new RequestCancelledError("Request req-4 was cancelled by its caller.");
 * ```
 */
export class RequestCancelledError extends SlotPoolError<"REQUEST_CANCELLED"> {
  override readonly name = "RequestCancelledError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("REQUEST_CANCELLED", message, options);
  }
}

/**
 * The pool is not started (never started, or suspended): it has no fencing token.
 *
 * @example
 * ```ts
 * new PoolNotStartedError("The slot pool is not started.");
 * ```
 */
export class PoolNotStartedError extends SlotPoolError<"POOL_NOT_STARTED"> {
  override readonly name = "PoolNotStartedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("POOL_NOT_STARTED", message, options);
  }
}

/**
 * The pool lost leadership (`suspend()`) while the request or slot was outstanding.
 *
 * @example
 * ```ts
 * new PoolSuspendedError("The slot pool was suspended.");
 * ```
 */
export class PoolSuspendedError extends SlotPoolError<"POOL_SUSPENDED"> {
  override readonly name = "PoolSuspendedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("POOL_SUSPENDED", message, options);
  }
}

/**
 * A message carried a fencing token of another leadership term and was not applied.
 *
 * @example
 * ```ts
 * new FencingTokenMismatchError("expected jm-2, got jm-1");
 * ```
 */
export class FencingTokenMismatchError extends SlotPoolError<"FENCING_TOKEN_MISMATCH"> {
  override readonly name = "FencingTokenMismatchError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("FENCING_TOKEN_MISMATCH", message, options);
  }
}

/**
 * An argument was malformed. `path` names the offending field (e.g. `profile.cpu`).
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError("profile.cpu", "a finite number ≥ 0", -1);
 * ```
 */
export class InvalidArgumentError extends SlotPoolError<"INVALID_ARGUMENT"> {
  override readonly name = "InvalidArgumentError";
  /** Dotted path of the bad field. */
  readonly path: string;
  /** What was expected there. */
  readonly expected: string;

  constructor(path: string, expected: string, received: unknown, options?: { cause?: unknown }) {
    super("INVALID_ARGUMENT", `${path}: expected ${expected}, got ${describe(received)}`, options);
    this.path = path;
    this.expected = expected;
  }
}

/**
 * An operation was called in a state that does not allow it (e.g. a payload assigned twice).
 *
 * @example
 * ```ts
 * throw new IllegalStateError("slot alloc-1 already has a payload");
 * ```
 */
export class IllegalStateError extends SlotPoolError<"ILLEGAL_STATE"> {
  override readonly name = "IllegalStateError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("ILLEGAL_STATE", message, options);
  }
}

/**
 * An invariant checker found the pool (or a structure on top of it) inconsistent.
 *
 * @example
 * ```ts
 * assertSlotPoolInvariants(pool); // throws InvariantViolationError listing every violation
 * ```
 */
export class InvariantViolationError extends SlotPoolError<"INVARIANT_VIOLATED"> {
  override readonly name = "InvariantViolationError";
  /** Every violation found, one sentence each. */
  readonly violations: readonly string[];
  constructor(violations: readonly string[]) {
    super("INVARIANT_VIOLATED", `${violations.length} invariant violation(s):\n- ${violations.join("\n- ")}`);
    this.violations = violations;
  }
}

/**
 * True when `error` is a slotpool error, optionally with the given code. Works across duplicate
 * package copies (it checks the shape, not the prototype).
 *
 * @example
 * ```ts
 * lease.result.promise.catch((e) => { if (isSlotPoolError(e, "NO_RESOURCE_AVAILABLE")) … });
 * ```
 */
export function isSlotPoolError(error: unknown, code?: string): error is SlotPoolError<string> {
  if (!(error instanceof Error)) return false;
  const c = (error as { code?: unknown }).code;
  return typeof c === "string" && (code === undefined || c === code);
}

/**
 * Turns any thrown value into an `Error`, keeping the original as `cause` when it was not one.
 *
 * @example
 * ```ts
 * const e = toError("boom"); // Error("boom")
 * ```
 */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === "string" ? value : describe(value), { cause: value });
}

function describe(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined) return "undefined";
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
