import { SeededRandom } from "../simulation/random.js";
import { type FuzzConfig, type FuzzConfigOptions, generateFuzzConfig } from "./fuzz-config.js";
import { checkDrained, checkFuzzInvariants, checkQuiet, type FuzzChecker } from "./fuzz-invariants.js";
import type { FuzzStats } from "./fuzz-stats.js";
import type { FuzzStep, FuzzStepOp } from "./fuzz-step.js";
import { FuzzStepGenerator, type OfferFaultKind } from "./fuzz-step-generator.js";
import { type FuzzViolation, violationSignature } from "./fuzz-violation.js";
import { FuzzWorld } from "./fuzz-world.js";

/**
 * Where a fuzz run failed: after a step, at the quiet check, or at the drain check.
 *
 * @example
 * ```ts
 * if (result.failure) console.log(result.failure.stepIndex, result.failure.violations[0]?.message);
 * ```
 */
export interface FuzzFailure {
  /** Index of the failing step; for the final checks, the number of steps run. */
  readonly stepIndex: number;
  readonly phase: "step" | "quiet" | "drain";
  /** The failing step (undefined for the final checks). */
  readonly step: FuzzStep | undefined;
  /** Virtual time of the failure. */
  readonly atMs: number;
  readonly violations: readonly FuzzViolation[];
  /** The first violation's signature: shrinking keeps a failure with the same one. */
  readonly signature: string;
}

/**
 * The outcome of one fuzz run.
 *
 * @example
 * ```ts
 * const result = runFuzz({ seed: 1, steps: 2_000 });
 * result.failure === undefined; // clean
 * ```
 */
export interface FuzzRunResult {
  readonly seed: number;
  readonly config: FuzzConfig;
  /** Steps run (the failing one included). */
  readonly stepsRun: number;
  /** The steps run, when recorded. */
  readonly steps: readonly FuzzStep[] | undefined;
  readonly failure: FuzzFailure | undefined;
  readonly stats: FuzzStats;
  /** Virtual time at the end. */
  readonly virtualMs: number;
}

/**
 * Options of {@link FuzzRunner}.
 *
 * @example
 * ```ts
 * new FuzzRunner({ seed: 3, record: false });
 * ```
 */
export interface FuzzRunnerOptions {
  /** Seeds the config (unless given) and the step generator. */
  readonly seed: number;
  /** The cluster and job; default: drawn from the seed. */
  readonly config?: FuzzConfig;
  /** Extra invariants checked after every step. */
  readonly checks?: readonly FuzzChecker[];
  /** Keep the steps run, for a replay (default true). */
  readonly record?: boolean;
  /** Overrides of the step kinds' weights (`DEFAULT_FUZZ_WEIGHTS`); 0 disables a kind. */
  readonly weights?: Partial<Record<FuzzStepOp, number>>;
  /** The offer faults `offerFault` steps inject (default drop, duplicate and delay; none disables them). */
  readonly offerFaults?: readonly OfferFaultKind[];
  /** How a config is drawn from the seed (when none is given). */
  readonly configOptions?: FuzzConfigOptions;
}

/**
 * The config a seed gives (what `runFuzz({ seed })` uses).
 *
 * @example
 * ```ts
 * fuzzConfigForSeed(7).taskManagers.length;
 * ```
 */
export function fuzzConfigForSeed(seed: number, options?: FuzzConfigOptions): FuzzConfig {
  return generateFuzzConfig(new SeededRandom(seed).fork(), options);
}

/**
 * One fuzz run, step by step: builds a {@link FuzzWorld} from the config, draws steps from the
 * seed ({@link FuzzRunner.step}) or runs given ones ({@link FuzzRunner.run}), checks
 * {@link checkFuzzInvariants} (and `quiesce` steps {@link checkQuiet}) after each, and at the end
 * ({@link FuzzRunner.finish}) lets the run go quiet, checks that every request ended, heals the
 * cluster, releases everything, goes quiet again and checks that nothing leaked
 * ({@link checkDrained}). Stops at the first failure. Driving it step by step lets a caller
 * report progress or stop between steps.
 *
 * @example
 * ```ts
 * const runner = new FuzzRunner({ seed: 42 });
 * while (runner.stepsRun < 10_000 && runner.step()) {}
 * runner.finish();
 * console.log(runner.result().failure ?? "clean");
 * ```
 */
export class FuzzRunner {
  readonly seed: number;
  readonly config: FuzzConfig;
  readonly world: FuzzWorld;
  private readonly generator: FuzzStepGenerator;
  private readonly checks: readonly FuzzChecker[];
  private readonly recorded: FuzzStep[] | undefined;
  private count = 0;
  private failed: FuzzFailure | undefined;
  private finished = false;

