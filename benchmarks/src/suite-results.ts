import type { HarnessSettings } from "./harness.js";
import type { MachineInfo } from "./machine.js";
import type { WorkloadReport } from "./workload.js";

/**
 * One workload's entry in the results.
 *
 * @example
 * ```ts
 * const w: WorkloadResult = { id: "W2", title, summary, durationMs: 41_000, measurements: [] };
 * ```
 */
export interface WorkloadResult extends WorkloadReport {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly durationMs: number;
  /** Set when the workload threw; its rows are then missing. */
  readonly error?: string;
}

/**
 * Everything one suite run found: the content of `benchmarks/results.json`.
 *
 * @example
 * ```ts
 * const results: SuiteResults = JSON.parse(readFileSync("benchmarks/results.json", "utf8"));
 * ```
 */
export interface SuiteResults {
  readonly schemaVersion: 1;
  /** ISO date and time the run started. */
  readonly date: string;
  readonly mode: "full" | "smoke";
  /** How `@slotpool/*` was loaded: `dist` (compiled JavaScript, what users run) or `source` (TypeScript through tsx). */
  readonly libraryBuild: string;
  readonly machine: MachineInfo;
  readonly node: string;
  readonly harness: HarnessSettings;
  readonly durationMs: number;
  /** Load averages when the run ended. */
  readonly loadAverageAtEnd: readonly number[];
  readonly workloads: readonly WorkloadResult[];
  readonly summary: {
    readonly targets: number;
    readonly passed: number;
    readonly missed: number;
    readonly errors: number;
  };
}
