import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandSpec, ParsedArgs } from "../args.js";
import { CliUsageError } from "../cli-error.js";
import type { CommandIo } from "./io.js";

/** `slotpool bench`. */
export const benchSpec: CommandSpec = {
  name: "bench",
  summary: "Run the benchmark suite (from a checkout of the slotpool repository) and print its table.",
  usage: "slotpool bench [--smoke] [--only W]",
  positionals: [],
  options: {
    smoke: { type: "boolean", description: "tiny sizes: checks the suite runs (seconds, not minutes)" },
    only: { type: "string", valueName: "W", description: "run one workload (e.g. W2)" },
  },
  examples: ["slotpool bench", "slotpool bench --only W1"],
};

/**
 * Finds `benchmarks/src/main.ts` above this file (the suite lives in the repository, not in the
 * published CLI).
 *
 * @example
 * ```ts
 * findBenchmarkEntry(); // "/repo/benchmarks/src/main.ts" or undefined
 * ```
 */
export function findBenchmarkEntry(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, "benchmarks", "src", "main.ts");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * Runs `slotpool bench`: the suite in a child Node process with `--expose-gc`, output passed through.
 *
 * @example
 * ```ts
 * await runBench(parseCommandArgs(benchSpec, ["--smoke"]), io);
 * ```
 */
export async function runBench(args: ParsedArgs, _io: CommandIo): Promise<number> {
  const entry = findBenchmarkEntry();
  if (entry === undefined) {
    throw new CliUsageError([
      "the benchmark suite is not here: run `slotpool bench` from a clone of the slotpool repository",
    ]);
  }
  const extra: string[] = [];
  if (args.values.smoke === true) extra.push("--smoke");
  if (typeof args.values.only === "string") extra.push("--only", args.values.only);
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--conditions=@slotpool/source", entry, ...extra],
    { cwd: dirname(dirname(entry)), stdio: "inherit" },
  );
  return new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
