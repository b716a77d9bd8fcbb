import { type AllocationId, VirtualScheduler } from "@slotpool/core";
import { EmbeddedResourceManager } from "@slotpool/resource-manager";
import type { LogicalSlot } from "@slotpool/slot-sharing";
import type { Scenario } from "../scenario/scenario.js";
import { type ClusterBackend, JobExecution, staticTaskManagers, toSpec } from "./job-execution.js";
import type { SimulatedTaskManager, SimulationResult } from "./trace.js";

/**
 * Options of {@link simulate}.
 *
 * @example
 * ```ts
 * simulate(scenario, { seed: 3, checkInvariants: true });
 * ```
 */
export interface SimulateOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Run the pool and sharing invariant checkers after every scenario event and at the end (slower). */
  readonly checkInvariants?: boolean;
  /** Stop at this virtual time even if the run is not quiet (default: 30 days). */
  readonly maxVirtualMs?: number;
  /** How often a lost task may be submitted again (default 100). */
  readonly maxResubmissions?: number;
}

const THIRTY_DAYS_MS = 30 * 24 * 3_600_000;

/**
 * Runs a scenario over the whole stack — the slot pool, slot sharing, co-location and the embedded
 * resource manager — on virtual time, and returns the DESIGN.md report plus a trace of every
 * decision. The same scenario and seed always give the same result, byte for byte.
 *
 * How a run goes:
 * - The cluster's TaskManagers register at their `registerAtMs`; TaskManagers registering at the
 *   same instant arrive in an order drawn from the seed. The elastic pool starts TaskManagers on demand.
 * - At `job.submitAtMs` every subtask is submitted, in vertex order then subtask order, with its
 *   profile, sharing group, co-location group and preferred locations. With `offerAllSlots` the
 *   submission first waits (1 ms steps, at most 1 s) until the messages in flight are delivered,
 *   so the slots of TaskManagers registered by then are free in the pool and preferred locations
 *   give `LOCAL` / `HOST_LOCAL` placements; the trace shows the actual submission time.
 * - A placed task with `durationMs` finishes that long after its placement and frees its slot; a
 *   task without one runs until the end.
 * - Events apply at their time (in file order for equal times). A frozen TaskManager is declared
 *   lost by the job master's heartbeat timeout (50 s) unless unfrozen before.
 * - Lost tasks are resubmitted as described at {@link JobExecution}.
 * - The run ends when it is quiet: every task finished, failed, or runs with no end, no event is
 *   left, no message is in flight, and no frozen TaskManager's heartbeat timeout is still due.
 *   `endedAtMs` is the time of the last trace line.
 *
 * @example
 * ```ts
 * const result = simulate(await loadScenarioFile("examples/streaming-wordcount.yaml"));
 * console.log(result.report.summary);
 * ```
 */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): SimulationResult {
  const scheduler = new VirtualScheduler();
  const seed = options.seed ?? scenario.seed;
  const elastic = scenario.cluster.elastic;
  const rm = new EmbeddedResourceManager({
    scheduler,
    taskExecutors: staticTaskManagers(scenario, seed),
    offerAllSlots: scenario.cluster.offerAllSlots,
    ...(elastic === null
      ? {}
      : {
          elastic: {
            maxTaskExecutors: elastic.maxTaskManagers,
            slotsPerTaskExecutor: elastic.slotsPerTaskManager,
            slotProfile: toSpec(elastic.slotProfile),
            startupMs: elastic.startupMs,
            ...(elastic.idleTimeoutMs === null ? {} : { idleTimeoutMs: elastic.idleTimeoutMs }),
            idPrefix: elastic.idPrefix,
            hostOf: (n: number) => elastic.host ?? `${elastic.hostPrefix}${n}`,
          },
        }),
  });
  const backend: ClusterBackend = {
    scheduler,
    adapter: rm,
    // A simulated task only occupies its slot: it ends after its duration (or never).
    startTask: (_slot: LogicalSlot, durationMs, done) => {
      if (durationMs === null) return false;
      scheduler.schedule(() => done(), durationMs);
      return true;
    },
    loseTaskManager: (id) => rm.loseTaskExecutor(id),
    addTaskManager: (spec) => {
      rm.addTaskExecutor(spec);
      return true;
    },
    disconnectResourceManager: () => rm.disconnect(),
    reconnectResourceManager: () => rm.reconnect() !== undefined,
    freezeTaskManager: (id) => rm.freezeTaskExecutor(id),
    thawTaskManager: (id) => rm.thawTaskExecutor(id),
    failSlot: (allocationId) => rm.freeSlot(allocationId as AllocationId, "failAllocation event"),
    // Elastic TaskManagers in the order they registered, including those stopped meanwhile.
    extraTaskManagers: (): SimulatedTaskManager[] => [...elasticStarted.values()],
    // With slots offered up front, the job is submitted once the offers in flight have arrived.
    ...(scenario.cluster.offerAllSlots ? { settled: () => rm.messagesInFlight === 0 } : {}),
  };
  const execution = new JobExecution(scenario, backend, {
    seed,
    ...(options.checkInvariants === undefined ? {} : { checkInvariants: options.checkInvariants }),
    ...(options.maxResubmissions === undefined ? {} : { maxResubmissions: options.maxResubmissions }),
  });
  const elasticStarted = new Map<string, SimulatedTaskManager>();
  if (elastic !== null) {
    const profile = toSpec(elastic.slotProfile);
    const declared = new Set<string>(scenario.cluster.taskManagers.map((tm) => tm.id));
    for (const e of scenario.events) if (e.type === "addTaskManager") declared.add(e.taskManager.id);
    execution.pool.events$.subscribe((event) => {
      if (event.type !== "taskManagerRegistered") return;
      const id: string = event.resourceId;
      if (declared.has(id) || elasticStarted.has(id)) return;
      const te = rm.inspect().taskExecutors.find((t) => t.resourceId === event.resourceId);
      elasticStarted.set(id, {
        id,
        host: te?.host ?? id,
        slots: te?.slots.length ?? elastic.slotsPerTaskManager,
        slotProfile: profile,
        registeredAtMs: event.atMs,
        lostAtMs: undefined,
      });
    });
  }
  execution.start();
  const maxMs = options.maxVirtualMs ?? THIRTY_DAYS_MS;
  for (;;) {
    const next = scheduler.nextDueTime();
    if (next === undefined || next > maxMs || (execution.isQuiet && rm.messagesInFlight === 0)) break;
    scheduler.advanceTo(next);
  }
  const result = execution.finish();
  rm.shutdown();
  return result;
}
