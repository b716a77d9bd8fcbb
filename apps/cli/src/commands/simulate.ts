import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { simulate } from "@slotpool/testkit";
import { type CommandSpec, integerFlag, type ParsedArgs } from "../args.js";
import { CliUsageError } from "../cli-error.js";
import { renderHtmlReport } from "../render/html-report.js";
import { renderTextReport } from "../render/text-report.js";
import type { CommandIo } from "./io.js";
import { loadForCommand } from "./load.js";

/** `slotpool simulate`. */
export const simulateSpec: CommandSpec = {
  name: "simulate",
  summary: "Simulate a scenario on virtual time and show where every task goes.",
  usage: "slotpool simulate FILE [--json] [--html OUT] [--seed N] [--all]",
  positionals: ["FILE"],
  options: {
    json: { type: "boolean", description: "print the JSON document (DESIGN.md) instead of text" },
    html: { type: "string", valueName: "OUT", description: "also write a self-contained HTML report to OUT" },
    seed: { type: "string", valueName: "N", description: "override the scenario's seed (integer ≥ 0)" },
    all: { type: "boolean", description: "list every TaskManager in the text placement table" },
  },
  examples: [
    "slotpool simulate examples/streaming-wordcount.yaml",
    "slotpool simulate examples/large.yaml --json > out.json",
    "slotpool simulate examples/failure-story.yaml --html report.html",
  ],
};

/**
 * Runs `slotpool simulate`.
 *
 * @example
 * ```ts
 * await runSimulate(parseCommandArgs(simulateSpec, ["a.yaml"]), io);
 * ```
 */
export async function runSimulate(args: ParsedArgs, io: CommandIo): Promise<number> {
  const file = args.positionals[0] as string;
  const seed = integerFlag(args.values, "seed", 0, 2 ** 32 - 1);
  const scenario = await loadForCommand(file);
  const result = simulate(scenario, seed === undefined ? {} : { seed });
  const html = args.values.html;
  if (typeof html === "string") {
    if (html.length === 0) throw new CliUsageError(["--html: expected an output file path"]);
    try {
      await mkdir(dirname(html), { recursive: true });
      await writeFile(html, renderHtmlReport(result));
    } catch (error) {
      throw new CliUsageError([`--html ${html}: cannot write the report (${(error as Error).message})`], {
        cause: error,
      });
    }
  }
  if (args.values.json === true) {
    io.stdout(`${JSON.stringify(result.report, null, 2)}\n`);
  } else {
    io.stdout(
      renderTextReport(result, {
        color: io.color,
        maxTaskManagers: args.values.all === true ? Number.POSITIVE_INFINITY : 40,
      }),
    );
    if (typeof html === "string") io.stdout(`HTML report written to ${html}\n`);
  }
  return 0;
}
