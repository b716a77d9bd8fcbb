import { runScenario } from "@slotpool/testkit";
import { type CommandSpec, integerFlag, type ParsedArgs } from "../args.js";
import { createProgressView } from "../render/progress.js";
import { renderTextReport } from "../render/text-report.js";
import type { CommandIo } from "./io.js";
import { loadForCommand } from "./load.js";

/** `slotpool run`. */
export const runSpec: CommandSpec = {
  name: "run",
  summary:
    "Run a scenario for real on local worker processes (tasks sleep their duration; events are simulation-only).",
  usage: "slotpool run FILE [--workers N] [--json]",
  positionals: ["FILE"],
  options: {
    workers: {
      type: "string",
      valueName: "N",
      description: "worker processes at most (1–64; default: the scenario's TaskManagers, at most 8)",
    },
    json: { type: "boolean", description: "print the final summary as the JSON document of `simulate --json`" },
  },
  examples: ["slotpool run examples/streaming-wordcount.yaml --workers 2"],
};

/**
 * Runs `slotpool run`. Ctrl-C (SIGINT) or SIGTERM stops the run cleanly: every worker process is
 * shut down, the result so far is printed, and the exit code is 130.
 *
 * @example
 * ```ts
 * await runRun(parseCommandArgs(runSpec, ["a.yaml", "--workers", "2"]), io);
 * ```
 */
export async function runRun(args: ParsedArgs, io: CommandIo): Promise<number> {
  const file = args.positionals[0] as string;
  const workers = integerFlag(args.values, "workers", 1, 64);
  const scenario = await loadForCommand(file);
  if (scenario.events.length > 0) {
    io.stderr(
      `note: the scenario's ${scenario.events.length} event(s) are simulation-only; \`run\` notes them but does not apply them\n`,
    );
  }
  const controller = new AbortController();
  const stop = (): void => {
    if (!controller.signal.aborted) io.stderr("\nstopping: shutting down the workers…\n");
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const view = createProgressView({ tty: io.tty, write: io.stderr });
  try {
    const { result, aborted, workerPids } = await runScenario(scenario, {
      ...(workers === undefined ? {} : { workers }),
      signal: controller.signal,
      onProgress: (p) => view.update(p),
      log: (line) => io.stderr(`worker: ${line}\n`),
    });
    view.stop();
    if (args.values.json === true) io.stdout(`${JSON.stringify(result.report, null, 2)}\n`);
    else {
      io.stdout(renderTextReport(result, { color: io.color }));
      io.stdout(`${workerPids.length} worker process(es) ran; all have exited.\n`);
    }
    if (aborted) {
      io.stderr("run stopped before it was done (interrupted)\n");
      return 130;
    }
    return 0;
  } finally {
    view.stop();
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
