import { readFileSync } from "node:fs";
import { isSlotPoolError } from "@slotpool/core";
import { formatScenarioProblems, ScenarioError } from "@slotpool/testkit";
import { type CommandSpec, helpText, type ParsedArgs, parseCommandArgs } from "./args.js";
import { CliUsageError } from "./cli-error.js";
import { benchSpec, runBench } from "./commands/bench.js";
import { explainSpec, runExplain } from "./commands/explain.js";
import type { CommandIo } from "./commands/io.js";
import { runRun, runSpec } from "./commands/run.js";
import { runSimulate, simulateSpec } from "./commands/simulate.js";
import { runValidate, validateSpec } from "./commands/validate.js";

type Runner = (args: ParsedArgs, io: CommandIo) => Promise<number>;

const COMMANDS: ReadonlyArray<readonly [CommandSpec, Runner]> = [
  [simulateSpec, runSimulate],
  [explainSpec, runExplain],
  [validateSpec, runValidate],
  [runSpec, runRun],
  [benchSpec, runBench],
];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function rootHelp(): string {
  const lines = [
    "slotpool — place tasks onto slots the way Apache Flink does: simulate, explain, run and benchmark.",
    "",
    "Usage: slotpool <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map(([spec]) => `  ${spec.name.padEnd(10)}${spec.summary}`),
    "",
    "Options:",
    "  -h, --help      show help (also: slotpool <command> --help)",
    "  -v, --version   print the version",
    "",
    "Exit codes: 0 ok, 2 invalid input (file, flags), 1 internal error.",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The CLI: runs one command and returns its exit code. Usage errors and invalid files print one
 * line per problem and return 2; internal errors print a short message (stack with `--debug`) and
 * return 1.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), io);
 * ```
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const debug = argv.includes("--debug");
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      io.stderr(rootHelp());
      return 2;
    }
    if (name === "--help" || name === "-h" || name === "help") {
      io.stdout(rootHelp());
      return 0;
    }
    if (name === "--version" || name === "-v") {
      io.stdout(`${version()}\n`);
      return 0;
    }
    const entry = COMMANDS.find(([spec]) => spec.name === name);
    if (entry === undefined) {
      throw new CliUsageError([
        `unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.map(([s]) => s.name).join(", ")})`,
      ]);
    }
    const [spec, run] = entry;
    const args = parseCommandArgs(spec, rest);
    if (args.values.help === true) {
      io.stdout(helpText(spec));
      return 0;
    }
    return await run(args, io);
  } catch (error) {
    if (error instanceof ScenarioError || isSlotPoolError(error, "SCENARIO_INVALID")) {
      io.stderr(`${formatScenarioProblems(error as ScenarioError)}\n`);
      return 2;
    }
    if (error instanceof CliUsageError || isSlotPoolError(error, "CLI_USAGE")) {
      for (const p of (error as CliUsageError).problems) io.stderr(`slotpool: ${p}\n`);
      return 2;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    io.stderr(`slotpool: internal error: ${e.message}\n`);
    if (debug && e.stack !== undefined) io.stderr(`${e.stack}\n`);
    else io.stderr("(run again with --debug for the stack trace)\n");
    return 1;
  }
}
