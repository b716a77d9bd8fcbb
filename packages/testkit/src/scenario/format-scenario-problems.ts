import type { ScenarioError, ScenarioProblem } from "./scenario-error.js";

/**
 * Renders a {@link ScenarioError} for a terminal: one line per problem, `file:path: message`,
 * with the line and column when known. Without a file name the line starts at the path.
 *
 * @param error - the error (or anything with `problems` and an optional `fileName`).
 * @returns the lines joined with `\n` (no trailing newline).
 * @example
 * ```ts
 * formatScenarioProblems(error);
 * // job.yaml:job.vertices[2].parallelism: expected an integer from 1 to 32768, got -3 (line 14, column 18) [NEGATIVE]
 * ```
 */
export function formatScenarioProblems(
  error: Pick<ScenarioError, "problems"> & { readonly fileName?: string | undefined },
): string {
  return error.problems.map((problem) => formatProblem(problem, error.fileName)).join("\n");
}

function formatProblem(problem: ScenarioProblem, fileName: string | undefined): string {
  const where =
    fileName === undefined
      ? problem.path === ""
        ? ""
        : `${problem.path}: `
      : problem.path === ""
        ? `${fileName}: `
        : `${fileName}:${problem.path}: `;
  const position =
    problem.line === undefined
      ? ""
      : problem.column === undefined
        ? ` (line ${problem.line})`
        : ` (line ${problem.line}, column ${problem.column})`;
  return `${where}${problem.message}${position} [${problem.code}]`;
}
