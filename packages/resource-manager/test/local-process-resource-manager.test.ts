import { type ChildProcess, fork, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  assertSlotPoolInvariants,
  isSlotPoolError,
  jobMasterId,
  resourceId,
  type SlotLease,
  SlotPool,
} from "@slotpool/core";
import { firstValueFrom } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import {
  connectResourceManager,
  encodeMessage,
  LocalProcessResourceManager,
  type LocalProcessResourceManagerOptions,
  PROTOCOL_VERSION,
  parseTaskExecutorMessage,
  type ResourceManagerLink,
  type TaskExecutorConnection,
  type TaskResult,
  WORKER_CONFIG_ENV,
} from "../src/index.js";
import { processExists } from "./support.js";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const execArgv = ["--import", tsx, "--conditions=@slotpool/source"];
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const workerEntry = fileURLToPath(new URL("../src/worker/task-executor-worker.ts", import.meta.url));

// Every pid a test saw: killed (SIGKILL also ends stopped processes) after each test, whatever happened.
const pids = new Set<number>();
const adapters: LocalProcessResourceManager[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const rm of adapters.splice(0)) await rm.shutdown();
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  pids.clear();
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 8_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

interface Setup {
  readonly rm: LocalProcessResourceManager;
  readonly pool: SlotPool;
  readonly link: ResourceManagerLink;
  readonly warnings: string[];
}

function setup(options: Partial<LocalProcessResourceManagerOptions> & { idleSlotMs?: number } = {}): Setup {
  const warnings: string[] = [];
  const { idleSlotMs, ...rmOptions } = options;
  const rm = new LocalProcessResourceManager({
    maxWorkers: 3,
    shutdownGraceMs: 100,
    workerMaxLifetimeMs: 60_000,
    logger: { warn: (m) => warnings.push(m) },
    ...rmOptions,
  });
  adapters.push(rm);
  const pool = new SlotPool({ timeouts: { idleSlotMs: idleSlotMs ?? Number.POSITIVE_INFINITY } });
  const link = connectResourceManager(pool, rm, { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 700 });
  link.grantLeadership(jobMasterId("jm-1"));
  return { rm, pool, link, warnings };
}

function remember(rm: LocalProcessResourceManager): void {
  for (const pid of rm.workerPids()) pids.add(pid);
}

type Settled = { ok: true; value: TaskResult } | { ok: false; error: unknown; atMs: number };

function run(lease: SlotLease, durationMs: number, result: number): Promise<Settled> {
  const te = lease.slot.gateway as TaskExecutorConnection;
  return firstValueFrom(te.submitTask(lease.slot.allocationId, { kind: "sleep", durationMs, result })).then(
    (value): Settled => ({ ok: true, value }),
    (error: unknown): Settled => ({ ok: false, error, atMs: Date.now() }),
  );
}

