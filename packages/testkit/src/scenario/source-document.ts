import type { PendingProblem } from "./pending-problem.js";
import type { PathSegment } from "./scenario-path.js";

/**
 * One path to find in the source: its value, or (`atKey`) its key.
 *
 * @internal
 */
export interface LocateRequest {
  readonly segments: readonly PathSegment[];
  readonly atKey: boolean;
}

/**
 * Finds the character offsets of paths in the source (the nearest existing ancestor when a path is missing).
 *
 * @internal
 */
export type Locator = (requests: readonly LocateRequest[]) => (number | undefined)[];

/**
 * A parsed document: its plain value and a locator, or the problems that stop validation.
 *
 * @internal
 */
export type SourceDocument =
  | { readonly ok: true; readonly value: unknown; readonly locate: Locator }
  | { readonly ok: false; readonly problems: readonly PendingProblem[] };
