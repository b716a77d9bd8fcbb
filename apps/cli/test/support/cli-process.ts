// Spawns the real `slotpool` CLI (from sources, through tsx) and captures its exit and output.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root (the CLI runs from here, as `pnpm slotpool` does). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../../../", import.meta.url));
/** The CLI entry. */
export const CLI_MAIN: string = `${REPO_ROOT}apps/cli/src/main.ts`;

/** The outcome of one CLI process. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A CLI process still running: its output so far and its outcome. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exited; rejects (after killing it) when it ran longer than the limit. */
  readonly done: Promise<CliResult>;
}

/**
 * Starts `node --import tsx --conditions=@slotpool/source apps/cli/src/main.ts ...args` in the
 * repository root with pipes (not a TTY) and no colours. The process is SIGKILLed if it runs
 * longer than `limitMs`.
 */
export function startCli(args: readonly string[], limitMs = 45_000): CliProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@slotpool/source", CLI_MAIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding("utf8").on("data", (s: string) => {
    err += s;
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`slotpool ${args.join(" ")} ran longer than ${limitMs} ms; killed.\nstderr: ${err}`));
    }, limitMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  if (child.pid === undefined) throw new Error("could not spawn node");
  return { child, pid: child.pid, stdout: () => out, stderr: () => err, done };
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], limitMs?: number): Promise<CliResult> {
  return startCli(args, limitMs).done;
}

/** Child process ids of `pid` (from /proc), with their command lines. */
export function childProcesses(pid: number): { pid: number; cmdline: string }[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const task of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (text !== "") children.push(...text.split(/\s+/).map(Number));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return children.map((child) => {
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${child}/cmdline`, "utf8").replaceAll("\0", " ");
    } catch {
      // Exited meanwhile.
    }
    return { pid: child, cmdline };
  });
}

/** True while a process with this id exists (zombies included). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Polls `condition` every `everyMs` until it returns a value other than undefined, or throws after `limitMs`. */
export async function waitFor<T>(
  what: string,
  condition: () => T | undefined,
  limitMs: number,
  everyMs = 100,
  diagnose: () => string = () => "",
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = condition();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}\n${diagnose()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** No stack-trace lines ("    at fn (file:1:2)") in the text. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(\(|:\d+:\d+)/m.test(text);
}
