import { CoLocationGroup } from "@slotpool/co-location";
import { Locality, ResourceProfile, type TaskManagerLocation } from "@slotpool/core";
import { type SchedulableTask, type TaskHandle, TaskScheduler } from "@slotpool/slot-sharing";
import { VirtualTimeScheduler } from "rxjs";
import { buildCluster } from "../fixtures/cluster.js";
import { formatNumber, shortCount } from "../format.js";
import { measureRounds } from "../harness.js";
import { timingRow } from "../report-rows.js";
import type { Stopwatch } from "../stopwatch.js";
import type { Measurement, Workload } from "../workload.js";

const RATE_TARGET = { comparison: ">=", threshold: 1_000_000, description: "≥ 1M tasks placed/s" } as const;
const OFF = Number.POSITIVE_INFINITY;

/**
 * Three slot kinds that cannot stand in for one another (each request profile fits exactly one),
 * so a wrong match strands a request: cpu-heavy, memory-heavy and GPU slots.
 */
const SLOT_KINDS = {
  cpu: ResourceProfile.of({ cpu: 4, memoryMb: 4096 }),
  memory: ResourceProfile.of({ cpu: 1, memoryMb: 16_384 }),
  gpu: ResourceProfile.of({ cpu: 2, memoryMb: 8192, extended: { gpu: 1 } }),
} as const;

/** What the tasks of each sharing group need (each fits only its own slot kind). */
const TASK_KINDS = {
  cpu: ResourceProfile.of({ cpu: 3, memoryMb: 2048 }),
  memory: ResourceProfile.of({ cpu: 1, memoryMb: 12_288 }),
  gpu: ResourceProfile.of({ cpu: 1, memoryMb: 4096, extended: { gpu: 1 } }),
} as const;

/** Slot j of a TaskManager with 8 slots: 4 cpu-heavy, 3 memory-heavy, 1 GPU. */
const MIXED_TM = [
  SLOT_KINDS.cpu,
  SLOT_KINDS.cpu,
  SLOT_KINDS.cpu,
  SLOT_KINDS.cpu,
  SLOT_KINDS.memory,
  SLOT_KINDS.memory,
  SLOT_KINDS.memory,
  SLOT_KINDS.gpu,
] as const;

/**
 * A whole job, placed in pieces: `placeJob` builds a fresh cluster (untimed), then places tasks
 * `from … to` of the job's submission order inside `stopwatch.time`, and checks the outcome (untimed).
 */
interface JobShape {
  readonly tasks: number;
  run(count: number, stopwatch: Stopwatch): void;
}

/** Times `ops` task placements: whole jobs, the last one cut short so exactly `ops` are timed. */
function placeTasks(shape: JobShape, ops: number, stopwatch: Stopwatch): void {
  for (let left = ops; left > 0; left -= shape.tasks) shape.run(Math.min(left, shape.tasks), stopwatch);
}

/**
 * W3 (a): Flink's slot-matching shape. 128 TaskManagers × 8 slots of three kinds (4 cpu-heavy,
 * 3 memory-heavy, 1 GPU each: 512 / 384 / 128 slots) against 1,024 tasks in three sharing groups
 * (one per kind, parallelism 512 / 384 / 128), submitted interleaved (cpu, memory, cpu, gpu, …) as
 * a scheduler walking several pipelines would. Every slot ends up used by exactly one task.
 */
