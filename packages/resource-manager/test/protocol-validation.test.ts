import { allocationId, jobMasterId, resourceId } from "@slotpool/core";
import { describe, expect, it } from "vitest";
import {
  encodeMessage,
  PROTOCOL_VERSION,
  parseTaskExecutorInbound,
  parseTaskExecutorMessage,
  parseWorkerConfig,
  type ResourceManagerId,
  type TaskExecutorInbound,
  type TaskExecutorOutbound,
} from "../src/index.js";

const rm = "rm-1" as ResourceManagerId;
const jm = jobMasterId("jm-1");
const te = resourceId("tm-1");
const a = allocationId("alloc-1");
const spec = { cpu: 1.5, memoryMb: 512, extended: { gpu: 1 } };

const outbound: TaskExecutorOutbound[] = [
  {
    type: "register",
    resourceManagerId: null,
    resourceId: te,
    host: "h",
    slots: [{ profile: spec, allocationId: a, jobId: "job" }],
  },
  {
    type: "slotRequestAnswer",
    resourceManagerId: rm,
    resourceId: te,
    allocationId: a,
    accepted: false,
    reason: "busy",
  },
  { type: "slotFreed", resourceManagerId: rm, resourceId: te, slotIndex: 3, allocationId: a },
  { type: "registerAtJobMaster", jobMasterId: jm, jobId: "job", resourceId: te, host: "h" },
  {
    type: "offerSlots",
    jobMasterId: jm,
    jobId: "job",
    resourceId: te,
    offerId: 7,
    offers: [{ allocationId: a, slotIndex: 0, profile: spec }],
  },
  { type: "heartbeat", jobMasterId: jm, resourceId: te, activeSlots: 2 },
  { type: "disconnectFromJobMaster", jobMasterId: jm, jobId: "job", resourceId: te, reason: "empty" },
  { type: "slotFailed", jobMasterId: jm, resourceId: te, allocationId: a, reason: "disk" },
  {
    type: "taskFinished",
    jobMasterId: jm,
    resourceId: te,
    taskId: "t-1",
    allocationId: a,
    outcome: "succeeded",
    value: { n: [1, "two", null, true] },
    error: null,
    durationMs: 12.5,
  },
];

const inbound: TaskExecutorInbound[] = [
  { type: "registrationAccepted", resourceManagerId: rm },
  { type: "reconnect", resourceManagerId: rm },
  { type: "requestSlot", resourceManagerId: rm, slotIndex: 1, allocationId: a, jobId: "job", jobMasterId: jm },
  { type: "cancelSlot", resourceManagerId: rm, allocationId: a },
  { type: "jobMasterChanged", resourceManagerId: rm, jobId: "job", jobMasterId: null },
  { type: "offerAnswer", jobMasterId: jm, offerId: 7, accepted: [a] },
  { type: "freeSlot", jobMasterId: jm, allocationId: a, reason: "idle" },
  {
    type: "submitTask",
    jobMasterId: jm,
    allocationId: a,
    taskId: "t-1",
    task: { kind: "module", module: "/m.js", export: "run", args: [1, { x: "y" }] },
  },
  {
    type: "submitTask",
    jobMasterId: jm,
    allocationId: a,
    taskId: "t-2",
    task: { kind: "sleep", durationMs: 5, result: "r" },
  },
  { type: "cancelTask", jobMasterId: jm, taskId: "t-1" },
  { type: "heartbeatRequest", jobMasterId: jm },
];

