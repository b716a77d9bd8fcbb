import { z } from "zod";
import type { FuzzConfig } from "./fuzz-config.js";
import type { FuzzChecker } from "./fuzz-invariants.js";
import { FuzzReplayError } from "./fuzz-replay-error.js";
import { FuzzRunner, type FuzzRunResult } from "./fuzz-runner.js";
import type { FuzzStep } from "./fuzz-step.js";

/**
 * A replayable fuzz run: the config and the exact steps (often shrunk), as one JSON document.
 * `pnpm fuzz --replay FILE` runs it again.
 *
 * @example
 * ```ts
 * const replay = toFuzzReplay(result);
 * writeFileSync("failure.json", stringifyFuzzReplay(replay));
 * ```
 */
export interface FuzzReplay {
  readonly format: "slotpool-fuzz-replay";
  readonly version: 1;
  /** The seed the run came from (its config and, unshrunk, its steps). */
  readonly seed: number;
  readonly config: FuzzConfig;
  readonly steps: readonly FuzzStep[];
  /** What failed when the replay was written, if anything. */
  readonly failure?: {
    readonly stepIndex: number;
    readonly phase: "step" | "quiet" | "drain";
    readonly signature: string;
    readonly violations: readonly string[];
  };
}

/** The most steps a replay file may hold. */
const MAX_STEPS = 2_000_000;

const amount = z.number().finite().min(0);
const ms = z.number().int().min(0).max(1e12);
const count = z.number().int().min(0).max(1_000_000_000);
const name = z.string().min(1).max(256);
const spec = z.strictObject({
  cpu: amount,
  memoryMb: amount,
  extended: z.record(name, amount).optional(),
});
const location = z.union([z.strictObject({ taskManager: name }), z.strictObject({ host: name })]);

const stepSchema = z.discriminatedUnion("op", [
  z.strictObject({
    op: z.literal("submit"),
    task: name,
    prefer: z.array(location).max(16).optional(),
    queued: z.boolean().optional(),
    timeoutMs: ms.optional(),
  }),
  z.strictObject({ op: z.literal("finish"), task: name }),
  z.strictObject({ op: z.literal("cancel"), task: name }),
  z.strictObject({ op: z.literal("withdraw"), task: name }),
  z.strictObject({ op: z.literal("advance"), ms }),
  z.strictObject({ op: z.literal("quiesce") }),
  z.strictObject({ op: z.literal("loseTaskManager"), tm: name }),
  z.strictObject({ op: z.literal("freezeTaskManager"), tm: name }),
  z.strictObject({ op: z.literal("thawTaskManager"), tm: name }),
  z.strictObject({
    op: z.literal("addTaskManager"),
    tm: name,
    host: name,
    slots: z.number().int().min(1).max(64),
    slotProfile: spec,
  }),
  z.strictObject({ op: z.literal("disconnectResourceManager") }),
  z.strictObject({ op: z.literal("reconnectResourceManager") }),
  z.strictObject({ op: z.literal("failSlot"), pick: count }),
  z.strictObject({
    op: z.literal("failAllocation"),
    target: z.enum(["pending", "available", "allocated", "unknown"]),
    pick: count,
  }),
  z.strictObject({
    op: z.literal("offerFault"),
    kind: z.enum(["drop", "duplicate", "delay"]),
    times: z.number().int().min(1).max(1_000),
    delayMs: ms.optional(),
    tm: name.optional(),
  }),
  z.strictObject({ op: z.literal("grantLeadership") }),
  z.strictObject({ op: z.literal("revokeLeadership") }),
  z.strictObject({ op: z.literal("staleMessage"), kind: z.enum(["offer", "lost", "registered"]), pick: count }),
  z.strictObject({ op: z.literal("foreignOffer"), pick: count, other: count }),
  z.strictObject({ op: z.literal("unregisteredOffer"), pick: count, known: z.boolean() }),
  z.strictObject({ op: z.literal("duplicateOffer"), pick: count }),
  z.strictObject({
    op: z.literal("allocateRaw"),
    profile: spec.nullable(),
    queued: z.boolean(),
    timeoutMs: ms,
    prefer: z.array(location).max(16).optional(),
  }),
  z.strictObject({ op: z.literal("releaseRaw"), pick: count }),
]);