  constructor(options: FuzzRunnerOptions) {
    this.seed = options.seed;
    const root = new SeededRandom(options.seed);
    const configRng = root.fork();
    this.generator = new FuzzStepGenerator(root.fork(), options.weights, options.offerFaults);
    this.config = options.config ?? generateFuzzConfig(configRng, options.configOptions);
    this.checks = options.checks ?? [];
    this.recorded = options.record === false ? undefined : [];
    this.world = new FuzzWorld(this.config);
  }

  /** Steps run so far. */
  get stepsRun(): number {
    return this.count;
  }

  /** The first failure, if any. */
  get failure(): FuzzFailure | undefined {
    return this.failed;
  }

  /**
   * Draws the next step from the seed and runs it.
   *
   * @returns false once the run failed (or was finished).
   * @example
   * ```ts
   * while (runner.step() && runner.stepsRun < n) {}
   * ```
   */
  step(): boolean {
    if (this.failed !== undefined || this.finished) return false;
    return this.run(this.generator.next(this.world));
  }

  /**
   * Runs a given step (for replays) and checks the invariants.
   *
   * @returns false once the run failed (or was finished).
   * @example
   * ```ts
   * for (const step of replay.steps) if (!runner.run(step)) break;
   * ```
   */
  run(step: FuzzStep): boolean {
    if (this.failed !== undefined || this.finished) return false;
    const index = this.count++;
    this.recorded?.push(step);
    let violations: FuzzViolation[];
    try {
      violations = this.world.apply(step);
      violations.push(...checkFuzzInvariants(this.world, this.checks));
      if (step.op === "quiesce") violations.push(...checkQuiet(this.world));
    } catch (error) {
      violations = [thrown(error)];
    }
    if (violations.length > 0) this.fail(index, "step", step, violations);
    return this.failed === undefined;
  }

  /**
   * The final checks (once): quiet (every request ended), then drain (nothing leaked). Disposes
   * the world.
   *
   * @returns false when the run failed (now or before).
   * @example
   * ```ts
   * runner.finish();
   * ```
   */
  finish(): boolean {
    if (this.finished) return this.failed === undefined;
    this.finished = true;
    if (this.failed === undefined) {
      try {
        const world = this.world;
        world.settle();
        let violations = [...checkFuzzInvariants(world, this.checks), ...checkQuiet(world)];
        if (violations.length > 0) this.fail(this.count, "quiet", undefined, violations);
        else {
          world.heal();
          world.settle();
          violations = [...checkFuzzInvariants(world, this.checks), ...checkQuiet(world), ...checkDrained(world)];
          if (violations.length > 0) this.fail(this.count, "drain", undefined, violations);
        }
      } catch (error) {
        this.fail(this.count, "quiet", undefined, [thrown(error)]);
      }
    }
    try {
      this.world.collectStats();
      this.world.dispose();
    } catch {
      // A broken stack may throw while shutting down; the failure (if any) is already recorded.
    }
    return this.failed === undefined;
  }

  /**
   * The run's outcome so far.
   *
   * @example
   * ```ts
   * const { failure, stats } = runner.result();
   * ```
   */
  result(): FuzzRunResult {
    return {
      seed: this.seed,
      config: this.config,
      stepsRun: this.count,
      steps: this.recorded,
      failure: this.failed,
      stats: this.world.stats,
      virtualMs: this.world.scheduler.now(),
    };
  }

  private fail(stepIndex: number, phase: FuzzFailure["phase"], step: FuzzStep | undefined, v: FuzzViolation[]): void {
    this.failed = {
      stepIndex,
      phase,
      step,
      atMs: this.world.scheduler.now(),
      violations: v,
      signature: violationSignature(v[0] as FuzzViolation),
    };
  }
}

/**
 * Options of {@link runFuzz}.
 *
 * @example
 * ```ts
 * runFuzz({ seed: 7, steps: 5_000, finalChecks: false });
 * ```
 */
export interface RunFuzzOptions extends FuzzRunnerOptions {
  /** How many steps to draw. */
  readonly steps: number;
  /** Run the quiet and drain checks at the end (default true). */
  readonly finalChecks?: boolean;
}

/**
 * Runs `steps` generated steps of seed `seed`, checking every invariant after each, then the final
 * quiet and drain checks. The same seed and step count give the same run.
 *
 * @example
 * ```ts
 * const result = runFuzz({ seed: 12, steps: 2_000 });
 * if (result.failure) console.error(formatFuzzFailure(result));
 * ```
 */
export function runFuzz(options: RunFuzzOptions): FuzzRunResult {
  const runner = new FuzzRunner(options);
  while (runner.stepsRun < options.steps && runner.step()) {}
  if (options.finalChecks !== false) runner.finish();
  else {
    runner.world.collectStats();
    runner.world.dispose();
  }
  return runner.result();
}

function thrown(error: unknown): FuzzViolation {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  const stack = (e.stack ?? "").split("\n").slice(1, 6).join("\n");
  return {
    check: "exception",
    rule: typeof code === "string" ? code : e.name,
    message: `${e.name}: ${e.message}\n${stack}`,
  };
}
