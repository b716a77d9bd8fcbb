export {
  type ConnectResourceManagerOptions,
  connectResourceManager,
  type ResourceManagerLink,
  type ResourceManagerLinkStats,
} from "./connect-resource-manager.js";
export {
  type ElasticOptions,
  type EmbeddedClusterState,
  EmbeddedResourceManager,
  type EmbeddedResourceManagerOptions,
  type EmbeddedResourceManagerStats,
  type EmbeddedTaskExecutorSpec,
  type EmbeddedTaskExecutorView,
  type OfferFault,
} from "./embedded-resource-manager.js";
export {
  AdapterShutDownError,
  ProtocolViolationError,
  ResourceManagerDisconnectedError,
  ResourceManagerError,
  type ResourceManagerErrorCode,
  TaskCancelledError,
  TaskExecutorDisconnectedError,
  TaskFailedError,
  WorkerStartError,
} from "./errors.js";
export { HeartbeatMonitor, type HeartbeatTarget } from "./heartbeat-monitor.js";
export {
  type LocalProcessClusterState,
  type LocalProcessLogger,
  LocalProcessResourceManager,
  type LocalProcessResourceManagerOptions,
  type LocalProcessResourceManagerStats,
  type LocalWorkerView,
} from "./local-process-resource-manager.js";
export {
  isResourceManagerBound,
  type JobMasterToTaskExecutor,
  type JsonValue,
  PROTOCOL_VERSION,
  type ResourceManagerId,
  type ResourceManagerToTaskExecutor,
  type SlotReportEntry,
  type TaskExecutorInbound,
  type TaskExecutorOutbound,
  type TaskExecutorToJobMaster,
  type TaskExecutorToResourceManager,
  type TaskOutcome,
  type TaskSpec,
  type WireSlotOffer,
} from "./protocol.js";
export {
  encodeMessage,
  type Parsed,
  parseTaskExecutorInbound,
  parseTaskExecutorMessage,
  parseWorkerConfig,
  WORKER_CONFIG_ENV,
  type WorkerConfig,
  type WorkerControl,
  type WorkerReport,
} from "./protocol-validation.js";
export type {
  JobMasterMessage,
  ResourceManagerAdapter,
  ResourceManagerSession,
  TaskExecutorConnection,
  TaskResult,
} from "./resource-manager-adapter.js";
export type {
  ResourceManagerRequestView,
  ResourceManagerSlotView,
  ResourceManagerStats,
  ResourceManagerTaskExecutorView,
  ResourceManagerView,
} from "./resource-manager-core.js";
export {
  packSlots,
  type RegisteredTaskExecutorView,
  type SlotChoice,
  type SlotChoiceStrategy,
  spreadSlots,
} from "./slot-choice-strategy.js";
export type { ConnectionStats } from "./task-executor-connections.js";
export {
  type TaskExecutorConfig,
  TaskExecutorCore,
  type TaskExecutorEnvironment,
  type TaskExecutorSlotState,
  type TaskExecutorSlotView,
  type TaskExecutorStats,
} from "./task-executor-core.js";
export { runTask } from "./task-runner.js";
