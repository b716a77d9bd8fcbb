import { type AllocationId, isSlotPoolError, ResourceProfile } from "@slotpool/core";
import { LocalProcessResourceManager, type TaskExecutorConnection } from "@slotpool/resource-manager";
import type { LogicalSlot } from "@slotpool/slot-sharing";
import { asyncScheduler, type Subscription } from "rxjs";
import type { Scenario } from "../scenario/scenario.js";
import { type ClusterBackend, JobExecution, toSpec } from "../simulation/job-execution.js";
import type { SimulatedTaskManager, SimulationResult } from "../simulation/trace.js";

/**
 * Progress of a real run, reported after every change.
 *
 * @example
 * ```ts
 * runScenario(scenario, { onProgress: (p) => bar.update(p.finished + p.failed) });
 * ```
 */
export interface RunProgress {
  readonly tasks: number;
  readonly placed: number;
  readonly finished: number;
  readonly failed: number;
  readonly workers: number;
  readonly elapsedMs: number;
}

/**
 * Options of {@link runScenario}.
 *
 * @example
 * ```ts
 * await runScenario(scenario, { workers: 3, signal: controller.signal });
 * ```
 */
export interface RunScenarioOptions {
  /** Worker processes at most (default: the scenario's TaskManager count, at most 8, at least 1). */
  readonly workers?: number;
  /** Called after every change (throttle it yourself). */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Aborting stops the run: workers are shut down and the result so far is returned. */
  readonly signal?: AbortSignal;
  /** Heartbeat interval / timeout between the job master and the workers (default 500 / 3000 ms). */
  readonly heartbeatIntervalMs?: number;
  readonly heartbeatTimeoutMs?: number;
  /** Where worker log lines go (default: dropped). */
  readonly log?: (line: string) => void;
}

/**
 * The outcome of {@link runScenario}.
 *
 * @example
 * ```ts
 * const { result, aborted, workerPids } = await runScenario(scenario);
 * ```
 */
export interface RunScenarioResult {
  readonly result: SimulationResult;
  /** True when the run was stopped by the signal before it was done. */
  readonly aborted: boolean;
  /** Every worker process started (all have exited when the promise resolves). */
  readonly workerPids: readonly number[];
}

/**
 * Runs a scenario for real: the same pool, slot sharing and co-location as the simulator, on the
 * local-process resource manager, in real time. Each worker process is a TaskExecutor with as many
 * slots as the scenario's largest TaskManager and the largest slot profile; tasks sleep their
 * `durationMs` inside the workers (a task without a duration finishes at once). Scenario events are
 * simulation-only and are noted in the trace but not applied. `atMs` values are real milliseconds
 * since the start. Resolves once every task finished or failed, or the signal aborted the run — in
 * both cases only after every worker process has exited.
 *
 * @example
 * ```ts
 * const { result } = await runScenario(await loadScenarioFile("examples/streaming-wordcount.yaml"), { workers: 2 });
 * console.log(result.report.summary);
 * ```
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): Promise<RunScenarioResult> {
  const declared = scenario.cluster.taskManagers;
  const workers = options.workers ?? Math.min(8, Math.max(1, declared.length));
  const slotsPerWorker = Math.max(
    1,
    ...declared.map((tm) => tm.slots),
    scenario.cluster.elastic?.slotsPerTaskManager ?? 1,
  );
  const profiles = [
    ...declared.map((tm) => tm.slotProfile),
    ...(scenario.cluster.elastic ? [scenario.cluster.elastic.slotProfile] : []),
  ];
  const largest = profiles.reduce(
    (best, p) =>
      best === undefined || ResourceProfile.of(toSpec(p)).isMatching(ResourceProfile.of(toSpec(best))) ? p : best,
    profiles[0],
  );
  const scheduler = asyncScheduler;
  const started = scheduler.now();
  const pids = new Set<number>();
  const rm = new LocalProcessResourceManager({
    maxWorkers: workers,
    slotsPerWorker,
    ...(largest === undefined ? {} : { slotProfile: toSpec(largest) }),
    offerAllSlots: scenario.cluster.offerAllSlots,
    idleTimeoutMs: Number.POSITIVE_INFINITY,
    logger: {
      warn: (message: string) => options.log?.(`warn: ${message}`),
      info: (message: string) => options.log?.(message),
    },
  });
  const tasks = new Set<Subscription>();
  const clock = { now: () => scheduler.now() - started };
  const relativeScheduler = {
    now: clock.now,
    schedule: scheduler.schedule.bind(scheduler),
  } as typeof scheduler;
  const backend: ClusterBackend = {
    scheduler: relativeScheduler,
    adapter: rm,
    startTask: (slot: LogicalSlot, durationMs, done) => {
      const connection = slot.gateway as TaskExecutorConnection;
      const sub = connection
        .submitTask(slot.allocationId as AllocationId, { kind: "sleep", durationMs: durationMs ?? 0 })
        .subscribe({
          next: () => {},
          error: (error: unknown) => {
            tasks.delete(sub);
            // A lost TaskManager also releases the slot; the execution resubmits on that, not here.
            if (isSlotPoolError(error, "TASK_MANAGER_LOST")) return;
            done(error instanceof Error ? error : new Error(String(error)));
          },
          complete: () => {
            tasks.delete(sub);
            done();
          },
        });
      tasks.add(sub);
      return true;
    },
    loseTaskManager: () => false,
    addTaskManager: () => false,
    disconnectResourceManager: () => false,
    reconnectResourceManager: () => false,
    freezeTaskManager: () => false,
    thawTaskManager: () => false,
    failSlot: () => false,
    extraTaskManagers: (): SimulatedTaskManager[] =>
      rm.inspect().workers.map((w) => ({
        id: w.resourceId,
        host: "localhost",
        slots: slotsPerWorker,
        slotProfile: largest === undefined ? undefined : toSpec(largest),
        registeredAtMs: 0,
        lostAtMs: undefined,
      })),
  };
  let wake: (() => void) | undefined;
  const execution = new JobExecution({ ...scenario, cluster: { ...scenario.cluster, taskManagers: [] } }, backend, {
    seed: scenario.seed,
    heartbeat: {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 500,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 3_000,
    },
    onChange: () => wake?.(),
  });
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    wake?.();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (options.signal?.aborted) aborted = true;
    else execution.start();
    while (!aborted && !execution.isQuiet) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        // Also wake up now and then, so progress shows worker counts and elapsed time.
        setTimeout(resolve, 250).unref();
      });
      wake = undefined;
      for (const w of rm.inspect().workers) if (typeof w.pid === "number") pids.add(w.pid);
      const p = execution.progress();
      options.onProgress?.({ ...p, workers: rm.inspect().workers.length, elapsedMs: clock.now() });
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    for (const sub of tasks) sub.unsubscribe();
    for (const w of rm.inspect().workers) if (typeof w.pid === "number") pids.add(w.pid);
  }
  const result = execution.finish();
  // No request timeout or idle-slot timer of the pool may outlive the run (it would hold the process).
  execution.dispose();
  await rm.shutdown();
  return { result, aborted, workerPids: [...pids] };
}
