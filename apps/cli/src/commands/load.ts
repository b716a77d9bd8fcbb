import { access } from "node:fs/promises";
import { loadScenarioFile, type Scenario } from "@slotpool/testkit";
import { CliUsageError } from "../cli-error.js";

/**
 * Loads and validates a scenario file for a command. A missing or unreadable file is a usage error;
 * an invalid one throws the testkit's `ScenarioError` (both exit 2).
 *
 * @example
 * ```ts
 * const scenario = await loadForCommand("examples/streaming-wordcount.yaml");
 * ```
 */
export async function loadForCommand(file: string): Promise<Scenario> {
  try {
    await access(file);
  } catch (error) {
    throw new CliUsageError([`${file}: no such file (or it cannot be read)`], { cause: error });
  }
  return loadScenarioFile(file);
}
