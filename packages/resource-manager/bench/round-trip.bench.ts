// Request → offer → allocation round trips per second through the resource-manager adapters.
//
//   node --import tsx --conditions=@slotpool/source packages/resource-manager/bench/round-trip.bench.ts
//
// Embedded adapter, on virtual time: a pool and a cluster of TaskExecutors on one VirtualScheduler (core's heap-based virtual clock);
// each round trip is pool.allocateSlot → resource manager → TaskExecutor → slot offer → allocation,
// with every hop delayed 1 virtual ms. A round allocates every slot of a fresh cluster (so each request
// really goes through the resource manager); requests are issued `window` at a time (1: strictly one
// after the other; 64: a burst, like a job submitting its tasks).
// Local-process adapter, on real time: the same round trip with real worker processes and IPC.
// Warm-up rounds first, then measured rounds; the median is reported (wall clock, and per CPU second,
// which is steadier on a shared machine).
import {
  type AllocationId,
  InMemoryTaskExecutor,
  jobMasterId,
  type ResourceManagerGateway,
  ResourceProfile,
  SlotPool,
  type SlotPoolTimeouts,
  type SlotRequestHandle,
  taskManagerLocation,
  VirtualScheduler,
} from "@slotpool/core";
import { of } from "rxjs";
import { connectResourceManager, EmbeddedResourceManager, LocalProcessResourceManager } from "../src/index.js";

interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function report(name: string, samples: readonly Sample[]): void {
  const wall = median(samples.map((s) => s.wall));
  const cpu = median(samples.map((s) => s.cpu));
  const range = samples.map((s) => Math.round(s.wall / 1000)).join(" ");
  console.log(
    `${name.padEnd(58)} ${Math.round(wall).toLocaleString("en-US").padStart(9)} /s wall` +
      `  ${Math.round(cpu).toLocaleString("en-US").padStart(9)} /s per CPU-s   (rounds, k/s: ${range})`,
  );
}

function measure(roundTrips: number, body: () => void): Sample {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  body();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall: roundTrips / (wallMs / 1000), cpu: roundTrips / ((cpu.user + cpu.system) / 1e6) };
}

const SLOTS = 4_000;
const TASK_EXECUTORS = 10;
const NO_POOL_TIMERS: Partial<SlotPoolTimeouts> = {
  slotRequestMs: Number.POSITIVE_INFINITY,
  resourceManagerRequestMs: Number.POSITIVE_INFINITY,
  resourceManagerAllocationMs: Number.POSITIVE_INFINITY,
};

function embeddedRound(window: number, timeouts: Partial<SlotPoolTimeouts>): Sample {
  const scheduler = new VirtualScheduler();
  const pool = new SlotPool({ scheduler, timeouts });
  const rm = new EmbeddedResourceManager({
    scheduler,
    messageLatencyMs: 1,
    taskExecutors: Array.from({ length: TASK_EXECUTORS }, (_, i) => ({ id: `tm-${i}`, slots: SLOTS / TASK_EXECUTORS })),
  });
  const link = connectResourceManager(pool, rm);
  link.grantLeadership(jobMasterId("bench"));
  scheduler.advanceTo(100);
  const batch: SlotRequestHandle[] = [];
  const sample = measure(SLOTS, () => {
    for (let done = 0; done < SLOTS; done += batch.length) {
      batch.length = 0;
      for (let i = 0; i < window && done + i < SLOTS; i++) batch.push(pool.allocateSlot({}));
      // Heartbeats keep a virtual clock busy forever: run it only as far as the round trips need.
      scheduler.advanceBy(10);
      for (const handle of batch) if (!handle.result.result?.ok) throw new Error("a request was not served");
    }
  });
  if (rm.stats.resourceManager.requestsReceived !== SLOTS) throw new Error("requests bypassed the resource manager");
  link.close();
  rm.shutdown();
  return sample;
}

