// `pnpm fuzz`: fault-injection fuzzing of the whole slotpool stack from the command line.
//
//   pnpm fuzz --seed S --steps N     one run of seed S, N steps (replays a reported failure)
//   pnpm fuzz --steps 10000000       a soak: runs of --run-steps steps over consecutive seeds
//   pnpm fuzz --replay FILE          runs a (shrunk) replay file again
//
// A failure prints the seed, the violations and a shrunk replay (also written to a file), and
// exits 1. Ctrl-C stops a soak and prints the steps done. Wall-clock time is only used here, for
// progress lines and the shrink budget; the runs themselves are on virtual time.
import { randomInt } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatFuzzFailure, formatFuzzReplay } from "./fuzz/format-fuzz-failure.js";
import { type FuzzReplay, parseFuzzReplay, replayFuzz, stringifyFuzzReplay, toFuzzReplay } from "./fuzz/fuzz-replay.js";
import { FuzzRunner, type FuzzRunnerOptions, type FuzzRunResult } from "./fuzz/fuzz-runner.js";
import { addFuzzStats, emptyFuzzStats, type FuzzStats } from "./fuzz/fuzz-stats.js";
import { FUZZ_STEP_OPS, type FuzzStepOp } from "./fuzz/fuzz-step.js";
import type { OfferFaultKind } from "./fuzz/fuzz-step-generator.js";
import { shrinkFuzzReplay } from "./fuzz/shrink-fuzz-replay.js";

const USAGE = `usage:
  pnpm fuzz --seed S [--steps N]        one run of seed S (default 2000 steps); replays a reported failure
  pnpm fuzz [--steps N]                 soak: runs of --run-steps steps over consecutive seeds, N steps in all
  pnpm fuzz --replay FILE               run a replay file (e.g. a shrunk failure) again

options:
  --run-steps R          steps per run in a soak (default 2000)
  --start-seed S         first seed of a soak (default: random, printed)
  --out-dir DIR          where a failure's shrunk replay fuzz-failure-<seed>.json goes (default .)
  --keep-going           a soak records each failure (shrunk, with its replay file) and goes on;
                         it ends with a summary of the failures by signature (exit 1 if any)
  --shrink-seconds T     wall-clock budget for shrinking a failure (default 60; 0: do not shrink)
  --weight OP=W          weight of a step kind (repeatable; 0 disables it), e.g. --weight offerFault=0
  --offer-faults LIST    offer faults to inject: drop,duplicate,delay (default all; "none" disables)
  --no-extended-tasks    vertices never ask for extended resources
  --progress-seconds P   seconds between progress lines (default 5)
`;

const DEFAULT_RUN_STEPS = 2_000;

interface Cli {
  readonly seed: number | undefined;
  readonly steps: number | undefined;
  readonly runSteps: number;
  readonly startSeed: number | undefined;
  readonly replay: string | undefined;
  readonly outDir: string;
  readonly keepGoing: boolean;
  readonly shrinkSeconds: number;
  readonly progressSeconds: number;
  readonly runner: Omit<FuzzRunnerOptions, "seed">;
}

class UsageError extends Error {}