describe("protocol validation", () => {
  it("accepts every well-formed message of the current version, unchanged", () => {
    for (const message of outbound) {
      expect(parseTaskExecutorMessage(JSON.parse(JSON.stringify(encodeMessage(message))))).toEqual({
        ok: true,
        value: message,
      });
    }
    for (const message of inbound) {
      expect(parseTaskExecutorInbound(JSON.parse(JSON.stringify(encodeMessage(message))))).toEqual({
        ok: true,
        value: message,
      });
    }
    expect(parseTaskExecutorInbound({ v: PROTOCOL_VERSION, type: "shutdown" })).toEqual({
      ok: true,
      value: { type: "shutdown" },
    });
  });

  it("drops unknown fields", () => {
    const parsed = parseTaskExecutorMessage({
      v: 1,
      type: "heartbeat",
      jobMasterId: "jm",
      resourceId: "tm",
      activeSlots: 0,
      extra: 1,
    });
    expect(parsed).toEqual({
      ok: true,
      value: { type: "heartbeat", jobMasterId: "jm", resourceId: "tm", activeSlots: 0 },
    });
  });

  it.each([
    ["a string", "hello", "message: expected an object"],
    ["no version", { type: "heartbeat" }, "message.v: expected protocol version 1, got undefined"],
    ["another version", { v: 2, type: "heartbeat" }, "message.v: expected protocol version 1, got 2"],
    [
      "an unknown type",
      { v: 1, type: "teleport" },
      'message.type: expected a TaskExecutor message type, got "teleport"',
    ],
    [
      "a negative slot index",
      { v: 1, type: "slotFreed", resourceManagerId: "rm", resourceId: "tm", slotIndex: -1, allocationId: "a" },
      "slotFreed.slotIndex: expected an integer ≥ 0, got -1",
    ],
    [
      "an empty id",
      { v: 1, type: "heartbeat", jobMasterId: "", resourceId: "tm", activeSlots: 0 },
      'heartbeat.jobMasterId: expected a non-empty string, got ""',
    ],
    [
      "a bad profile",
      {
        v: 1,
        type: "offerSlots",
        jobMasterId: "j",
        jobId: "job",
        resourceId: "t",
        offerId: 1,
        offers: [{ allocationId: "a", slotIndex: 0, profile: { cpu: -1, memoryMb: 1 } }],
      },
      "offerSlots.offers[0].profile.cpu: expected a finite number ≥ 0, got -1",
    ],
    [
      "a half-empty slot report",
      {
        v: 1,
        type: "register",
        resourceManagerId: null,
        resourceId: "t",
        host: "h",
        slots: [{ profile: { cpu: 1, memoryMb: 1 }, allocationId: "a", jobId: null }],
      },
      "register.slots[0]: expected allocationId and jobId both set or both null",
    ],
    [
      "a non-JSON task value",
      {
        v: 1,
        type: "taskFinished",
        jobMasterId: "j",
        resourceId: "t",
        taskId: "x",
        allocationId: "a",
        outcome: "succeeded",
        value: { n: Number.NaN },
        error: null,
        durationMs: 1,
      },
      "taskFinished.value.n: expected a finite number, got NaN",
    ],
    [
      "an unknown outcome",
      {
        v: 1,
        type: "taskFinished",
        jobMasterId: "j",
        resourceId: "t",
        taskId: "x",
        allocationId: "a",
        outcome: "maybe",
      },
      'taskFinished.outcome: expected "succeeded", "failed" or "cancelled", got "maybe"',
    ],
  ])("rejects %s from a worker, naming the field", (_what, raw, error) => {
    expect(parseTaskExecutorMessage(raw)).toEqual({ ok: false, error: expect.stringContaining(error) });
  });

  it.each([
    [
      "a missing session",
      { v: 1, type: "requestSlot", slotIndex: 0 },
      "requestSlot.resourceManagerId: expected a non-empty string",
    ],
    [
      "a non-array answer",
      { v: 1, type: "offerAnswer", jobMasterId: "j", offerId: 1, accepted: "a" },
      "offerAnswer.accepted: expected an array",
    ],
    [
      "a bad task",
      {
        v: 1,
        type: "submitTask",
        jobMasterId: "j",
        allocationId: "a",
        taskId: "t",
        task: { kind: "sleep", durationMs: -5 },
      },
      "submitTask.task.durationMs: expected a number ≥ 0, got -5",
    ],
    [
      "an unknown type",
      { v: 1, type: "explode" },
      "message.type: expected a resource-manager or job-master message type",
    ],
  ])("rejects %s sent to a worker", (_what, raw, error) => {
    expect(parseTaskExecutorInbound(raw)).toEqual({ ok: false, error: expect.stringContaining(error) });
  });

  it("keeps a __proto__ key as data: never the prototype of a parsed value, never dropped", () => {
    const submit = parseTaskExecutorInbound(
      JSON.parse(
        '{"v":1,"type":"submitTask","jobMasterId":"jm","allocationId":"a","taskId":"t","task":{"kind":"sleep","durationMs":1,"result":{"a":[{"__proto__":{"isAdmin":true}}],"__proto__":{"isAdmin":true},"x":1}}}',
      ),
    );
    expect(submit.ok).toBe(true);
    const result = (
      submit.ok && submit.value.type === "submitTask" && submit.value.task.kind === "sleep"
        ? submit.value.task.result
        : undefined
    ) as Record<string, unknown> & { a: Record<string, unknown>[] };
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result.isAdmin).toBeUndefined();
    expect(Object.keys(result)).toEqual(["a", "__proto__", "x"]);
    expect(Object.getOwnPropertyDescriptor(result, "__proto__")?.value).toEqual({ isAdmin: true });
    expect(result.a[0]?.isAdmin).toBeUndefined();
    expect(JSON.stringify(result)).toBe('{"a":[{"__proto__":{"isAdmin":true}}],"__proto__":{"isAdmin":true},"x":1}');
    const config = parseWorkerConfig(
      '{"v":1,"resourceId":"tm-1","host":"h","slots":[{"cpu":1,"memoryMb":1,"extended":{"__proto__":2,"gpu":1}}],"offerTimeoutMs":null,"maxLifetimeMs":null}',
    );
    expect(config.ok).toBe(true);
    const extended = config.ok ? config.value.slots[0]?.extended : undefined;
    expect(Object.keys(extended ?? {})).toEqual(["__proto__", "gpu"]);
    expect(Object.getOwnPropertyDescriptor(extended, "__proto__")?.value).toBe(2);
    expect(Object.getPrototypeOf(extended)).toBe(Object.prototype);
  });

  it("validates a worker configuration", () => {
    const config = {
      v: 1,
      resourceId: "w-1",
      host: "localhost",
      slots: [{ cpu: 1, memoryMb: 64 }],
      offerTimeoutMs: null,
      maxLifetimeMs: 100,
    };
    const parsed = parseWorkerConfig(JSON.stringify(config));
    expect(parsed).toEqual({ ok: true, value: { ...config, offerTimeoutMs: Number.POSITIVE_INFINITY } });
    expect(parseWorkerConfig(undefined)).toMatchObject({
      ok: false,
      error: expect.stringContaining("SLOTPOOL_TASK_EXECUTOR_CONFIG"),
    });
    expect(parseWorkerConfig("{oops")).toMatchObject({ ok: false, error: expect.stringContaining("valid JSON") });
    expect(parseWorkerConfig(JSON.stringify({ ...config, slots: [{ cpu: 1 }] }))).toMatchObject({
      ok: false,
      error: "config.slots[0].memoryMb: expected a finite number ≥ 0, got undefined",
    });
  });
});
