export { type CliOptions, CliUsageError, parseCliOptions, USAGE } from "./cli-options.js";
export { type Contender, type ContenderFactory, runBorrowers, type SharedWork } from "./contenders/contender.js";
export { buildCluster, type Cluster, type ClusterOptions } from "./fixtures/cluster.js";
export { distinctRequestProfiles, SLOT_PROFILES } from "./fixtures/profiles.js";
export { type SeededRandom, seededRandom } from "./fixtures/random.js";
export { collectGarbage, garbageCollector, settledHeapUsed } from "./gc.js";
export {
  type BatchPlan,
  FULL_HARNESS,
  type HarnessSettings,
  measureRounds,
  type Round,
  type RoundsResult,
  SMOKE_HARNESS,
} from "./harness.js";
export { describeMachine, type MachineInfo } from "./machine.js";
export { WORKLOADS } from "./registry.js";
export { judge, ratioOf, type TimingRowOptions, timingRow, valueRow } from "./report-rows.js";
export { resultsTable } from "./results-table.js";
export { median, type RoundStats, summarize, summarizeAs } from "./statistics.js";
export { Stopwatch } from "./stopwatch.js";
export { runSuite, type SuiteOptions, selectWorkloads, UnknownWorkloadError } from "./suite.js";
export type { SuiteResults, WorkloadResult } from "./suite-results.js";
export type {
  Measurement,
  Ratio,
  Target,
  TargetOutcome,
  Workload,
  WorkloadContext,
  WorkloadReport,
} from "./workload.js";
