import type { FuzzChecker } from "./fuzz-invariants.js";
import { type FuzzReplay, replayFuzz } from "./fuzz-replay.js";
import type { FuzzRunResult } from "./fuzz-runner.js";
import type { FuzzStep } from "./fuzz-step.js";

/**
 * Options of {@link shrinkFuzzReplay}.
 *
 * @example
 * ```ts
 * shrinkFuzzReplay(replay, { maxReplays: 300, shouldStop: () => Date.now() > deadline });
 * ```
 */
export interface ShrinkFuzzReplayOptions {
  /** Give up after this many replays (default 1 000); the smallest failing list so far is returned. */
  readonly maxReplays?: number;
  /** Asked before every replay; return true to stop early (e.g. a wall-clock budget in a CLI). */
  readonly shouldStop?: () => boolean;
  /** The extra checks the failing run used. */
  readonly checks?: readonly FuzzChecker[];
}

/**
 * The result of {@link shrinkFuzzReplay}.
 *
 * @example
 * ```ts
 * const { replay, result, replays } = shrinkFuzzReplay(original);
 * ```
 */
export interface ShrunkFuzzReplay {
  /** The smallest replay found that still fails the same way (or the input when it did not fail). */
  readonly replay: FuzzReplay;
  /** The run of that replay. */
  readonly result: FuzzRunResult;
  /** How many replays shrinking took. */
  readonly replays: number;
}

/**
 * Shrinks a failing replay by delta debugging: cut everything after the failing step, then remove
 * ever smaller chunks of steps while the run still fails with the same signature (check and rule
 * of the first violation), then shorten `advance` steps. Steps are self-describing, so any
 * sub-list replays deterministically. Each attempt replays from scratch.
 *
 * @example
 * ```ts
 * const shrunk = shrinkFuzzReplay(toFuzzReplay(result));
 * console.log(`${result.stepsRun} → ${shrunk.replay.steps.length} steps`);
 * ```
 */
export function shrinkFuzzReplay(replay: FuzzReplay, options: ShrinkFuzzReplayOptions = {}): ShrunkFuzzReplay {
  const maxReplays = options.maxReplays ?? 1_000;
  let replays = 0;
  const run = (steps: readonly FuzzStep[]): FuzzRunResult => {
    replays++;
    return replayFuzz({ ...replay, steps }, options.checks === undefined ? {} : { checks: options.checks });
  };
  let best = run(replay.steps);
  const target = best.failure?.signature;
  if (target === undefined) return { replay: withFailure(replay, replay.steps, best), result: best, replays };
  let steps = cut(replay.steps, best);
  const exhausted = (): boolean => replays >= maxReplays || options.shouldStop?.() === true;
  /** Replays `candidate`; keeps it (cut after its failing step) when it fails the same way. */
  const attempt = (candidate: readonly FuzzStep[]): boolean => {
    const result = run(candidate);
    if (result.failure?.signature !== target) return false;
    best = result;
    steps = cut(candidate, result);
    return true;
  };

  // Delta debugging over chunks of steps.
  let n = 2;
  while (steps.length >= 2 && !exhausted()) {
    const size = Math.ceil(steps.length / n);
    let removed = false;
    for (let start = 0; start < steps.length && !exhausted(); start += size) {
      const candidate = [...steps.slice(0, start), ...steps.slice(start + size)];
      if (attempt(candidate)) {
        n = Math.max(2, n - 1);
        removed = true;
        break;
      }
    }
    if (removed) continue;
    if (size <= 1) break;
    n = Math.min(steps.length, n * 2);
  }
  // Shorter advances (the fewest virtual milliseconds that still fail).
  for (let i = 0; i < steps.length && !exhausted(); i++) {
    const step = steps[i] as FuzzStep;
    if (step.op !== "advance" || step.ms <= 1) continue;
    for (const ms of [0, 1, Math.floor(step.ms / 10), Math.floor(step.ms / 2)]) {
      if (ms >= step.ms || exhausted()) continue;
      const candidate = [...steps];
      candidate[i] = { op: "advance", ms };
      if (attempt(candidate)) break;
    }
  }
  if (best.steps !== undefined && best.steps.length !== steps.length) best = run(steps);
  return { replay: withFailure(replay, steps, best), result: best, replays };
}

/** The steps up to and including the failing one (all of them when the final checks failed). */
function cut(steps: readonly FuzzStep[], result: FuzzRunResult): readonly FuzzStep[] {
  const f = result.failure;
  if (f === undefined || f.phase !== "step") return steps;
  return steps.slice(0, f.stepIndex + 1);
}

function withFailure(replay: FuzzReplay, steps: readonly FuzzStep[], result: FuzzRunResult): FuzzReplay {
  const f = result.failure;
  const { failure: _old, ...rest } = replay;
  return {
    ...rest,
    steps,
    ...(f === undefined
      ? {}
      : {
          failure: {
            stepIndex: f.stepIndex,
            phase: f.phase,
            signature: f.signature,
            violations: f.violations.map((v) => `[${v.check} ${v.rule}] ${v.message}`),
          },
        }),
  };
}
