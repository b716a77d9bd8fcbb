import type { FuzzReplay } from "./fuzz-replay.js";
import type { FuzzRunResult } from "./fuzz-runner.js";
import { formatFuzzStep } from "./fuzz-step.js";

/**
 * A failed run for a terminal or a test message: the seed, where it failed, every violation, and
 * the command that replays the run. Empty string for a clean run.
 *
 * @param replayCommand - how to run it again (default `pnpm fuzz --seed S --steps N`).
 * @example
 * ```ts
 * const result = runFuzz({ seed: 5, steps: 2_000 });
 * if (result.failure) console.error(formatFuzzFailure(result));
 * ```
 */
export function formatFuzzFailure(result: FuzzRunResult, replayCommand?: string): string {
  const f = result.failure;
  if (f === undefined) return "";
  const where =
    f.phase === "step"
      ? `step ${f.stepIndex + 1} of ${result.stepsRun} (${f.step === undefined ? "?" : formatFuzzStep(f.step)})`
      : `the final ${f.phase} check after ${result.stepsRun} steps`;
  const lines = [
    `fuzz failure: seed ${result.seed}, ${where}, virtual time ${f.atMs} ms`,
    ...f.violations.slice(0, 20).map((v) => `  [${v.check} ${v.rule}] ${v.message.replaceAll("\n", "\n    ")}`),
  ];
  if (f.violations.length > 20) lines.push(`  … and ${f.violations.length - 20} more`);
  lines.push(`replay: ${replayCommand ?? `pnpm fuzz --seed ${result.seed} --steps ${result.stepsRun}`}`);
  return lines.join("\n");
}

/**
 * A replay's steps, one per line and numbered, with its recorded failure: the readable form of a
 * shrunk replay.
 *
 * @example
 * ```ts
 * console.log(formatFuzzReplay(shrunk.replay));
 * ```
 */
export function formatFuzzReplay(replay: FuzzReplay): string {
  const lines = [`seed ${replay.seed}, ${replay.steps.length} step(s):`];
  replay.steps.forEach((step, i) => {
    lines.push(`  ${String(i + 1).padStart(4)}. ${formatFuzzStep(step)}`);
  });
  const f = replay.failure;
  if (f !== undefined) {
    lines.push(f.phase === "step" ? `fails at step ${f.stepIndex + 1}:` : `fails at the final ${f.phase} check:`);
    for (const v of f.violations.slice(0, 10)) lines.push(`  ${v.replaceAll("\n", "\n    ")}`);
  }
  return lines.join("\n");
}
