import { fileURLToPath } from "node:url";

/**
 * What `pnpm bench` was asked to do.
 *
 * @example
 * ```ts
 * const o: CliOptions = parseCliOptions(["--smoke", "--only", "W2"], {});
 * ```
 */
export interface CliOptions {
  readonly smoke: boolean;
  readonly only: readonly string[];
  readonly outFile: string;
  readonly help: boolean;
}

/** `benchmarks/results.json`, next to this package's `src`. */
const DEFAULT_OUT = fileURLToPath(new URL("../results.json", import.meta.url));

/**
 * Usage text of `pnpm bench`.
 *
 * @example
 * ```ts
 * console.log(USAGE);
 * ```
 */
export const USAGE = `Usage: pnpm bench [-- options]

  --smoke            tiny sizes, 2 rounds: checks that every workload runs (also BENCH_SMOKE=1)
  --only W1,W2       run only these workloads (repeatable; also BENCH_ONLY=W1,W2)
  --out FILE         where to write the results JSON (default benchmarks/results.json)
  --help             this text`;

/**
 * Thrown for a bad command line; `main` prints it with the usage and exits with code 2.
 *
 * @example
 * ```ts
 * try { parseCliOptions(["--bogus"], {}); } catch (e) { if (e instanceof CliUsageError) process.exitCode = 2; }
 * ```
 */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
  readonly code = "USAGE";
}

/**
 * Parses the command line (a lone `--` from `pnpm bench -- …` is ignored) and the
 * `BENCH_SMOKE` / `BENCH_ONLY` environment variables.
 *
 * @throws CliUsageError for an unknown option or a missing value.
 * @example
 * ```ts
 * parseCliOptions(["--", "--only=W1,W5"], {}).only; // ["W1", "W5"]
 * ```
 */
export function parseCliOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliOptions {
  let smoke = env.BENCH_SMOKE !== undefined && env.BENCH_SMOKE !== "" && env.BENCH_SMOKE !== "0";
  const only: string[] = splitIds(env.BENCH_ONLY ?? "");
  let outFile = DEFAULT_OUT;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new CliUsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--":
        break;
      case "--smoke":
        smoke = true;
        break;
      case "--only":
        only.push(...splitIds(value()));
        break;
      case "--out":
        outFile = value();
        break;
      case "--help":
      case "-h":
        help = true;
        break;
      default:
        throw new CliUsageError(`unknown option ${arg}`);
    }
  }
  return { smoke, only, outFile, help };
}

function splitIds(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