const configSchema = z.strictObject({
  jobId: name,
  taskManagers: z
    .array(
      z.strictObject({
        id: name,
        host: name,
        slots: z.number().int().min(1).max(64),
        slotProfile: spec,
        registerAtMs: ms,
      }),
    )
    .max(100),
  elastic: z
    .strictObject({
      maxTaskExecutors: z.number().int().min(0).max(100),
      slotsPerTaskExecutor: z.number().int().min(1).max(64),
      slotProfile: spec,
      startupMs: ms,
      idleTimeoutMs: ms,
    })
    .nullable(),
  offerAllSlots: z.boolean(),
  slotChoice: z.enum(["spread", "pack"]),
  slotSelection: z.enum(["locality-first", "spread-out"]),
  messageLatencyMs: ms,
  offerTimeoutMs: ms,
  taskExecutorRequestTimeoutMs: ms,
  timeouts: z.strictObject({
    slotRequestMs: ms,
    resourceManagerRequestMs: ms,
    resourceManagerAllocationMs: ms,
    idleSlotMs: ms,
  }),
  heartbeat: z.strictObject({ intervalMs: z.number().int().min(1).max(1e12), timeoutMs: ms }),
  taskTimeoutMs: ms,
  vertices: z
    .array(
      z.strictObject({
        id: name,
        parallelism: z.number().int().min(1).max(1_000),
        profile: spec.nullable(),
        sharingGroup: name.nullable(),
        coLocationGroup: name.nullable(),
      }),
    )
    .max(100),
});

const replaySchema = z.strictObject({
  format: z.literal("slotpool-fuzz-replay"),
  version: z.literal(1),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  config: configSchema,
  steps: z.array(stepSchema).max(MAX_STEPS),
  failure: z
    .strictObject({
      stepIndex: count,
      phase: z.enum(["step", "quiet", "drain"]),
      signature: z.string(),
      violations: z.array(z.string()),
    })
    .optional(),
});

/**
 * Turns a run's result (with recorded steps) into a {@link FuzzReplay}.
 *
 * @throws FuzzReplayError when the run did not record its steps.
 * @example
 * ```ts
 * const replay = toFuzzReplay(runFuzz({ seed: 3, steps: 500 }));
 * ```
 */
export function toFuzzReplay(result: FuzzRunResult, steps: readonly FuzzStep[] | undefined = result.steps): FuzzReplay {
  if (steps === undefined) throw new FuzzReplayError(["steps: the run did not record its steps (record: false)"]);
  const f = result.failure;
  return {
    format: "slotpool-fuzz-replay",
    version: 1,
    seed: result.seed,
    config: result.config,
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

/**
 * Writes a replay as JSON: the config on a few lines, then one step per line (so diffs and
 * reading stay easy).
 *
 * @example
 * ```ts
 * writeFileSync("replay.json", stringifyFuzzReplay(replay));
 * ```
 */
export function stringifyFuzzReplay(replay: FuzzReplay): string {
  const head = {
    format: replay.format,
    version: replay.version,
    seed: replay.seed,
    ...(replay.failure === undefined ? {} : { failure: replay.failure }),
    config: replay.config,
  };
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, "");
  const steps = replay.steps.map((s) => `    ${JSON.stringify(s)}`).join(",\n");
  return `${headText},\n  "steps": [\n${steps}${steps.length > 0 ? "\n" : ""}  ]\n}\n`;
}

/**
 * Reads a replay written by {@link stringifyFuzzReplay} (or by hand), validating every field.
 *
 * @throws FuzzReplayError naming each bad field.
 * @example
 * ```ts
 * const replay = parseFuzzReplay(readFileSync("replay.json", "utf8"));
 * ```
 */
export function parseFuzzReplay(text: string): FuzzReplay {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FuzzReplayError([`not JSON: ${(error as Error).message}`], { cause: error });
  }
  const parsed = replaySchema.safeParse(raw);
  if (!parsed.success) {
    throw new FuzzReplayError(
      parsed.error.issues.slice(0, 20).map((i) => `${i.path.length === 0 ? "(top)" : i.path.join(".")}: ${i.message}`),
    );
  }
  return parsed.data as FuzzReplay;
}

/**
 * Options of {@link replayFuzz}.
 *
 * @example
 * ```ts
 * replayFuzz(replay, { finalChecks: false });
 * ```
 */
export interface ReplayFuzzOptions {
  /** Extra invariants checked after every step. */
  readonly checks?: readonly FuzzChecker[];
  /** Run the quiet and drain checks after the last step (default true). */
  readonly finalChecks?: boolean;
}

/**
 * Runs a replay's steps on a fresh world built from its config, with every check; stops at the
 * first failure. The same replay always gives the same result.
 *
 * @example
 * ```ts
 * const result = replayFuzz(parseFuzzReplay(text));
 * console.log(result.failure?.signature ?? "clean");
 * ```
 */
export function replayFuzz(replay: FuzzReplay, options: ReplayFuzzOptions = {}): FuzzRunResult {
  const runner = new FuzzRunner({
    seed: replay.seed,
    config: replay.config,
    ...(options.checks === undefined ? {} : { checks: options.checks }),
  });
  for (const step of replay.steps) if (!runner.run(step)) break;
  if (options.finalChecks !== false) runner.finish();
  else {
    runner.world.collectStats();
    runner.world.dispose();
  }
  return runner.result();
}
