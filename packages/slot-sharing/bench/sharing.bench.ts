// Slot-sharing benchmark (issue 3, item 5). Run from the repository root:
//   node --import tsx --conditions=@slotpool/source packages/slot-sharing/bench/sharing.bench.ts
// Plain loops timed with process.hrtime.bigint(): warm-up rounds, then measured rounds; medians printed.

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  allocationId,
  InMemoryTaskExecutor,
  jobMasterId,
  Locality,
  ResourceProfile,
  SlotPool,
  type SlotRequestId,
  type TaskManagerLocation,
  taskManagerLocation,
} from "@slotpool/core";
import { VirtualTimeScheduler } from "rxjs";
import { type CoLocationConstraintLike, type TaskHandle, TaskScheduler } from "../src/index.js";

const VERTICES = 10;
const PARALLELISM = 4_000;
const SLOTS_PER_TM = 4;
const CO_LOCATED = new Set([3, 4]);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

// Collect garbage between rounds (untimed), so a round does not pay for the previous round's garbage.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** A minimal co-location constraint (the real one lives in @slotpool/co-location, which depends on this package). */
class Constraint implements CoLocationConstraintLike {
  slotRequestId: SlotRequestId | undefined = undefined;
  location: TaskManagerLocation | undefined = undefined;
  constructor(readonly groupId: string) {}
  lockLocation(location: TaskManagerLocation): void {
    if (this.location !== undefined) throw new Error("locked twice");
    this.location = location;
  }
}

interface Cluster {
  readonly pool: SlotPool;
  readonly scheduler: TaskScheduler;
  readonly taskManagers: TaskManagerLocation[];
}

function cluster(slots: number): Cluster {
  const pool = new SlotPool({
    scheduler: new VirtualTimeScheduler(),
    timeouts: { idleSlotMs: Number.POSITIVE_INFINITY },
  });
  pool.start(jobMasterId("bench"));
  const profile = ResourceProfile.of({ cpu: 4, memoryMb: 8192 });
  const taskManagers: TaskManagerLocation[] = [];
  let n = 0;
  for (let t = 0; t * SLOTS_PER_TM < slots; t++) {
    const tm = taskManagerLocation(`tm-${t}`, `host-${t >> 2}`);
    taskManagers.push(tm);
    pool.registerTaskManager(tm.resourceId);
    const gateway = new InMemoryTaskExecutor(tm.resourceId);
    const offers = [];
    for (let i = 0; i < SLOTS_PER_TM && n < slots; i++, n++) {
      offers.push({ allocationId: allocationId(`a-${n}`), slotIndex: i, profile });
    }
    pool.offerSlots(tm, gateway, offers);
  }
  return { pool, scheduler: new TaskScheduler(pool), taskManagers };
}

/** Places the whole job; returns the elapsed wall and CPU nanoseconds of the placement loop alone. */
function placeJob(withPreferences: boolean): { ns: number; cpuNs: number; check: () => void } {
  const { pool, scheduler } = cluster(PARALLELISM);
  const constraints = Array.from({ length: PARALLELISM }, () => new Constraint("loop"));
  const handles: TaskHandle[] = new Array(VERTICES * PARALLELISM);
  // Frozen specs, as a job description would hold them: the scheduler converts each once.
  const profiles = [undefined, Object.freeze({ cpu: 0.25, memoryMb: 256 })];
  collectGarbage();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let v = 0; v < VERTICES; v++) {
    const vertexId = `v${v}`;
    const coLocated = CO_LOCATED.has(v);
    const profile = profiles[v % 2];
    for (let i = 0; i < PARALLELISM; i++) {
      const upstream = withPreferences && v > 0 ? handles[(v - 1) * PARALLELISM + i]?.result.result : undefined;
      handles[v * PARALLELISM + i] = scheduler.allocate({
        vertexId,
        subtaskIndex: i,
        slotSharingGroup: "default",
        ...(coLocated ? { coLocationConstraint: constraints[i] } : {}),
        ...(profile === undefined ? {} : { profile }),
        ...(upstream?.ok ? { preferredLocations: [upstream.value.location] } : {}),
      });
    }
  }
  const ns = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  return {
    ns,
    cpuNs: (cpu.user + cpu.system) * 1e3,
    check: () => {
      const slots = new Set<string>();
      let local = 0;
      for (const h of handles) {
        const o = h.result.result;
        if (!o?.ok) throw new Error(`${h.vertexId}#${h.subtaskIndex} not placed`);
        slots.add(o.value.allocationId);
        if (o.value.locality === Locality.LOCAL) local++;
      }
      if (slots.size !== PARALLELISM) throw new Error(`expected ${PARALLELISM} slots, used ${slots.size}`);
      if (pool.inspect().available.size !== 0) throw new Error("free slots left");
      if (withPreferences && local < (VERTICES - 1) * PARALLELISM) throw new Error(`only ${local} LOCAL placements`);
    },
  };
}

