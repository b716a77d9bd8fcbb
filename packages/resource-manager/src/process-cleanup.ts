import type { ChildProcess } from "node:child_process";

// Every worker process any adapter of this package started and that has not exited yet. While there
// is one, hooks on the parent's exit and on SIGINT / SIGTERM / SIGHUP kill them all (SIGKILL also
// ends a stopped process), so neither a normal exit nor Ctrl-C leaves a worker behind.

const live = new Set<ChildProcess>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

function onExit(): void {
  killAll();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  uninstall();
  // Keep the signal's usual effect when nobody else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off("exit", onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * Tracks a worker process until it exits: while any is tracked, the parent kills every tracked
 * worker when it exits or receives SIGINT, SIGTERM or SIGHUP.
 */
export function trackChildProcess(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  live.add(child);
  install();
  child.once("exit", () => {
    live.delete(child);
    if (live.size === 0) uninstall();
  });
}

/** Worker processes tracked and not exited (for tests and diagnostics). */
export function trackedChildProcessCount(): number {
  return live.size;
}
