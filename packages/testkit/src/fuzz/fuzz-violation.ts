/**
 * One broken promise found by the fuzzer: which checker found it and what it saw.
 *
 * `check` is one of `pool` (core's §4 items 1–10), `sharing` (slot sharing's items 11–17),
 * `co-location` (item 18), `global` (the cross-package invariants of the fuzzer: slots, vertices,
 * co-location, capacity, slot accounting), `hostile` (a hostile message was not rejected cleanly),
 * `quiet` (something still waits after the run went quiet), `drain` (something leaked after every
 * task was released), `adapter` (the resource manager threw), or `exception` (a step threw).
 *
 * @example
 * ```ts
 * const v: FuzzViolation = { check: "global", rule: "vertex-once-per-slot", message: "alloc-3 hosts v1#0 and v1#2" };
 * ```
 */
export interface FuzzViolation {
  readonly check: string;
  /** A stable name of the rule within its check (used to recognise the same failure while shrinking). */
  readonly rule: string;
  readonly message: string;
}

/**
 * A violation's identity for shrinking: its check and rule, without the ids and numbers of the
 * message. Two failures with equal signatures are "the same bug".
 *
 * @example
 * ```ts
 * violationSignature({ check: "pool", rule: "(7)", message: "…" }); // "pool (7)"
 * ```
 */
export function violationSignature(violation: FuzzViolation): string {
  return `${violation.check} ${violation.rule}`;
}

/**
 * Wraps the problem strings of a package's invariant checker (`checkSlotPoolInvariants`,
 * `checkSharingInvariants`, `checkCoLocationInvariants`) as violations; the rule is the reference
 * item number `(N)` the message starts with (after an optional `[group]` label), else the message's
 * first words with every id or number replaced by `#`.
 *
 * @example
 * ```ts
 * fromProblems("pool", ["(7) free alloc-1@tm-1[0] belongs to unregistered TaskManager tm-1"]); // rule "(7)"
 * ```
 */
export function fromProblems(check: string, problems: readonly string[]): FuzzViolation[] {
  return problems.map((message) => {
    const item = /^(?:\[[^\]]*\] )?(\(\d+\))/.exec(message);
    const rule =
      item?.[1] ??
      message
        .replace(/\[[^\]]*\]/g, " ")
        .split(/\s+/)
        .filter((word) => word.length > 0)
        .map((word) => (/\d/.test(word) ? "#" : word))
        .slice(0, 6)
        .join(" ");
    return { check, rule, message };
  });
}
