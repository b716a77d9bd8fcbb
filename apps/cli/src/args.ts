import { parseArgs } from "node:util";
import { CliUsageError } from "./cli-error.js";

/**
 * A command-line option: a boolean flag or a string value.
 *
 * @example
 * ```ts
 * const seed: OptionSpec = { type: "string", description: "seed", valueName: "N" };
 * ```
 */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly description: string;
  readonly valueName?: string;
}

/**
 * What a command accepts, for parsing and for `--help`.
 *
 * @example
 * ```ts
 * const spec: CommandSpec = { name: "validate", summary: "check a file", usage: "slotpool validate FILE", positionals: ["FILE"], options: {} };
 * ```
 */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly string[];
}

/**
 * Parsed arguments.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArgs(spec, argv);
 * ```
 */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

const COMMON: Readonly<Record<string, OptionSpec>> = {
  help: { type: "boolean", short: "h", description: "show this help" },
  debug: { type: "boolean", description: "print stack traces of internal errors" },
};

/**
 * Parses `argv` strictly against `spec`: unknown flags, missing values and missing or extra
 * positionals are usage errors (exit code 2).
 *
 * @throws CliUsageError
 * @example
 * ```ts
 * parseCommandArgs(simulateSpec, ["examples/a.yaml", "--json"]);
 * ```
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options = { ...COMMON, ...spec.options };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(options).map(([k, o]) => [
          k,
          o.short === undefined ? { type: o.type } : { type: o.type, short: o.short },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (error) {
    throw new CliUsageError([`${parseErrorText(error as Error, argv)} (see 'slotpool ${spec.name} --help')`], {
      cause: error,
    });
  }
  if (parsed.values.help === true) return { values: parsed.values, positionals: parsed.positionals };
  const problems: string[] = [];
  if (parsed.positionals.length < spec.positionals.length) {
    problems.push(`missing ${spec.positionals.slice(parsed.positionals.length).join(" ")} (usage: ${spec.usage})`);
  } else if (parsed.positionals.length > spec.positionals.length) {
    problems.push(
      `unexpected argument(s): ${parsed.positionals.slice(spec.positionals.length).join(" ")} (usage: ${spec.usage})`,
    );
  }
  if (problems.length > 0) throw new CliUsageError(problems);
  return { values: parsed.values, positionals: parsed.positionals };
}

/**
 * Reads an optional integer flag within bounds.
 *
 * @throws CliUsageError naming the flag.
 * @example
 * ```ts
 * const seed = integerFlag(values, "seed", 0, 2 ** 32 - 1);
 * ```
 */
export function integerFlag(values: ParsedArgs["values"], name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliUsageError([`--${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`]);
  }
  return n;
}

/**
 * Renders `--help` for a command.
 *
 * @example
 * ```ts
 * process.stdout.write(helpText(simulateSpec));
 * ```
 */
export function helpText(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, "", `Usage: ${spec.usage}`, "", "Options:"];
  const all = { ...spec.options, ...COMMON };
  for (const [name, o] of Object.entries(all)) {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` ${o.valueName ?? "VALUE"}` : ""}`;
    lines.push(`  ${flag.padEnd(26)}${o.description}`);
  }
  if (spec.examples !== undefined && spec.examples.length > 0) {
    lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  }
  return `${lines.join("\n")}\n`;
}

/** node:util's parse errors as one short line (they may span several lines). */
function parseErrorText(error: Error, argv: readonly string[]): string {
  const ambiguous = /^Option '(-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(error.message);
  if (ambiguous !== undefined && ambiguous !== null) {
    const flag = ambiguous[2] ?? "";
    const value = argv[argv.indexOf(flag) + 1] ?? "-…";
    return `option '${flag}' needs a value; to pass one that starts with a dash, write ${flag}=${value}`;
  }
  const text = error.message
    .replace(/\. To specify a positional.*$/s, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
  return text.length === 0 ? text : `${text[0]?.toLowerCase()}${text.slice(1)}`;
}
