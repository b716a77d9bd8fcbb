import { SlotPoolError } from "@slotpool/core";

/**
 * The stable codes of scenario problems. Match on these, never on messages.
 *
 * | code | meaning |
 * | --- | --- |
 * | `EMPTY_INPUT` | nothing but whitespace, comments or a byte-order mark |
 * | `NOT_UTF8` | the bytes are not valid UTF-8 |
 * | `NOT_TEXT` | control characters (NUL and friends): binary data, not a text file |
 * | `SYNTAX` | a YAML or JSON syntax error (with line and column) |
 * | `DUPLICATE_KEY` | a key appears twice in one mapping |
 * | `MULTIPLE_DOCUMENTS` | a YAML stream with more than one document |
 * | `NOT_AN_OBJECT` | the top level is a list or a scalar, not a mapping |
 * | `REQUIRED` | a required field is missing |
 * | `TYPE` | a value of the wrong type |
 * | `INVALID_VALUE` | a value outside a fixed set (e.g. `slotSelection`), or a string with control characters |
 * | `NOT_INTEGER` | a fraction where an integer is needed |
 * | `NEGATIVE` | a negative number |
 * | `TOO_SMALL` | zero where at least one is needed, an empty string or list |
 * | `NOT_FINITE` | NaN or ±Infinity (YAML `.nan`, `.inf`, or an overflowing literal) |
 * | `LIMIT` | beyond a documented limit of {@link SCENARIO_LIMITS} |
 * | `TOO_DEEP` | nested deeper than {@link SCENARIO_LIMITS}`.depth` |
 * | `UNKNOWN_FIELD` | a key the format does not know (with a "did you mean" when one is close) |
 * | `DUPLICATE_ID` | two TaskManagers or two vertices with one id |
 * | `UNKNOWN_REFERENCE` | a preferred location or event naming a TaskManager that is not declared |
 * | `CONFLICT` | fields that exclude each other, or an event with more than one action |
 * | `LENGTH_MISMATCH` | per-subtask preferred locations whose count differs from the parallelism |
 * | `CO_LOCATION_WITHOUT_SHARING_GROUP` | a `coLocationGroup` on a vertex without `slotSharingGroup` |
 * | `CO_LOCATION_PARALLELISM_MISMATCH` | vertices of one co-location group with different parallelism |
 * | `CO_LOCATION_SHARING_GROUP_MISMATCH` | vertices of one co-location group in different sharing groups |
 * | `FILE_NOT_READABLE` | {@link loadScenarioFile} could not read the file |
 * | `TOO_MANY_PROBLEMS` | more than {@link SCENARIO_LIMITS}`.problems` problems; the rest are counted here |
 *
 * @example
 * ```ts
 * if (error.problems.some((p) => p.code === "UNKNOWN_REFERENCE")) showCluster();
 * ```
 */
export type ScenarioProblemCode =
  | "EMPTY_INPUT"
  | "NOT_UTF8"
  | "NOT_TEXT"
  | "SYNTAX"
  | "DUPLICATE_KEY"
  | "MULTIPLE_DOCUMENTS"
  | "NOT_AN_OBJECT"
  | "REQUIRED"
  | "TYPE"
  | "INVALID_VALUE"
  | "NOT_INTEGER"
  | "NEGATIVE"
  | "TOO_SMALL"
  | "NOT_FINITE"
  | "LIMIT"
  | "TOO_DEEP"
  | "UNKNOWN_FIELD"
  | "DUPLICATE_ID"
  | "UNKNOWN_REFERENCE"
  | "CONFLICT"
  | "LENGTH_MISMATCH"
  | "CO_LOCATION_WITHOUT_SHARING_GROUP"
  | "CO_LOCATION_PARALLELISM_MISMATCH"
  | "CO_LOCATION_SHARING_GROUP_MISMATCH"
  | "FILE_NOT_READABLE"
  | "TOO_MANY_PROBLEMS";

/**
 * One thing wrong with a scenario: where (the field path), what (a sentence saying what was
 * expected and what was found) and a stable code.
 *
 * @example
 * ```ts
 * const p: ScenarioProblem = {
 *   path: "job.vertices[2].parallelism",
 *   code: "NEGATIVE",
 *   message: "expected an integer from 1 to 32768, got -3",
 *   line: 14,
 *   column: 18,
 * };
 * ```
 */
export interface ScenarioProblem {
  /** The field path, e.g. `job.vertices[2].parallelism`; `""` for the input as a whole. */
  readonly path: string;
  /** What was expected and what was found. */
  readonly message: string;
  /** The stable code. */
  readonly code: ScenarioProblemCode;
  /** 1-based line in the input, when known. */
  readonly line?: number;
  /** 1-based column in the input, when known. */
  readonly column?: number;
}

/**
 * A scenario file (or text) is invalid. Carries **every** problem found, not just the first.
 *
 * @example
 * ```ts
 * try {
 *   parseScenario(text, { fileName: "job.yaml" });
 * } catch (e) {
 *   if (e instanceof ScenarioError) console.error(formatScenarioProblems(e));
 * }
 * ```
 */
export class ScenarioError extends SlotPoolError<"SCENARIO_INVALID"> {
  override readonly name = "ScenarioError";
  /** Every problem, in document order of discovery. Never empty. */
  readonly problems: readonly ScenarioProblem[];
  /** The file name given to the parser, if any. */
  readonly fileName: string | undefined;

  /**
   * @param problems - every problem found (at least one).
   * @param fileName - the file the input came from, shown in messages.
   * @param options - `cause`: the underlying error (a file-system error, say).
   */
  constructor(problems: readonly ScenarioProblem[], fileName?: string, options?: { cause?: unknown }) {
    super("SCENARIO_INVALID", summarize(problems, fileName), options);
    this.problems = Object.freeze(problems.map((p) => Object.freeze({ ...p })));
    this.fileName = fileName;
  }
}

function summarize(problems: readonly ScenarioProblem[], fileName: string | undefined): string {
  const where = fileName === undefined ? "Invalid scenario" : `Invalid scenario ${fileName}`;
  const head = problems.length === 1 ? `${where}: 1 problem` : `${where}: ${problems.length} problems`;
  const shown = problems.slice(0, 5).map((p) => `\n- ${p.path === "" ? "" : `${p.path}: `}${p.message} [${p.code}]`);
  const more = problems.length > 5 ? `\n- … and ${problems.length - 5} more` : "";
  return head + shown.join("") + more;
}
