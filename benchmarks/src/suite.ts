import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import { FULL_HARNESS, type HarnessSettings, SMOKE_HARNESS } from "./harness.js";
import { libraryBuild } from "./library-build.js";
import { describeMachine } from "./machine.js";
import { WORKLOADS } from "./registry.js";
import type { SuiteResults, WorkloadResult } from "./suite-results.js";
import type { Workload, WorkloadContext } from "./workload.js";

/**
 * Options of {@link runSuite}.
 *
 * @example
 * ```ts
 * await runSuite({ smoke: true, only: ["W2"], outFile: "/tmp/results.json" });
 * ```
 */
export interface SuiteOptions {
  /** Tiny sizes and few rounds (default false). */
  readonly smoke?: boolean;
  /** Workload ids to run (case-insensitive); default all. */
  readonly only?: readonly string[];
  /** Where to write the results JSON; default: not written. */
  readonly outFile?: string;
  /** Progress lines; default none. */
  readonly log?: (message: string) => void;
  /** The workloads to choose from; default {@link WORKLOADS}. */
  readonly workloads?: readonly Workload[];
  /** Overrides the harness settings of the mode. */
  readonly harness?: HarnessSettings;
}

/**
 * Thrown by {@link selectWorkloads} for an unknown `--only` id.
 *
 * @example
 * ```ts
 * try { selectWorkloads(WORKLOADS, ["W9"]); } catch (e) { if (e instanceof UnknownWorkloadError) console.error(e.message); }
 * ```
 */
export class UnknownWorkloadError extends Error {
  override readonly name = "UnknownWorkloadError";
  readonly code = "UNKNOWN_WORKLOAD";
}

/**
 * The workloads whose ids are in `only` (all when `only` is empty or undefined), in registry order.
 *
 * @throws UnknownWorkloadError naming the unknown ids and the known ones.
 * @example
 * ```ts
 * selectWorkloads(WORKLOADS, ["w2", "W4"]).map((w) => w.id); // ["W2", "W4"]
 * ```
 */
export function selectWorkloads(all: readonly Workload[], only: readonly string[] | undefined): Workload[] {
  if (only === undefined || only.length === 0) return [...all];
  const wanted = new Set(only.map((id) => id.trim().toUpperCase()).filter((id) => id.length > 0));
  const known = new Set(all.map((w) => w.id.toUpperCase()));
  const unknown = [...wanted].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new UnknownWorkloadError(
      `Unknown workload ${unknown.join(", ")}; known: ${all.map((w) => w.id).join(", ")}.`,
    );
  }
  return all.filter((w) => wanted.has(w.id.toUpperCase()));
}

/**
 * Runs the selected workloads one after another and collects their results. A workload that
 * throws is recorded with its error and the suite goes on. Writes the JSON when `outFile` is set.
 *
 * @example
 * ```ts
 * const results = await runSuite({ smoke: true, outFile: join(tmpdir(), "results.json") });
 * console.log(results.summary);
 * ```
 */
export async function runSuite(options: SuiteOptions = {}): Promise<SuiteResults> {
  const smoke = options.smoke ?? false;
  const selected = selectWorkloads(options.workloads ?? WORKLOADS, options.only);
  const harness = options.harness ?? (smoke ? SMOKE_HARNESS : FULL_HARNESS);
  const log = options.log ?? (() => {});
  const machine = describeMachine();
  const date = new Date().toISOString();
  const started = performance.now();
  const ctx: WorkloadContext = { smoke, harness, log };
  const workloads: WorkloadResult[] = [];
  for (const workload of selected) {
    log(`${workload.id}: ${workload.title}…`);
    const t0 = performance.now();
    const base = { id: workload.id, title: workload.title, summary: workload.summary };
    try {
      const report = await workload.run(ctx);
      workloads.push({ ...base, durationMs: Math.round(performance.now() - t0), ...report });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${workload.id} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
      workloads.push({ ...base, durationMs: Math.round(performance.now() - t0), measurements: [], error: message });
    }
    log(`${workload.id}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const outcomes = workloads.flatMap((w) => [
    ...w.measurements.map((m) => m.target),
    ...(w.ratios ?? []).map((r) => r.target),
  ]);
  const judged = outcomes.filter((t) => t !== undefined);
  const passed = judged.filter((t) => t.pass).length;
  const results: SuiteResults = {
    schemaVersion: 1,
    date,
    mode: smoke ? "smoke" : "full",
    libraryBuild: libraryBuild(),
    machine,
    node: process.version,
    harness,
    durationMs: Math.round(performance.now() - started),
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    workloads,
    summary: {
      targets: judged.length,
      passed,
      missed: judged.length - passed,
      errors: workloads.filter((w) => w.error !== undefined).length,
    },
  };
  if (options.outFile !== undefined) {
    mkdirSync(dirname(options.outFile), { recursive: true });
    writeFileSync(options.outFile, `${JSON.stringify(results, null, 2)}\n`);
  }
  return results;
}