describe("local-process resource manager", () => {
  it("runs tasks on three workers; a SIGKILLed and a SIGSTOPped worker are lost, the others finish, none survives", async () => {
    const { rm, pool, link } = setup();
    const handles = [pool.allocateSlot({}), pool.allocateSlot({}), pool.allocateSlot({})];
    const leases = await Promise.all(handles.map((h) => h.result.promise));
    remember(rm);
    assertSlotPoolInvariants(pool);
    const workers = leases.map((l) => l.slot.location.resourceId);
    expect(new Set(workers).size).toBe(3);
    expect(rm.stats.workersStarted).toBe(3);
    const [killed, stopped, healthy] = workers.map((id) => rm.pidOf(id) as number);
    expect([killed, stopped, healthy].every((pid) => typeof pid === "number" && processExists(pid))).toBe(true);

    const tasks = leases.map((lease, i) => run(lease, 1_500, i));
    await waitFor("three running tasks", () => rm.stats.jobMasterSide.tasksSubmitted === 3);
    await sleep(200); // the tasks are running in the workers now
    const crashAt = Date.now();
    process.kill(killed as number, "SIGKILL");
    process.kill(stopped as number, "SIGSTOP");

    const [crashedTask, hungTask, healthyTask] = await Promise.all(tasks);
    expect(crashedTask?.ok).toBe(false);
    expect(hungTask?.ok).toBe(false);
    if (crashedTask?.ok !== false || hungTask?.ok !== false) throw new Error("unreachable");
    expect(isSlotPoolError(crashedTask.error, "TASK_MANAGER_LOST")).toBe(true);
    expect(isSlotPoolError(hungTask.error, "TASK_MANAGER_LOST")).toBe(true);
    expect((hungTask.error as Error).message).toContain("no heartbeat for 700 ms");
    // Detected within the heartbeat timeout (plus one heartbeat interval and scheduling slack).
    expect(hungTask.atMs - crashAt).toBeLessThan(700 + 100 + 600);
    expect(healthyTask).toEqual({
      ok: true,
      value: expect.objectContaining({ value: 2, resourceId: workers[2], allocationId: leases[2]?.slot.allocationId }),
    });

    assertSlotPoolInvariants(pool);
    expect(handles.map((h) => h.released.isDone)).toEqual([true, true, false]);
    expect(
      handles
        .slice(0, 2)
        .every((h) => isSlotPoolError(h.released.result?.ok && h.released.result.value, "TASK_MANAGER_LOST")),
    ).toBe(true);
    expect(pool.isTaskManagerRegistered(workers[0] as never)).toBe(false);
    expect(pool.isTaskManagerRegistered(workers[1] as never)).toBe(false);
    expect(pool.inspect().allocated.size).toBe(1);
    expect(link.stats.heartbeatTimeouts).toBe(1);
    // The hung worker was killed by the resource manager once declared dead.
    await waitFor("the stopped worker to be killed", () => !processExists(stopped as number));

    await rm.shutdown();
    for (const pid of [killed, stopped, healthy]) expect(processExists(pid as number)).toBe(false);
    expect(rm.workerPids()).toEqual([]);
  }, 25_000);

  it("starts workers on demand up to the maximum, runs module tasks, and stops idle workers", async () => {
    const { rm, pool } = setup({ maxWorkers: 2, idleTimeoutMs: 300, idleSlotMs: 0 });
    const first = pool.allocateSlot({});
    const second = pool.allocateSlot({});
    const third = pool.allocateSlot({});
    const [a, b] = await Promise.all([first.result.promise, second.result.promise]);
    remember(rm);
    expect(rm.stats.workersStarted).toBe(2);
    expect(third.result.isDone).toBe(false);
    expect(rm.inspect().resourceManager.pendingRequests).toHaveLength(1);
    assertSlotPoolInvariants(pool);

    const te = a.slot.gateway as TaskExecutorConnection;
    const counted = await firstValueFrom(
      te.submitTask(a.slot.allocationId, {
        kind: "module",
        module: fixture("tasks.mjs"),
        export: "wordCount",
        args: ["to be or not to be"],
      }),
    );
    expect(counted.value).toEqual({ to: 2, be: 2, or: 1, not: 1 });
    const failure = await firstValueFrom(
      te.submitTask(a.slot.allocationId, {
        kind: "module",
        module: fixture("tasks.mjs"),
        export: "fails",
        args: ["x"],
      }),
    ).catch((e: unknown) => e);
    expect(isSlotPoolError(failure, "TASK_FAILED")).toBe(true);
    expect((failure as Error).message).toContain("task failed on purpose: x");

    // A released slot serves the waiting request (the pool hands it over directly).
    first.release();
    const c = await third.result.promise;
    expect(c.slot.allocationId).toBe(a.slot.allocationId);
    expect(rm.stats.workersStarted).toBe(2);
    assertSlotPoolInvariants(pool);

    // Everything released: the pool frees the slots at once, the workers stop after 300 ms idle.
    second.release();
    third.release();
    const started = rm.inspect().workers.map((w) => w.pid as number);
    await waitFor("idle workers to stop", () => rm.stats.workersExited === 2);
    expect(rm.stats.resourceManager.taskExecutorsStopped).toBe(2);
    for (const pid of started) expect(processExists(pid)).toBe(false);
    expect(b.slot.location.resourceId).not.toBe(a.slot.location.resourceId);
    assertSlotPoolInvariants(pool);
  }, 25_000);

  it("drops malformed messages from a worker without harm, and kills a worker that never registers", async () => {
    const { rm, pool, warnings } = setup({ maxWorkers: 1, workerEntry: fixture("chatty-worker.ts"), execArgv });
    const lease = await pool.allocateSlot({}).result.promise;
    remember(rm);
    expect(rm.stats.malformedMessages).toBe(5);
    expect(warnings).toHaveLength(5);
    expect(warnings.every((w) => w.startsWith("Dropped a malformed message from worker-1"))).toBe(true);
    expect(warnings.some((w) => w.includes(`message.v: expected protocol version ${PROTOCOL_VERSION}, got 99`))).toBe(
      true,
    );
    expect(warnings.some((w) => w.includes("offerSlots.offers[0]"))).toBe(true);
    // The worker works anyway.
    const result = await firstValueFrom(
      (lease.slot.gateway as TaskExecutorConnection).submitTask(lease.slot.allocationId, {
        kind: "sleep",
        durationMs: 1,
      }),
    );
    expect(result.resourceId).toBe("worker-1");
    assertSlotPoolInvariants(pool);

    // A worker entry that never registers is killed after the start timeout.
    const silent = new LocalProcessResourceManager({
      maxWorkers: 1,
      initialWorkers: 1,
      workerEntry: fixture("silent-worker.mjs"),
      workerStartTimeoutMs: 300,
      shutdownGraceMs: 0,
    });
    adapters.push(silent);
    remember(silent);
    await waitFor(
      "the silent worker to be killed",
      () => silent.stats.workerStartTimeouts === 1 && silent.workerPids().length === 0,
    );
    expect(silent.stats.workersExited).toBe(1);
  }, 25_000);

  it("validates what a worker receives: malformed messages are reported and dropped, the worker keeps serving", async () => {
    const config = {
      v: PROTOCOL_VERSION,
      resourceId: "probe-1",
      host: "localhost",
      slots: [{ cpu: 1, memoryMb: 64 }],
      offerTimeoutMs: 10_000,
      maxLifetimeMs: 30_000,
    };
    const child = fork(workerEntry, [], {
      execArgv,
      env: { ...process.env, [WORKER_CONFIG_ENV]: JSON.stringify(config) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(child);
    if (child.pid !== undefined) pids.add(child.pid);
    const received: unknown[] = [];
    child.on("message", (m) => received.push(m));
    await waitFor("registration", () => received.length > 0);
    const registration = parseTaskExecutorMessage(received[0]);
    expect(registration.ok && registration.value).toMatchObject({ type: "register", resourceId: "probe-1" });

    child.send({ type: "requestSlot" }); // no version
    child.send({ v: PROTOCOL_VERSION, type: "requestSlot", slotIndex: "zero" });
    child.send({
      v: PROTOCOL_VERSION,
      type: "submitTask",
      jobMasterId: "jm",
      allocationId: "a",
      taskId: "t",
      task: { kind: "nap" },
    });
    child.send(encodeMessage({ type: "registrationAccepted", resourceManagerId: "rm-9" }));
    child.send(
      encodeMessage({
        type: "requestSlot",
        resourceManagerId: "rm-9",
        slotIndex: 0,
        allocationId: "alloc-9",
        jobId: "job",
        jobMasterId: "jm-9",
      }),
    );
    await waitFor("the slot request's answer and offer", () => received.length >= 7);
    const parsed = received.slice(1).map((m) => parseTaskExecutorMessage(m));
    expect(parsed.every((p) => p.ok)).toBe(true);
    const values = parsed.map((p) => (p.ok ? p.value : undefined));
    const logs = values.filter((v) => v?.type === "log");
    expect(logs).toHaveLength(3);
    expect(logs.map((l) => (l?.type === "log" ? l.message : ""))).toEqual([
      expect.stringContaining("message.v: expected protocol version 1"),
      expect.stringContaining("requestSlot.resourceManagerId: expected a non-empty string"),
      expect.stringContaining('submitTask.task.kind: expected "sleep" or "module", got "nap"'),
    ]);
    expect(values.map((v) => v?.type).filter((t) => t !== "log")).toEqual([
      "slotRequestAnswer",
      "registerAtJobMaster",
      "offerSlots",
    ]);
    expect(values.find((v) => v?.type === "slotRequestAnswer")).toMatchObject({
      accepted: true,
      allocationId: "alloc-9",
    });

    child.send(encodeMessage({ type: "shutdown" }));
    await waitFor("the worker to exit", () => child.exitCode !== null);
    expect(child.exitCode).toBe(0);
    expect(resourceId(config.resourceId)).toBe("probe-1");
  }, 20_000);

  it("leaves no worker behind when the parent is interrupted (Ctrl-C)", async () => {
    const parent = spawn(process.execPath, [...execArgv, fixture("parent-with-workers.ts")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(parent);
    let out = "";
    parent.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    await waitFor("the parent's workers", () => out.includes("\n"), 20_000);
    const { pids: workerPids } = JSON.parse(out.trim()) as { pids: number[] };
    for (const pid of workerPids) pids.add(pid);
    expect(workerPids).toHaveLength(2);
    expect(workerPids.every(processExists)).toBe(true);
    parent.kill("SIGINT");
    await waitFor("the parent to exit", () => parent.exitCode !== null || parent.signalCode !== null);
    expect(parent.signalCode).toBe("SIGINT");
    await waitFor("the workers to be gone", () => workerPids.every((pid) => !processExists(pid)), 3_000);
  }, 25_000);
});
