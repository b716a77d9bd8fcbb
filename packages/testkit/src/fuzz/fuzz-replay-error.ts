import { SlotPoolError } from "@slotpool/core";

/**
 * A fuzz replay file could not be read: not JSON, or not a replay (`problems` names each bad field).
 *
 * @example
 * ```ts
 * try { parseFuzzReplay(text); } catch (e) { if (e instanceof FuzzReplayError) console.error(e.problems); }
 * ```
 */
export class FuzzReplayError extends SlotPoolError<"FUZZ_REPLAY_INVALID"> {
  override readonly name = "FuzzReplayError";
  /** One line per problem: `path: what was wrong`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super("FUZZ_REPLAY_INVALID", `not a valid fuzz replay:\n- ${problems.join("\n- ")}`, options);
    this.problems = problems;
  }
}
