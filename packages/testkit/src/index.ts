// Fault-injection fuzzing (`pnpm fuzz`).
export { formatFuzzFailure, formatFuzzReplay } from "./fuzz/format-fuzz-failure.js";
export {
  FUZZ_SLOT_PROFILES,
  FUZZ_TASK_PROFILES,
  type FuzzConfig,
  type FuzzConfigOptions,
  type FuzzTaskManager,
  type FuzzVertex,
  fuzzHorizonMs,
  generateFuzzConfig,
  MAX_OFFER_DELAY_MS,
  MAX_TASK_TIMEOUT_MS,
} from "./fuzz/fuzz-config.js";
export { checkDrained, checkFuzzInvariants, checkQuiet, type FuzzChecker } from "./fuzz/fuzz-invariants.js";
export {
  type FuzzReplay,
  parseFuzzReplay,
  type ReplayFuzzOptions,
  replayFuzz,
  stringifyFuzzReplay,
  toFuzzReplay,
} from "./fuzz/fuzz-replay.js";
export { FuzzReplayError } from "./fuzz/fuzz-replay-error.js";
export {
  type FuzzFailure,
  FuzzRunner,
  type FuzzRunnerOptions,
  type FuzzRunResult,
  fuzzConfigForSeed,
  type RunFuzzOptions,
  runFuzz,
} from "./fuzz/fuzz-runner.js";
export { addFuzzStats, emptyFuzzStats, type FuzzStats } from "./fuzz/fuzz-stats.js";
export {
  FUZZ_STEP_OPS,
  type FuzzLocationRef,
  type FuzzStep,
  type FuzzStepOp,
  formatFuzzStep,
  type StaleMessageKind,
} from "./fuzz/fuzz-step.js";
export { DEFAULT_FUZZ_WEIGHTS, FuzzStepGenerator, type OfferFaultKind } from "./fuzz/fuzz-step-generator.js";
export { type FuzzViolation, fromProblems, violationSignature } from "./fuzz/fuzz-violation.js";
export { type FuzzTask, FuzzWorld } from "./fuzz/fuzz-world.js";
export { type SlotPoolSnapshot, snapshotSlotPool } from "./fuzz/pool-snapshot.js";
export { type ShrinkFuzzReplayOptions, type ShrunkFuzzReplay, shrinkFuzzReplay } from "./fuzz/shrink-fuzz-replay.js";
export { type RunProgress, type RunScenarioOptions, type RunScenarioResult, runScenario } from "./run/run-scenario.js";
export { formatScenarioProblems } from "./scenario/format-scenario-problems.js";
export { loadScenarioFile } from "./scenario/load-scenario-file.js";
export { type ParseScenarioOptions, parseScenario, type ScenarioFormat } from "./scenario/parse-scenario.js";
export type {
  Scenario,
  ScenarioCluster,
  ScenarioElastic,
  ScenarioEvent,
  ScenarioEventType,
  ScenarioJob,
  ScenarioLocation,
  ScenarioResources,
  ScenarioTaskManager,
  ScenarioTimeouts,
  ScenarioVertex,
  SlotSelectionName,
} from "./scenario/scenario.js";
export { SCENARIO_DEFAULTS } from "./scenario/scenario-defaults.js";
export { ScenarioError, type ScenarioProblem, type ScenarioProblemCode } from "./scenario/scenario-error.js";
export { SCENARIO_LIMITS, type ScenarioLimits } from "./scenario/scenario-limits.js";
export { stringifyScenario } from "./scenario/stringify-scenario.js";
export {
  type ClusterBackend,
  JobExecution,
  type JobExecutionOptions,
  staticTaskManagers,
} from "./simulation/job-execution.js";
export { SeededRandom } from "./simulation/random.js";
export type { Assignment, Failure, SimulationReport, Summary } from "./simulation/report.js";
export { type SimulateOptions, simulate } from "./simulation/simulator.js";
export type {
  Decision,
  SimulatedTaskManager,
  SimulatedVertex,
  SimulationResult,
  TraceEvent,
} from "./simulation/trace.js";
