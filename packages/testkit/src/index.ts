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