function slotMatching(taskManagers: number): JobShape {
  const counts = { cpu: taskManagers * 4, memory: taskManagers * 3, gpu: taskManagers };
  const order: (keyof typeof counts)[] = [];
  const next = { cpu: 0, memory: 0, gpu: 0 };
  // Interleave in proportion 4 : 3 : 1, deterministically.
  while (order.length < taskManagers * 8) {
    for (const kind of ["cpu", "memory", "cpu", "gpu", "memory", "cpu", "memory", "cpu"] as const) {
      if (next[kind] < counts[kind]) {
        order.push(kind);
        next[kind]++;
      }
    }
  }
  const tasks: SchedulableTask[] = [];
  const subtask = { cpu: 0, memory: 0, gpu: 0 };
  for (const kind of order) {
    tasks.push({
      vertexId: `${kind}-vertex`,
      subtaskIndex: subtask[kind]++,
      slotSharingGroup: `${kind}-group`,
      profile: TASK_KINDS[kind],
      queued: false,
    });
  }
  const handles: TaskHandle[] = new Array<TaskHandle>(tasks.length);
  return {
    tasks: tasks.length,
    run(count, stopwatch) {
      const { pool } = buildCluster({
        slots: taskManagers * 8,
        slotsPerTaskManager: 8,
        taskManagersPerHost: 2,
        slotProfiles: MIXED_TM,
        pool: { scheduler: new VirtualTimeScheduler(), timeouts: { idleSlotMs: OFF } },
      });
      const scheduler = new TaskScheduler(pool);
      stopwatch.time(() => {
        for (let i = 0; i < count; i++) handles[i] = scheduler.allocate(tasks[i] as SchedulableTask);
      });
      const used = new Set<string>();
      for (let i = 0; i < count; i++) {
        const outcome = (handles[i] as TaskHandle).result.result;
        if (!outcome?.ok) throw new Error(`W3a: task ${i} was not placed`);
        used.add(outcome.value.allocationId);
      }
      if (used.size !== count) throw new Error(`W3a: ${count} tasks used ${used.size} slots`);
      if (count === tasks.length && pool.inspect().available.size !== 0) throw new Error("W3a: free slots left");
    },
  };
}

/**
 * W3 (b): 10 vertices × parallelism P in one sharing group on P free slots (4 per TaskManager);
 * vertices 3 and 4 are co-located (`CoLocationGroup`). With `preferUpstream`, subtask i of vertex
 * v > 0 prefers the TaskManager of subtask i of vertex v − 1 (Flink's input-location preference).
 */
function sharedJob(parallelism: number, preferUpstream: boolean): JobShape {
  const vertices = 10;
  const coLocated = new Set([3, 4]);
  // Vertices alternate between an unknown profile and a small known one (5 × 0.25 cpu fit a 4-cpu slot).
  const small = ResourceProfile.of({ cpu: 0.25, memoryMb: 256 });
  const slot = ResourceProfile.of({ cpu: 4, memoryMb: 8192 });
  const handles: TaskHandle[] = new Array<TaskHandle>(vertices * parallelism);
  const vertexIds = Array.from({ length: vertices }, (_, v) => `v${v}`);
  return {
    tasks: vertices * parallelism,
    run(count, stopwatch) {
      const { pool } = buildCluster({
        slots: parallelism,
        slotsPerTaskManager: 4,
        taskManagersPerHost: 4,
        slotProfiles: [slot],
        pool: { scheduler: new VirtualTimeScheduler(), timeouts: { idleSlotMs: OFF } },
      });
      const scheduler = new TaskScheduler(pool);
      const loop = new CoLocationGroup("loop");
      stopwatch.time(() => {
        let n = 0;
        for (let v = 0; v < vertices && n < count; v++) {
          const vertexId = vertexIds[v] as string;
          const profile = v % 2 === 0 ? undefined : small;
          const colocated = coLocated.has(v);
          for (let i = 0; i < parallelism && n < count; i++, n++) {
            let preferred: TaskManagerLocation | undefined;
            if (preferUpstream && v > 0) {
              const up = (handles[(v - 1) * parallelism + i] as TaskHandle).result.result;
              if (up?.ok) preferred = up.value.location;
            }
            handles[n] = scheduler.allocate({
              vertexId,
              subtaskIndex: i,
              slotSharingGroup: "default",
              queued: false,
              ...(colocated ? { coLocationConstraint: loop.constraint(i) } : {}),
              ...(profile === undefined ? {} : { profile }),
              ...(preferred === undefined ? {} : { preferredLocations: [preferred] }),
            });
          }
        }
      });
      const used = new Set<string>();
      let local = 0;
      for (let n = 0; n < count; n++) {
        const outcome = (handles[n] as TaskHandle).result.result;
        if (!outcome?.ok) throw new Error(`W3b: task ${n} was not placed`);
        used.add(outcome.value.allocationId);
        if (outcome.value.locality === Locality.LOCAL) local++;
      }
      if (count === vertices * parallelism) {
        if (used.size !== parallelism) throw new Error(`W3b: expected ${parallelism} slots, used ${used.size}`);
        for (let i = 0; i < parallelism; i++) {
          const head = (handles[3 * parallelism + i] as TaskHandle).result.result;
          const tail = (handles[4 * parallelism + i] as TaskHandle).result.result;
          if (!head?.ok || !tail?.ok || head.value.allocationId !== tail.value.allocationId) {
            throw new Error(`W3b: co-located subtask ${i} split`);
          }
        }
        if (preferUpstream && local < (vertices - 1) * parallelism)
          throw new Error(`W3b: only ${local} LOCAL placements`);
      }
    },
  };
}

