import { SlotPoolError } from "@slotpool/core";

/**
 * A usage problem (bad flag, missing file, invalid input): printed as one clear message per
 * problem, exit code 2, never a stack trace.
 *
 * @example
 * ```ts
 * throw new CliUsageError(["--seed: expected an integer ≥ 0, got \"x\""]);
 * ```
 */
export class CliUsageError extends SlotPoolError<"CLI_USAGE"> {
  override readonly name = "CliUsageError";
  /** One line per problem. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super("CLI_USAGE", problems.join("\n"), options);
    this.problems = problems;
  }
}
