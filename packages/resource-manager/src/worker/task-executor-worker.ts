// The entry of a local-process TaskExecutor: forked by LocalProcessResourceManager with an IPC
// channel. It runs a TaskExecutorCore on real time, validates every message it receives (a
// malformed one is reported and dropped, never fatal), and exits when the parent goes away.
import { asyncScheduler } from "rxjs";
import type { TaskExecutorOutbound } from "../protocol.js";
import {
  encodeMessage,
  parseTaskExecutorInbound,
  parseWorkerConfig,
  WORKER_CONFIG_ENV,
  type WorkerReport,
} from "../protocol-validation.js";
import { TaskExecutorCore } from "../task-executor-core.js";
import { runTask } from "../task-runner.js";

function send(message: TaskExecutorOutbound | WorkerReport): void {
  if (process.send === undefined || !process.connected) return;
  try {
    process.send(encodeMessage(message), undefined, undefined, (error: Error | null) => {
      if (error !== null) process.exitCode = 1;
    });
  } catch {
    // The channel closed meanwhile: the "disconnect" handler ends the process.
  }
}

const parsed = parseWorkerConfig(process.env[WORKER_CONFIG_ENV]);
if (!parsed.ok) {
  process.stderr.write(`slotpool task executor: invalid configuration: ${parsed.error}\n`);
  process.exit(2);
}
const config = parsed.value;

const core = new TaskExecutorCore(config, {
  scheduler: asyncScheduler,
  send,
  runTask: (task) => runTask(task, asyncScheduler),
  // Slots reserved by messages that arrived together are offered in one round.
  defer: queueMicrotask,
});

process.on("message", (raw: unknown) => {
  const message = parseTaskExecutorInbound(raw);
  if (!message.ok) {
    send({ type: "log", level: "warn", message: `${config.resourceId} dropped a malformed message: ${message.error}` });
    return;
  }
  if (message.value.type === "shutdown") {
    core.stop();
    process.disconnect();
    return;
  }
  try {
    core.receive(message.value);
  } catch (error) {
    send({
      type: "log",
      level: "warn",
      message: `${config.resourceId} failed to handle ${message.value.type}: ${String(error)}`,
    });
  }
});

// No orphans: when the resource manager's process goes away, so does this one.
process.on("disconnect", () => {
  core.stop();
  process.exit(0);
});

if (config.maxLifetimeMs !== null) {
  asyncScheduler.schedule(() => process.exit(0), config.maxLifetimeMs);
}

core.start();