function integer(value: string | undefined, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name}: expected an integer ≥ ${min}, got ${value}`);
  return n;
}

function parseCli(argv: readonly string[]): Cli {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: "string" },
      steps: { type: "string" },
      "run-steps": { type: "string" },
      "start-seed": { type: "string" },
      replay: { type: "string" },
      "out-dir": { type: "string" },
      "keep-going": { type: "boolean" },
      "shrink-seconds": { type: "string" },
      "progress-seconds": { type: "string" },
      weight: { type: "string", multiple: true },
      "offer-faults": { type: "string" },
      "no-extended-tasks": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const seed = integer(values.seed, "seed");
  if (seed !== undefined && seed > 0xffff_ffff) throw new UsageError("--seed: at most 4294967295");
  const weights: Partial<Record<FuzzStepOp, number>> = {};
  for (const w of values.weight ?? []) {
    const [op, value] = w.split("=");
    if (!FUZZ_STEP_OPS.includes(op as FuzzStepOp) || value === undefined || !(Number(value) >= 0)) {
      throw new UsageError(`--weight: expected OP=W with OP one of ${FUZZ_STEP_OPS.join(", ")} and W ≥ 0, got ${w}`);
    }
    weights[op as FuzzStepOp] = Number(value);
  }
  let offerFaults: OfferFaultKind[] | undefined;
  const faults = values["offer-faults"];
  if (faults !== undefined) {
    offerFaults = faults === "none" ? [] : (faults.split(",") as OfferFaultKind[]);
    for (const f of offerFaults) {
      if (f !== "drop" && f !== "duplicate" && f !== "delay") {
        throw new UsageError(`--offer-faults: expected drop, duplicate, delay or none, got ${f}`);
      }
    }
  }
  return {
    seed,
    steps: integer(values.steps, "steps", 1),
    runSteps: integer(values["run-steps"], "run-steps", 1) ?? DEFAULT_RUN_STEPS,
    startSeed: integer(values["start-seed"], "start-seed"),
    replay: values.replay,
    outDir: values["out-dir"] ?? ".",
    keepGoing: values["keep-going"] === true,
    shrinkSeconds: integer(values["shrink-seconds"], "shrink-seconds") ?? 60,
    progressSeconds: integer(values["progress-seconds"], "progress-seconds", 1) ?? 5,
    runner: {
      weights,
      ...(offerFaults === undefined ? {} : { offerFaults }),
      ...(values["no-extended-tasks"] === true ? { configOptions: { extendedTaskResources: false } } : {}),
    },
  };
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

/** Shrinks a failed run, writes the replay, and prints everything needed to reproduce it. */
function report(cli: Cli, result: FuzzRunResult, replayCommand: string): void {
  say(formatFuzzFailure(result, replayCommand));
  let replay = toFuzzReplay(result);
  if (cli.shrinkSeconds > 0) {
    const deadline = performance.now() + cli.shrinkSeconds * 1_000;
    say(`shrinking ${replay.steps.length} step(s) (at most ${cli.shrinkSeconds} s)…`);
    const shrunk = shrinkFuzzReplay(replay, {
      maxReplays: 1_000_000,
      shouldStop: () => performance.now() > deadline,
      ...(cli.runner.checks === undefined ? {} : { checks: cli.runner.checks }),
    });
    say(`shrunk to ${shrunk.replay.steps.length} step(s) in ${shrunk.replays} replays`);
    replay = shrunk.replay;
  }
  say(formatFuzzReplay(replay));
  mkdirSync(cli.outDir, { recursive: true });
  const file = join(cli.outDir, `fuzz-failure-${result.seed}.json`);
  writeFileSync(file, stringifyFuzzReplay(replay));
  say(`shrunk replay written to ${file}; run it again with: pnpm fuzz --replay ${file}`);
}

function printStats(stats: FuzzStats): void {
  const failures = Object.entries(stats.failures)
    .map(([code, n]) => `${code} ${fmt(n)}`)
    .join(", ");
  say(
    `covered: ${fmt(stats.placed)} placements, ${fmt(stats.lostSlots)} slots lost to faults, ${fmt(stats.slotsAccepted)} offers accepted, ` +
      `${fmt(stats.staleRejected)} stale messages rejected by the link, ${fmt(stats.hostileRejected)} hostile offers rejected, ` +
      `offers dropped/duplicated/delayed ${fmt(stats.offersDropped)}/${fmt(stats.offersDuplicated)}/${fmt(stats.offersDelayed)}, ` +
      `${fmt(stats.heartbeatTimeouts)} heartbeat timeouts, ${fmt(stats.settledChecks)} slot-accounting checks, ${fmt(stats.quietChecks)} quiet checks`,
  );
  if (failures.length > 0) say(`request failures: ${failures}`);
}

async function main(): Promise<number> {
  let cli: Cli;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let interrupted = false;
  process.on("SIGINT", () => {
    if (interrupted) process.exit(130);
    interrupted = true;
  });
  const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  if (cli.replay !== undefined) {
    let replay: FuzzReplay;
    try {
      replay = parseFuzzReplay(readFileSync(cli.replay, "utf8"));
    } catch (error) {
      const e = error as Error & { code?: string };
      process.stderr.write(`${cli.replay}: ${e.code === undefined ? "" : `${e.code}: `}${e.message}\n`);
      return 2;
    }
    const result = replayFuzz(replay, cli.runner.checks === undefined ? {} : { checks: cli.runner.checks });
    if (result.failure === undefined) {
      say(`replay ${cli.replay}: ${result.stepsRun} step(s), every invariant held`);
      return 0;
    }
    say(formatFuzzFailure(result, `pnpm fuzz --replay ${cli.replay}`));
    return 1;
  }

  const started = performance.now();
  let lastProgress = started;
  const total = emptyFuzzStats();
  let done = 0;
  const progress = (label: string, target: number): void => {
    const now = performance.now();
    if (now - lastProgress < cli.progressSeconds * 1_000) return;
    lastProgress = now;
    const seconds = (now - started) / 1_000;
    say(
      `${label}: ${fmt(done)} / ${fmt(target)} steps (${((100 * done) / target).toFixed(1)}%), ${fmt(done / seconds)} steps/s`,
    );
  };

  if (cli.seed !== undefined) {
    const steps = cli.steps ?? DEFAULT_RUN_STEPS;
    const runner = new FuzzRunner({ ...cli.runner, seed: cli.seed });
    say(`fuzz: seed ${cli.seed}, ${fmt(steps)} steps`);
    while (runner.stepsRun < steps && !interrupted) {
      const until = Math.min(steps, runner.stepsRun + 2_000);
      while (runner.stepsRun < until && runner.step()) {}
      done = runner.stepsRun;
      if (runner.failure !== undefined) break;
      progress(`seed ${cli.seed}`, steps);
      await yieldToEvents();
    }
    if (interrupted) {
      say(`interrupted after ${fmt(runner.stepsRun)} steps of seed ${cli.seed}`);
      return 130;
    }
    runner.finish();
    const result = runner.result();
    const seconds = (performance.now() - started) / 1_000;
    if (result.failure !== undefined) {
      report(cli, result, `pnpm fuzz --seed ${cli.seed} --steps ${result.stepsRun}${flags(process.argv.slice(2))}`);
      return 1;
    }
    say(
      `seed ${cli.seed}: ${fmt(result.stepsRun)} steps clean in ${seconds.toFixed(1)} s (${fmt(result.stepsRun / seconds)} steps/s)`,
    );
    printStats(result.stats);
    return 0;
  }

  // Soak.
  const target = cli.steps ?? 1_000_000;
  const firstSeed = cli.startSeed ?? randomInt(0, 0x7fff_ffff);
  let seed = firstSeed;
  let runs = 0;
  const failures = new Map<string, number[]>();
  say(`fuzz soak: ${fmt(target)} steps in runs of ${fmt(cli.runSteps)}, seeds from ${firstSeed}`);
  while (done < target && !interrupted) {
    const steps = Math.min(cli.runSteps, target - done);
    const runner = new FuzzRunner({ ...cli.runner, seed, record: false });
    while (runner.stepsRun < steps && runner.step()) {}
    if (runner.failure === undefined) runner.finish();
    done += runner.stepsRun;
    runs++;
    const result = runner.result();
    addFuzzStats(total, result.stats);
    if (result.failure !== undefined) {
      // Run the seed again with its steps recorded, to shrink and write the replay.
      const again = new FuzzRunner({ ...cli.runner, seed });
      while (again.stepsRun < result.stepsRun && again.step()) {}
      if (again.failure === undefined) again.finish();
      report(cli, again.result(), `pnpm fuzz --seed ${seed} --steps ${steps}${flags(process.argv.slice(2))}`);
      const signature = result.failure.signature;
      failures.set(signature, [...(failures.get(signature) ?? []), seed]);
      if (!cli.keepGoing) {
        say(`soak stopped after ${fmt(done)} steps (${runs} runs)`);
        return 1;
      }
    }
    seed = (seed + 1) >>> 0;
    progress(`soak (seed ${seed})`, target);
    await yieldToEvents();
  }
  const seconds = (performance.now() - started) / 1_000;
  const rate = `${seconds.toFixed(1)} s (${fmt(done / seconds)} steps/s)`;
  if (interrupted) say(`interrupted: ${fmt(done)} steps done in ${runs} runs (seeds ${firstSeed}–${seed}) in ${rate}`);
  else {
    const outcome = failures.size === 0 ? "soak clean" : "soak done";
    say(`${outcome}: ${fmt(done)} steps in ${runs} runs (seeds ${firstSeed}–${seed - 1}) in ${rate}`);
  }
  for (const [signature, seeds] of failures) {
    say(
      `failed ${seeds.length}×: [${signature}] at seeds ${seeds.slice(0, 10).join(", ")}${seeds.length > 10 ? ", …" : ""}`,
    );
  }
  printStats(total);
  return interrupted ? 130 : failures.size > 0 ? 1 : 0;
}

/** The step-kind flags of this invocation, so a reported replay command draws the same steps. */
function flags(argv: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--no-extended-tasks") kept.push(a);
    else if ((a === "--weight" || a === "--offer-faults") && argv[i + 1] !== undefined)
      kept.push(a, argv[++i] as string);
    else if (a.startsWith("--weight=") || a.startsWith("--offer-faults=")) kept.push(a);
  }
  return kept.length === 0 ? "" : ` ${kept.join(" ")}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fuzz: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
