import { readFile, stat } from "node:fs/promises";
import { type ParseScenarioOptions, parseScenario } from "./parse-scenario.js";
import type { Scenario } from "./scenario.js";
import { ScenarioError } from "./scenario-error.js";
import { SCENARIO_LIMITS } from "./scenario-limits.js";

/**
 * Reads a scenario file (Node.js) and parses it with {@link parseScenario}; the path becomes the
 * file name in problems, picks JSON for `.json` files, and names the scenario by default. The
 * size is checked before the file is read.
 *
 * @param path - the file to read.
 * @param options - `format` overrides the choice by extension.
 * @returns the validated, normalized scenario.
 * @throws ScenarioError with `FILE_NOT_READABLE` (and the file-system error as `cause`) when the
 * file cannot be read, `LIMIT` when it is too large, or the problems of the content.
 * @example
 * ```ts
 * const scenario = await loadScenarioFile("examples/streaming-wordcount.yaml");
 * console.log(scenario.name, scenario.job.vertices.length);
 * ```
 */
export async function loadScenarioFile(
  path: string,
  options?: Pick<ParseScenarioOptions, "format">,
): Promise<Scenario> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ScenarioError([notReadable(path, "it is not a regular file")], path);
    if (info.size > SCENARIO_LIMITS.inputBytes) {
      throw new ScenarioError(
        [
          {
            path: "",
            code: "LIMIT",
            message: `the file is ${info.size} bytes long; the limit is ${SCENARIO_LIMITS.inputBytes} bytes (${SCENARIO_LIMITS.inputBytes / 1024 / 1024} MiB)`,
          },
        ],
        path,
      );
    }
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    const reason = (error as { code?: unknown }).code === "ENOENT" ? "it does not exist" : String(error);
    throw new ScenarioError([notReadable(path, reason)], path, { cause: error });
  }
  return parseScenario(
    bytes,
    options?.format === undefined ? { fileName: path } : { fileName: path, format: options.format },
  );
}

function notReadable(path: string, reason: string): { path: string; code: "FILE_NOT_READABLE"; message: string } {
  return { path: "", code: "FILE_NOT_READABLE", message: `cannot read the scenario file ${path}: ${reason}` };
}
