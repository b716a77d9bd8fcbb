import type { AllocationId, JobMasterId, ResourceId, ResourceSpec } from "@slotpool/core";
import {
  type JsonValue,
  PROTOCOL_VERSION,
  type ResourceManagerId,
  type SlotReportEntry,
  type TaskExecutorInbound,
  type TaskExecutorOutbound,
  type TaskSpec,
  type WireSlotOffer,
} from "./protocol.js";
import type { TaskExecutorConfig } from "./task-executor-core.js";

// This module is loaded by worker processes too: it must not import runtime values from
// @slotpool/core (type imports only), so a worker starts without loading the pool.

/**
 * The outcome of validating a message: the typed message, or one sentence naming the offending
 * field and what was expected.
 *
 * @example
 * ```ts
 * const parsed = parseTaskExecutorMessage(raw);
 * if (!parsed.ok) logger.warn(parsed.error);
 * ```
 */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/**
 * Process-level control messages from the resource manager to a worker (besides the protocol).
 *
 * @example
 * ```ts
 * const m: WorkerControl = { type: "shutdown" };
 * ```
 */
export type WorkerControl = { readonly type: "shutdown" };

/**
 * Process-level messages from a worker to the resource manager (besides the protocol).
 *
 * @example
 * ```ts
 * const m: WorkerReport = { type: "log", level: "warn", message: "dropped a malformed message" };
 * ```
 */
export type WorkerReport = { readonly type: "log"; readonly level: "info" | "warn"; readonly message: string };

/**
 * How a worker process is configured (passed in the environment variable
 * {@link WORKER_CONFIG_ENV} as JSON).
 *
 * @example
 * ```ts
 * const c: WorkerConfig = { v: 1, resourceId, host: "localhost", slots: [{ cpu: 1, memoryMb: 512 }], offerTimeoutMs: 10_000, maxLifetimeMs: null };
 * ```
 */
export interface WorkerConfig extends TaskExecutorConfig {
  readonly v: number;
  /** The worker exits by itself after this long (a safety net for tests); null: never. */
  readonly maxLifetimeMs: number | null;
}

/**
 * The environment variable that carries a worker's {@link WorkerConfig}.
 *
 * @example
 * ```ts
 * fork(entry, { env: { ...process.env, [WORKER_CONFIG_ENV]: JSON.stringify(config) } });
 * ```
 */
export const WORKER_CONFIG_ENV = "SLOTPOOL_TASK_EXECUTOR_CONFIG";

class Invalid extends Error {}

type Obj = Readonly<Record<string, unknown>>;

function fail(path: string, expected: string, got: unknown): never {
  let shown: string;
  try {
    shown =
      got === undefined || typeof got === "number" || typeof got === "bigint"
        ? String(got)
        : (JSON.stringify(got) ?? String(got));
  } catch {
    shown = typeof got;
  }
  if (shown.length > 60) shown = `${shown.slice(0, 57)}...`;
  throw new Invalid(`${path}: expected ${expected}, got ${shown}`);
}

function object(value: unknown, path: string): Obj {
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(path, "an object", value);
  return value as Obj;
}

function string(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== "string" || v.length === 0 || v.length > 10_000) fail(`${path}.${key}`, "a non-empty string", v);
  return v;
}

function stringOrNull(o: Obj, key: string, path: string): string | null {
  return o[key] === null ? null : string(o, key, path);
}

function integer(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(`${path}.${key}`, "an integer ≥ 0", v);
  return v;
}

function duration(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== "number" || Number.isNaN(v) || v < 0) fail(`${path}.${key}`, "a number ≥ 0", v);
  return v;
}

function boolean(o: Obj, key: string, path: string): boolean {
  const v = o[key];
  if (typeof v !== "boolean") fail(`${path}.${key}`, "a boolean", v);
  return v;
}

function array(o: Obj, key: string, path: string, max = 100_000): readonly unknown[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length > max) fail(`${path}.${key}`, `an array (at most ${max} items)`, v);
  return v;
}

