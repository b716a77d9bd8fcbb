import type { ScenarioProblemCode } from "./scenario-error.js";
import type { PathSegment } from "./scenario-path.js";

/**
 * A problem before it is located in the source: a path (and/or a character offset) plus code and
 * message. Internal to the scenario loader.
 *
 * @internal
 */
export interface PendingProblem {
  readonly segments: readonly PathSegment[];
  readonly code: ScenarioProblemCode;
  readonly message: string;
  /** Character offset in the text, when the problem is about the text itself (syntax). */
  readonly offset?: number;
  /** Locate the key of the last segment rather than its value (unknown fields, duplicate keys). */
  readonly atKey?: boolean;
}

/**
 * Shorthand for a pending problem at a path.
 *
 * @internal
 */
export function problem(
  segments: readonly PathSegment[],
  code: ScenarioProblemCode,
  message: string,
  atKey?: boolean,
): PendingProblem {
  return atKey === true ? { segments, code, message, atKey } : { segments, code, message };
}

/**
 * Appends `source` to `target` (a loop, not `push(...spread)`, which overflows on huge lists).
 *
 * @internal
 */
export function addProblems(target: PendingProblem[], source: readonly PendingProblem[]): void {
  for (const p of source) target.push(p);
}

/**
 * Element-by-element validation of long lists stops once this many problems are pending (ten
 * times what is reported), so hostile inputs with millions of mistakes stay cheap to reject.
 *
 * @internal
 */
export const PROBLEM_BUDGET = 1_000;