/** ns per getResolvedRootSlot call with a preference, over `roots` resolved roots. */
function rootChoice(roots: number): { local: number; localHot: number; fallback: number; none: number; cycle: number } {
  const { scheduler, taskManagers } = cluster(roots);
  for (let i = 0; i < roots; i++) scheduler.allocate({ vertexId: "a", subtaskIndex: i, slotSharingGroup: "g" });
  const manager = scheduler.sharingManager("g");
  if (manager === undefined || [...manager.resolvedRoots()].length !== roots) throw new Error("setup failed");
  const key = manager.vertexKey("b");
  const queries = 200_000;
  const prefs = Array.from({ length: 1024 }, (_, i) => [
    taskManagers[(i * 7919) % taskManagers.length] as TaskManagerLocation,
  ]);
  const elsewhere = [taskManagerLocation("tm-x", "host-x")];
  const time = (fn: (i: number) => unknown): number => {
    collectGarbage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < queries; i++) fn(i);
    return Number(process.hrtime.bigint() - start) / queries;
  };
  const local = time((i) => {
    const c = manager.getResolvedRootSlot(key, prefs[i & 1023] as TaskManagerLocation[]);
    if (c?.locality !== Locality.LOCAL) throw new Error("expected LOCAL");
  });
  // The same lookups over 16 preferred TaskManagers only: what is left once the CPU caches are warm.
  const localHot = time((i) => {
    const c = manager.getResolvedRootSlot(key, prefs[i & 15] as TaskManagerLocation[]);
    if (c?.locality !== Locality.LOCAL) throw new Error("expected LOCAL");
  });
  const fallback = time(() => manager.getResolvedRootSlot(key, elsewhere));
  const none = time(() => manager.getResolvedRootSlot(key, []));
  // A full task cycle: place a task of vertex b with a preference (joins a root), then release it.
  let n = 0;
  const cycle = time((i) => {
    const h = scheduler.allocate({
      vertexId: "b",
      subtaskIndex: n++,
      slotSharingGroup: "g",
      preferredLocations: prefs[i & 1023] as TaskManagerLocation[],
    });
    h.release();
  });
  return { local, localHot, fallback, none, cycle };
}

/**
 * Calibration for a shared, noisy machine: the least work any placement must do per task — make a
 * request id, index the task by it, hang it under one of 4,000 roots, keep three small objects —
 * as a bare loop. Compare the placement rates with this rather than with another machine's numbers.
 */
function calibration(): number {
  const roots = Array.from({ length: PARALLELISM }, () => new Map<object, object>());
  const keys = Array.from({ length: VERTICES }, (_, i) => ({ id: `v${i}` }));
  const index = new Map<string, object>();
  const kept: object[] = [];
  let n = 0;
  collectGarbage();
  const start = process.hrtime.bigint();
  for (let v = 0; v < VERTICES; v++) {
    const key = keys[v] as object;
    for (let i = 0; i < PARALLELISM; i++) {
      const id = `req-${++n}`;
      const task = { id, vertex: key, subtask: i, parent: roots[i], state: 0 };
      const result = { ok: true, value: { task, slot: i } };
      index.set(id, task);
      (roots[i] as Map<object, object>).set(key, task);
      kept.push(result);
    }
  }
  return (VERTICES * PARALLELISM) / (Number(process.hrtime.bigint() - start) / 1e9);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

function benchPlacement(withPreferences: boolean): void {
  const label = withPreferences ? "with preferences (upstream subtask's TM)" : "no preferences";
  const rates: number[] = [];
  const cpuRates: number[] = [];
  const tasks = VERTICES * PARALLELISM;
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    const { ns, cpuNs, check } = placeJob(withPreferences);
    check();
    if (r < WARMUP) continue;
    rates.push(tasks / (ns / 1e9));
    cpuRates.push(tasks / (cpuNs / 1e9));
  }
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
  const m = median(rates);
  console.log(
    `placement, ${label}: median ${fmt(m)} tasks/s wall (${((tasks / m) * 1e3).toFixed(1)} ms per job; ` +
      `min ${fmt(Math.min(...rates))}, max ${fmt(Math.max(...rates))}); median ${fmt(median(cpuRates))} tasks per CPU-second`,
  );
}

function benchRootChoice(): void {
  for (const roots of [100, 10_000]) {
    const samples = {
      local: [] as number[],
      localHot: [] as number[],
      fallback: [] as number[],
      none: [] as number[],
      cycle: [] as number[],
    };
    for (let r = 0; r < WARMUP + ROUNDS; r++) {
      const s = rootChoice(roots);
      if (r < WARMUP) continue;
      samples.local.push(s.local);
      samples.localHot.push(s.localHot);
      samples.fallback.push(s.fallback);
      samples.none.push(s.none);
      samples.cycle.push(s.cycle);
    }
    console.log(
      `root choice at ${roots.toLocaleString("en-US")} roots: LOCAL ${median(samples.local).toFixed(0)} ns ` +
        `(${median(samples.localHot).toFixed(0)} ns over 16 hot TaskManagers), ` +
        `NON_LOCAL fallback ${median(samples.fallback).toFixed(0)} ns, no preference ${median(samples.none).toFixed(0)} ns, ` +
        `place+release with preference ${median(samples.cycle).toFixed(0)} ns (medians per call)`,
    );
  }
}

console.log(
  `slot-sharing benchmark: ${VERTICES} vertices × ${PARALLELISM} in one sharing group, v3+v4 co-located, ` +
    `${PARALLELISM} free slots on ${PARALLELISM / SLOTS_PER_TM} TaskManagers; node ${process.version}; ` +
    `${WARMUP} warm-up + ${ROUNDS} measured rounds`,
);
{
  const rates: number[] = [];
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    const rate = calibration();
    if (r >= WARMUP) rates.push(rate);
  }
  console.log(
    `calibration (bare loop: id + 2 map inserts + 3 objects per task): median ${Math.round(median(rates)).toLocaleString("en-US")} tasks/s`,
  );
}
const only = process.env.BENCH_ONLY; // "placement", "placement-noprefs", "placement-prefs" or "roots", to profile one part
if (only !== "roots") {
  if (only !== "placement-prefs") benchPlacement(false);
  if (only !== "placement-noprefs") benchPlacement(true);
}
if (only === undefined || only === "roots") benchRootChoice();