/**
 * Sets `out[key] = value` as an own data property, so that a key named `__proto__` (valid JSON, as
 * `JSON.parse` and IPC deliver it) stays data instead of replacing the object's prototype.
 */
function setOwn<V>(out: Record<string, V>, key: string, value: V): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

function spec(value: unknown, path: string): ResourceSpec {
  const o = object(value, path);
  const cpu = o.cpu;
  const memoryMb = o.memoryMb;
  if (typeof cpu !== "number" || !Number.isFinite(cpu) || cpu < 0) fail(`${path}.cpu`, "a finite number ≥ 0", cpu);
  if (typeof memoryMb !== "number" || !Number.isFinite(memoryMb) || memoryMb < 0) {
    fail(`${path}.memoryMb`, "a finite number ≥ 0", memoryMb);
  }
  if (o.extended === undefined) return { cpu, memoryMb };
  const ext = object(o.extended, `${path}.extended`);
  const extended: Record<string, number> = {};
  for (const [name, amount] of Object.entries(ext)) {
    if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
      fail(`${path}.extended.${name}`, "a finite number ≥ 0", amount);
    }
    setOwn(extended, name, amount);
  }
  return { cpu, memoryMb, extended };
}

function json(value: unknown, path: string, depth = 0): JsonValue {
  if (depth > 64) fail(path, "JSON nested at most 64 deep", "…");
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(path, "a finite number", value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => json(v, `${path}[${i}]`, depth + 1));
  if (typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as Obj)) setOwn(out, k, json(v, `${path}.${k}`, depth + 1));
    return out;
  }
  return fail(path, "a JSON value", typeof value);
}

function taskSpec(value: unknown, path: string): TaskSpec {
  const o = object(value, path);
  if (o.kind === "sleep") {
    const durationMs = duration(o, "durationMs", path);
    return o.result === undefined
      ? { kind: "sleep", durationMs }
      : { kind: "sleep", durationMs, result: json(o.result, `${path}.result`) };
  }
  if (o.kind === "module") {
    const module = string(o, "module", path);
    const name = o.export === undefined ? undefined : string(o, "export", path);
    const args =
      o.args === undefined ? undefined : array(o, "args", path, 1_000).map((a, i) => json(a, `${path}.args[${i}]`));
    return {
      kind: "module",
      module,
      ...(name === undefined ? {} : { export: name }),
      ...(args === undefined ? {} : { args }),
    };
  }
  return fail(`${path}.kind`, '"sleep" or "module"', o.kind);
}

function allocationIds(o: Obj, key: string, path: string): AllocationId[] {
  return array(o, key, path).map((v, i) => {
    if (typeof v !== "string" || v.length === 0) fail(`${path}.${key}[${i}]`, "a non-empty string", v);
    return v as AllocationId;
  });
}

function envelope(raw: unknown): { o: Obj; type: string } {
  const o = object(raw, "message");
  if (o.v !== PROTOCOL_VERSION) fail("message.v", `protocol version ${PROTOCOL_VERSION}`, o.v);
  if (typeof o.type !== "string") fail("message.type", "a message type", o.type);
  return { o, type: o.type };
}

function parse<T>(build: () => T): Parsed<T> {
  try {
    return { ok: true, value: build() };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, error: error.message };
    return { ok: false, error: `malformed message: ${String(error)}` };
  }
}

/**
 * Adds the protocol version to a message before it crosses a process boundary.
 *
 * @example
 * ```ts
 * child.send(encodeMessage({ type: "heartbeatRequest", jobMasterId }));
 * ```
 */
export function encodeMessage<T extends { readonly type: string }>(message: T): T & { readonly v: number } {
  return { v: PROTOCOL_VERSION, ...message };
}

/**
 * Validates a message a worker sent (protocol version, type, every field) and rebuilds it with only
 * the known fields.
 *
 * @example
 * ```ts
 * child.on("message", (raw) => {
 *   const parsed = parseTaskExecutorMessage(raw);
 *   if (parsed.ok) route(parsed.value); else log(parsed.error);
 * });
 * ```
 */