/** Reference: the pool alone on the same clock; a stub acknowledges requests and the offers are made directly. */
function poolAloneRound(window: number, timeouts: Partial<SlotPoolTimeouts>): Sample {
  const scheduler = new VirtualScheduler();
  const pool = new SlotPool({ scheduler, timeouts });
  const requested: AllocationId[] = [];
  const rm: ResourceManagerGateway = {
    requestSlot: (request) => {
      requested.push(request.allocationId);
      return of("ack");
    },
    cancelSlotRequest: () => {},
  };
  pool.start(jobMasterId("bench"));
  pool.connectToResourceManager(rm);
  const profile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });
  const tms = Array.from({ length: TASK_EXECUTORS }, (_, i) => {
    const location = taskManagerLocation(`tm-${i}`);
    pool.registerTaskManager(location.resourceId);
    return { location, gateway: new InMemoryTaskExecutor(location.resourceId) };
  });
  const batch: SlotRequestHandle[] = [];
  return measure(SLOTS, () => {
    for (let done = 0; done < SLOTS; done += batch.length) {
      batch.length = 0;
      for (let i = 0; i < window && done + i < SLOTS; i++) batch.push(pool.allocateSlot({}));
      const from = done;
      const count = batch.length;
      scheduler.schedule(() => {
        for (let i = from; i < from + count; i++) {
          const tm = tms[i % TASK_EXECUTORS] as (typeof tms)[number];
          const id = requested[i];
          if (id === undefined) throw new Error("request missing");
          pool.offerSlot(tm.location, tm.gateway, { allocationId: id, slotIndex: i, profile });
        }
      }, 1);
      scheduler.advanceBy(10);
      for (const handle of batch) if (!handle.result.result?.ok) throw new Error("a request was not served");
    }
  });
}

function bench(name: string, round: () => Sample): void {
  for (let i = 0; i < 3; i++) round();
  const samples: Sample[] = [];
  for (let i = 0; i < 9; i++) samples.push(round());
  report(name, samples);
}

function benchEmbedded(name: string, window: number, timeouts: Partial<SlotPoolTimeouts>): void {
  bench(name, () => embeddedRound(window, timeouts));
}

async function benchLocalProcess(window: number, total: number): Promise<void> {
  const workers = 2;
  const slotsPerWorker = 64;
  const rm = new LocalProcessResourceManager({
    maxWorkers: workers,
    initialWorkers: workers,
    slotsPerWorker,
    logger: console,
  });
  const pool = new SlotPool({ timeouts: { idleSlotMs: 0 } });
  const link = connectResourceManager(pool, rm, { heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 5_000 });
  link.grantLeadership(jobMasterId("bench"));
  try {
    const allFree = (): boolean =>
      rm
        .inspect()
        .resourceManager.taskExecutors.every(
          (te) => te.registered && te.slots.every((s) => s.allocationId === undefined),
        );
    const waitUntil = async (ok: () => boolean): Promise<void> => {
      while (!ok()) await new Promise((resolve) => setTimeout(resolve, 2));
    };
    await waitUntil(() => rm.inspect().workers.filter((w) => w.registered).length === workers && allFree());
    // Only the request → offer → allocation phases are timed; giving the slots back (through the
    // pool's idle release and the workers) happens between them, untimed.
    const round = async (): Promise<Sample> => {
      let wallMs = 0;
      let cpuUs = 0;
      for (let done = 0; done < total; done += window) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const handles = Array.from({ length: window }, () => pool.allocateSlot({}));
        await Promise.all(handles.map((h) => h.result.promise));
        wallMs += performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        cpuUs += cpu.user + cpu.system;
        for (const h of handles) h.release();
        await waitUntil(allFree);
      }
      return { wall: total / (wallMs / 1000), cpu: total / (cpuUs / 1e6) };
    };
    await round();
    const samples: Sample[] = [];
    for (let i = 0; i < 5; i++) samples.push(await round());
    report(`local-process, ${workers} workers, window ${window}`, samples);
  } finally {
    link.close();
    await rm.shutdown();
  }
}

console.log(
  `node ${process.version}; embedded: ${SLOTS} slots on ${TASK_EXECUTORS} TaskExecutors, 1 ms per hop (virtual)`,
);
benchEmbedded("embedded, window 1 (one request at a time)", 1, {});
benchEmbedded("embedded, window 64 (bursts)", 64, {});
benchEmbedded("embedded, window 64, pool timeouts off", 64, NO_POOL_TIMERS);
bench("reference: pool alone (no adapter), window 1", () => poolAloneRound(1, {}));
bench("reference: pool alone (no adapter), window 64, timeouts off", () => poolAloneRound(64, NO_POOL_TIMERS));
await benchLocalProcess(1, 200);
await benchLocalProcess(32, 1_024);
