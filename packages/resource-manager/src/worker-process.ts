import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ResourceId } from "@slotpool/core";
import { trackChildProcess } from "./process-cleanup.js";
import type { TaskExecutorInbound } from "./protocol.js";
import { encodeMessage, WORKER_CONFIG_ENV, type WorkerConfig, type WorkerControl } from "./protocol-validation.js";

/** How to start worker processes. */
export interface WorkerLaunch {
  /** The worker entry module (path or URL). */
  readonly entry: string;
  /** Node options for the worker. */
  readonly execArgv: readonly string[];
  /** Extra environment variables. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The worker entry shipped with this package, and the Node options to run it: the built `.js`
 * runs as is; the `.ts` source (tests, examples, no build) runs through tsx with the workspace's
 * source condition.
 */
export function defaultWorkerLaunch(): Omit<WorkerLaunch, "env"> {
  const here = import.meta.url;
  const fromSource = here.endsWith(".ts");
  const entry = fileURLToPath(new URL(`./worker/task-executor-worker.${fromSource ? "ts" : "js"}`, here));
  if (!fromSource) return { entry, execArgv: [] };
  let tsx = "tsx";
  try {
    tsx = pathToFileURL(createRequire(here).resolve("tsx")).href;
  } catch {
    // Fall back to resolving "tsx" from the working directory.
  }
  return { entry, execArgv: ["--import", tsx, "--conditions=@slotpool/source"] };
}

/** Handle of one forked worker: send validated-format messages, kill, observe its exit. */
export class WorkerProcess {
  readonly resourceId: ResourceId;
  readonly child: ChildProcess;
  /** Set once the process exited. */
  exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;
  /** Resolves when the process exited. */
  readonly exited: Promise<void>;

  constructor(
    config: WorkerConfig,
    launch: WorkerLaunch,
    onMessage: (raw: unknown) => void,
    onExit: (code: number | null, signal: NodeJS.Signals | null) => void,
  ) {
    this.resourceId = config.resourceId;
    this.child = fork(launch.entry, [], {
      execArgv: [...launch.execArgv],
      env: { ...process.env, ...launch.env, [WORKER_CONFIG_ENV]: JSON.stringify(config) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "json",
    });
    trackChildProcess(this.child);
    this.exited = new Promise<void>((resolve) => {
      this.child.once("exit", (code, signal) => {
        const first = this.exit === undefined;
        this.exit = { code, signal };
        resolve();
        if (first) onExit(code, signal);
      });
      this.child.once("error", () => {
        if (this.child.pid === undefined) resolve();
      });
    });
    this.child.on("message", onMessage);
    this.child.on("error", () => {
      // A process that could not be spawned never emits "exit": report it as exited.
      if (this.child.pid === undefined && this.exit === undefined) {
        this.exit = { code: null, signal: null };
        onExit(null, null);
      }
    });
  }

  /** The process id (undefined if spawning failed). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process exited. */
  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Sends a message (with the protocol version). Returns false when the channel is closed. */
  send(message: TaskExecutorInbound | WorkerControl): boolean {
    if (!this.alive || !this.child.connected) return false;
    try {
      return this.child.send(encodeMessage(message));
    } catch {
      return false;
    }
  }

  /** Sends a signal (default SIGKILL). */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (!this.alive) return;
    try {
      this.child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}