export function parseTaskExecutorMessage(raw: unknown): Parsed<TaskExecutorOutbound | WorkerReport> {
  return parse(() => {
    const { o, type } = envelope(raw);
    const p = type;
    const resourceId = (): ResourceId => string(o, "resourceId", p) as ResourceId;
    const rmToken = (): ResourceManagerId | null => stringOrNull(o, "resourceManagerId", p) as ResourceManagerId | null;
    const jm = (): JobMasterId => string(o, "jobMasterId", p) as JobMasterId;
    const alloc = (): AllocationId => string(o, "allocationId", p) as AllocationId;
    switch (type) {
      case "register":
        return {
          type,
          resourceManagerId: rmToken(),
          resourceId: resourceId(),
          host: string(o, "host", p),
          slots: array(o, "slots", p, 10_000).map((e, i): SlotReportEntry => {
            const entry = object(e, `${p}.slots[${i}]`);
            const allocationId = stringOrNull(entry, "allocationId", `${p}.slots[${i}]`) as AllocationId | null;
            const jobId = stringOrNull(entry, "jobId", `${p}.slots[${i}]`);
            if ((allocationId === null) !== (jobId === null)) {
              fail(`${p}.slots[${i}]`, "allocationId and jobId both set or both null", entry);
            }
            return { profile: spec(entry.profile, `${p}.slots[${i}].profile`), allocationId, jobId };
          }),
        };
      case "slotRequestAnswer":
        return {
          type,
          resourceManagerId: rmToken(),
          resourceId: resourceId(),
          allocationId: alloc(),
          accepted: boolean(o, "accepted", p),
          reason: stringOrNull(o, "reason", p),
        };
      case "slotFreed":
        return {
          type,
          resourceManagerId: rmToken(),
          resourceId: resourceId(),
          slotIndex: integer(o, "slotIndex", p),
          allocationId: alloc(),
        };
      case "registerAtJobMaster":
        return {
          type,
          jobMasterId: jm(),
          jobId: string(o, "jobId", p),
          resourceId: resourceId(),
          host: string(o, "host", p),
        };
      case "offerSlots":
        return {
          type,
          jobMasterId: jm(),
          jobId: string(o, "jobId", p),
          resourceId: resourceId(),
          offerId: integer(o, "offerId", p),
          offers: array(o, "offers", p, 10_000).map((e, i): WireSlotOffer => {
            const offer = object(e, `${p}.offers[${i}]`);
            return {
              allocationId: string(offer, "allocationId", `${p}.offers[${i}]`) as AllocationId,
              slotIndex: integer(offer, "slotIndex", `${p}.offers[${i}]`),
              profile: spec(offer.profile, `${p}.offers[${i}].profile`),
            };
          }),
        };
      case "heartbeat":
        return { type, jobMasterId: jm(), resourceId: resourceId(), activeSlots: integer(o, "activeSlots", p) };
      case "disconnectFromJobMaster":
        return {
          type,
          jobMasterId: jm(),
          jobId: string(o, "jobId", p),
          resourceId: resourceId(),
          reason: string(o, "reason", p),
        };
      case "slotFailed":
        return {
          type,
          jobMasterId: jm(),
          resourceId: resourceId(),
          allocationId: alloc(),
          reason: string(o, "reason", p),
        };
      case "taskFinished": {
        const outcome = o.outcome;
        if (outcome !== "succeeded" && outcome !== "failed" && outcome !== "cancelled") {
          fail(`${p}.outcome`, '"succeeded", "failed" or "cancelled"', outcome);
        }
        return {
          type,
          jobMasterId: jm(),
          resourceId: resourceId(),
          taskId: string(o, "taskId", p),
          allocationId: alloc(),
          outcome,
          value: json(o.value, `${p}.value`),
          error: stringOrNull(o, "error", p),
          durationMs: duration(o, "durationMs", p),
        };
      }
      case "log": {
        const level = o.level;
        if (level !== "info" && level !== "warn") fail(`${p}.level`, '"info" or "warn"', level);
        return { type, level, message: string(o, "message", p) };
      }
      default:
        return fail("message.type", "a TaskExecutor message type", type);
    }
  });
}

