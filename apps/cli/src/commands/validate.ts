import type { CommandSpec, ParsedArgs } from "../args.js";
import type { CommandIo } from "./io.js";
import { loadForCommand } from "./load.js";

/** `slotpool validate`. */
export const validateSpec: CommandSpec = {
  name: "validate",
  summary: "Check a scenario file and report every problem with its field path.",
  usage: "slotpool validate FILE",
  positionals: ["FILE"],
  options: {},
  examples: ["slotpool validate examples/elastic-cluster.yaml"],
};

/**
 * Runs `slotpool validate`: exit 0 and a one-line summary when valid; exit 2 and one line per
 * problem otherwise (thrown as `ScenarioError`, printed by `main`).
 *
 * @example
 * ```ts
 * await runValidate(parseCommandArgs(validateSpec, ["a.yaml"]), io);
 * ```
 */
export async function runValidate(args: ParsedArgs, io: CommandIo): Promise<number> {
  const file = args.positionals[0] as string;
  const scenario = await loadForCommand(file);
  const tasks = scenario.job.vertices.reduce((n, v) => n + v.parallelism, 0);
  const slots = scenario.cluster.taskManagers.reduce((n, tm) => n + tm.slots, 0);
  io.stdout(
    `${file}: valid — scenario ${scenario.name}, ${scenario.cluster.taskManagers.length} TaskManagers (${slots} slots), ${scenario.job.vertices.length} vertices (${tasks} tasks), ${scenario.events.length} events\n`,
  );
  return 0;
}