/**
 * W3: Flink-shaped jobs placed through the task-level facade (`TaskScheduler` of
 * `@slotpool/slot-sharing`, `CoLocationGroup` of `@slotpool/co-location`) on a `SlotPool` whose
 * slots are already offered: (a) Flink's slot-matching shape, 1,024 slots of three kinds against
 * 1,024 tasks in three sharing groups; (b) 10 vertices × parallelism 4,000 in one sharing group,
 * two co-located, on 4,000 slots, with and without upstream location preferences. Tasks placed per
 * second; building the cluster and checking the placement are not timed.
 *
 * @example
 * ```ts
 * const report = await flinkShaped.run(ctx);
 * ```
 */
export const flinkShaped: Workload = {
  id: "W3",
  title: "Flink-shaped jobs (slot matching; shared and co-located)",
  summary:
    "Tasks placed per second through TaskScheduler on pre-offered slots: (a) 128 TaskManagers × 8 slots of three " +
    "kinds against 1,024 tasks in 3 sharing groups; (b) 10 vertices × parallelism 4,000 in one sharing group, " +
    "two co-located, on 4,000 slots.",
  async run(ctx) {
    const taskManagers = ctx.smoke ? 16 : 128;
    const parallelism = ctx.smoke ? 200 : 4_000;
    const shapes: { name: string; shape: JobShape; details: Record<string, number | string> }[] = [
      {
        name: `(a) ${shortCount(taskManagers * 8)} slots × ${shortCount(taskManagers * 8)} tasks, 3 groups, mixed profiles`,
        shape: slotMatching(taskManagers),
        details: { taskManagers, slotsPerTaskManager: 8, tasks: taskManagers * 8, sharingGroups: 3 },
      },
      {
        name: `(b) 10 × ${shortCount(parallelism)}, 1 group, co-located pair, no preferences`,
        shape: sharedJob(parallelism, false),
        details: { vertices: 10, parallelism, slots: parallelism, tasks: 10 * parallelism, coLocatedVertices: 2 },
      },
      {
        name: `(b) 10 × ${shortCount(parallelism)}, 1 group, co-located pair, upstream preferences`,
        shape: sharedJob(parallelism, true),
        details: { vertices: 10, parallelism, slots: parallelism, tasks: 10 * parallelism, coLocatedVertices: 2 },
      },
    ];
    const rows: Measurement[] = [];
    for (const { name, shape, details } of shapes) {
      const measured = await measureRounds(ctx.harness, { initialOps: shape.tasks }, (ops, sw) =>
        placeTasks(shape, ops, sw),
      );
      const row = timingRow({
        name,
        measured,
        unit: "ops/s",
        throughputLabel: "tasks/s",
        target: RATE_TARGET,
        details: { ...details, jobsPerRound: Math.ceil(measured.opsPerRound / shape.tasks) },
      });
      rows.push(row);
      ctx.log(`W3: ${name}: ${formatNumber(row.stats.median)} tasks/s`);
    }
    return {
      measurements: rows,
      notes: [
        "Each job runs on a freshly built cluster (untimed); only the TaskScheduler.allocate calls are timed, and every " +
          "placement is checked afterwards (all placed, slots used as expected, co-located subtasks in one slot).",
        "(a) Slot kinds cpu-heavy {4 cpu, 4 GiB}, memory-heavy {1 cpu, 16 GiB} and GPU {2 cpu, 8 GiB, gpu 1}; each task " +
          "profile fits exactly one kind, so every request must find its own kind among the mixed slots.",
        "(b) Vertices alternate between an unknown profile and {0.25 cpu, 256 MiB}; with preferences, subtask i of " +
          "vertex v > 0 names the TaskManager of subtask i of vertex v − 1.",
      ],
    };
  },
};
