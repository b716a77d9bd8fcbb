import { describe, expect, it } from "vitest";
import {
  AllocationFailedError,
  FencingTokenMismatchError,
  IllegalStateError,
  InvalidArgumentError,
  InvariantViolationError,
  isSlotPoolError,
  NoResourceAvailableError,
  PoolNotStartedError,
  PoolSuspendedError,
  RequestCancelledError,
  SlotPoolError,
  SlotReleasedError,
  SlotRequestTimeoutError,
  TaskManagerLostError,
  toError,
} from "../src/index.js";

describe("errors", () => {
  it.each([
    [NoResourceAvailableError, "NO_RESOURCE_AVAILABLE"],
    [SlotRequestTimeoutError, "TIMEOUT"],
    [SlotReleasedError, "SLOT_RELEASED"],
    [TaskManagerLostError, "TASK_MANAGER_LOST"],
    [AllocationFailedError, "ALLOCATION_FAILED"],
    [RequestCancelledError, "REQUEST_CANCELLED"],
    [PoolNotStartedError, "POOL_NOT_STARTED"],
    [PoolSuspendedError, "POOL_SUSPENDED"],
    [FencingTokenMismatchError, "FENCING_TOKEN_MISMATCH"],
    [IllegalStateError, "ILLEGAL_STATE"],
  ])("%o has a stable code, its class name, and keeps the cause", (Ctor, code) => {
    const cause = new Error("root");
    const e = new Ctor("message", { cause });
    expect(e).toBeInstanceOf(SlotPoolError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(code);
    expect(e.name).toBe(Ctor.name);
    expect(e.message).toBe("message");
    expect(e.cause).toBe(cause);
    expect(isSlotPoolError(e)).toBe(true);
    expect(isSlotPoolError(e, code)).toBe(true);
    expect(isSlotPoolError(e, "SOMETHING_ELSE")).toBe(false);
    expect(new Ctor("no cause")).not.toHaveProperty("cause");
  });

  it("InvalidArgumentError names the path, what was expected and what was received", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(new InvalidArgumentError("a.b", "a number", "x").message).toBe('a.b: expected a number, got "x"');
    expect(new InvalidArgumentError("p", "x", Number.NaN).message).toBe("p: expected x, got NaN");
    expect(new InvalidArgumentError("p", "x", 10n).message).toBe("p: expected x, got 10n");
    expect(new InvalidArgumentError("p", "x", undefined).message).toBe("p: expected x, got undefined");
    expect(new InvalidArgumentError("p", "x", circular).message).toBe("p: expected x, got [object Object]");
    const long = new InvalidArgumentError("p", "x", "a".repeat(200)).message;
    expect(long.endsWith("aaa...")).toBe(true);
    expect(long.length).toBeLessThan(100);
    const e = new InvalidArgumentError("p", "x", 1);
    expect([e.path, e.expected, e.code, e.name]).toEqual(["p", "x", "INVALID_ARGUMENT", "InvalidArgumentError"]);
  });

  it("InvariantViolationError lists every violation", () => {
    const e = new InvariantViolationError(["one", "two"]);
    expect(e.code).toBe("INVARIANT_VIOLATED");
    expect(e.violations).toEqual(["one", "two"]);
    expect(e.message).toBe("2 invariant violation(s):\n- one\n- two");
  });

  it("isSlotPoolError checks the shape, so it works across package copies, and rejects non-errors", () => {
    const foreign = Object.assign(new Error("from another copy"), { code: "TIMEOUT" });
    expect(isSlotPoolError(foreign, "TIMEOUT")).toBe(true);
    expect(isSlotPoolError({ code: "TIMEOUT" })).toBe(false);
    expect(isSlotPoolError(new Error("plain"))).toBe(false);
    expect(isSlotPoolError(Object.assign(new Error("x"), { code: 42 }))).toBe(false);
  });

  it("toError keeps errors and wraps anything else, with the original as cause", () => {
    const e = new Error("same");
    expect(toError(e)).toBe(e);
    expect(toError("boom").message).toBe("boom");
    expect(toError("boom").cause).toBe("boom");
    const obj = { a: 1 };
    expect(toError(obj).message).toBe('{"a":1}');
    expect(toError(obj).cause).toBe(obj);
    expect(toError(undefined).message).toBe("undefined");
  });
});