/**
 * Validates a message a worker received (protocol version, type, every field).
 *
 * @example
 * ```ts
 * process.on("message", (raw) => {
 *   const parsed = parseTaskExecutorInbound(raw);
 *   if (parsed.ok) core.receive(parsed.value);
 * });
 * ```
 */
export function parseTaskExecutorInbound(raw: unknown): Parsed<TaskExecutorInbound | WorkerControl> {
  return parse(() => {
    const { o, type } = envelope(raw);
    const p = type;
    const rmToken = (): ResourceManagerId => string(o, "resourceManagerId", p) as ResourceManagerId;
    const jm = (): JobMasterId => string(o, "jobMasterId", p) as JobMasterId;
    const alloc = (): AllocationId => string(o, "allocationId", p) as AllocationId;
    switch (type) {
      case "registrationAccepted":
      case "reconnect":
        return { type, resourceManagerId: rmToken() };
      case "requestSlot":
        return {
          type,
          resourceManagerId: rmToken(),
          slotIndex: integer(o, "slotIndex", p),
          allocationId: alloc(),
          jobId: string(o, "jobId", p),
          jobMasterId: jm(),
        };
      case "cancelSlot":
        return { type, resourceManagerId: rmToken(), allocationId: alloc() };
      case "jobMasterChanged":
        return {
          type,
          resourceManagerId: rmToken(),
          jobId: string(o, "jobId", p),
          jobMasterId: stringOrNull(o, "jobMasterId", p) as JobMasterId | null,
        };
      case "offerAnswer":
        return {
          type,
          jobMasterId: jm(),
          offerId: integer(o, "offerId", p),
          accepted: allocationIds(o, "accepted", p),
        };
      case "freeSlot":
        return { type, jobMasterId: jm(), allocationId: alloc(), reason: string(o, "reason", p) };
      case "submitTask":
        return {
          type,
          jobMasterId: jm(),
          allocationId: alloc(),
          taskId: string(o, "taskId", p),
          task: taskSpec(o.task, `${p}.task`),
        };
      case "cancelTask":
        return { type, jobMasterId: jm(), taskId: string(o, "taskId", p) };
      case "heartbeatRequest":
        return { type, jobMasterId: jm() };
      case "shutdown":
        return { type };
      default:
        return fail("message.type", "a resource-manager or job-master message type", type);
    }
  });
}

/**
 * Validates a worker's configuration (the JSON in {@link WORKER_CONFIG_ENV}).
 *
 * @example
 * ```ts
 * const config = parseWorkerConfig(process.env[WORKER_CONFIG_ENV]);
 * ```
 */
export function parseWorkerConfig(text: string | undefined): Parsed<WorkerConfig> {
  return parse(() => {
    if (text === undefined) fail(WORKER_CONFIG_ENV, "a JSON worker configuration", undefined);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      fail(WORKER_CONFIG_ENV, "valid JSON", text);
    }
    const o = object(raw, "config");
    if (o.v !== PROTOCOL_VERSION) fail("config.v", `protocol version ${PROTOCOL_VERSION}`, o.v);
    const offerTimeoutMs =
      o.offerTimeoutMs === null ? Number.POSITIVE_INFINITY : duration(o, "offerTimeoutMs", "config");
    return {
      v: PROTOCOL_VERSION,
      resourceId: string(o, "resourceId", "config") as ResourceId,
      host: string(o, "host", "config"),
      slots: array(o, "slots", "config", 10_000).map((s, i) => spec(s, `config.slots[${i}]`)),
      offerTimeoutMs,
      maxLifetimeMs: o.maxLifetimeMs === null ? null : duration(o, "maxLifetimeMs", "config"),
    };
  });
}
