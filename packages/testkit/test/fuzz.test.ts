import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AllocatedSlots, type AvailableSlots, Completable, ResourceProfile } from "@slotpool/core";
import {
  checkDrained,
  checkFuzzInvariants,
  checkQuiet,
  type FuzzChecker,
  type FuzzConfig,
  FuzzReplayError,
  FuzzRunner,
  type FuzzStep,
  FuzzWorld,
  formatFuzzFailure,
  formatFuzzReplay,
  fuzzConfigForSeed,
  generateFuzzConfig,
  parseFuzzReplay,
  replayFuzz,
  runFuzz,
  SeededRandom,
  shrinkFuzzReplay,
  snapshotSlotPool,
  stringifyFuzzReplay,
  toFuzzReplay,
} from "@slotpool/testkit";
import { config as rxjsConfig } from "rxjs";
import { describe, expect, it } from "vitest";

/** Known-issue steering of the fuzz budget (see fuzz-budget.test.ts), for tests that need clean runs. */
const CLEAN = { configOptions: { extendedTaskResources: false }, offerFaults: ["drop", "duplicate"] } as const;

/** One TaskManager with two plain slots and one shared vertex of two subtasks. */
const SMALL: FuzzConfig = {
  jobId: "fuzz-job",
  taskManagers: [{ id: "tm-1", host: "host-a", slots: 2, slotProfile: { cpu: 1, memoryMb: 1024 }, registerAtMs: 0 }],
  elastic: null,
  offerAllSlots: false,
  slotChoice: "spread",
  slotSelection: "locality-first",
  messageLatencyMs: 1,
  offerTimeoutMs: 5_000,
  taskExecutorRequestTimeoutMs: 5_000,
  timeouts: {
    slotRequestMs: 30_000,
    resourceManagerRequestMs: 5_000,
    resourceManagerAllocationMs: 30_000,
    idleSlotMs: 20_000,
  },
  heartbeat: { intervalMs: 1_000, timeoutMs: 4_000 },
  taskTimeoutMs: 30_000,
  vertices: [
    { id: "v0", parallelism: 2, profile: { cpu: 0.5, memoryMb: 512 }, sharingGroup: "ssg-a", coLocationGroup: null },
    { id: "v1", parallelism: 2, profile: null, sharingGroup: null, coLocationGroup: null },
  ],
};

/** Runs steps on a world, asserting every invariant after each. */
function drive(world: FuzzWorld, steps: readonly FuzzStep[]): void {
  for (const step of steps) {
    expect(world.apply(step)).toEqual([]);
    expect(checkFuzzInvariants(world)).toEqual([]);
  }
}

function rules(violations: readonly { check: string; rule: string }[]): string[] {
  return [...new Set(violations.map((v) => `${v.check} ${v.rule}`))].sort();
}

describe("fuzz runs", () => {
  it("are deterministic: the same seed gives the same steps, statistics and end time", () => {
    const a = runFuzz({ ...CLEAN, seed: 7, steps: 1_500 });
    const b = runFuzz({ ...CLEAN, seed: 7, steps: 1_500 });
    expect(a.failure).toBeUndefined();
    expect(b.steps).toEqual(a.steps);
    expect(b.stats).toEqual(a.stats);
    expect(b.virtualMs).toBe(a.virtualMs);
    expect(a.stats.placed).toBeGreaterThan(0);
    const c = runFuzz({ ...CLEAN, seed: 8, steps: 1_500 });
    expect(c.steps).not.toEqual(a.steps);
  });

  it("draw the same first steps whatever their length, so `--seed S --steps N` replays a soak's run", () => {
    const short = runFuzz({ ...CLEAN, seed: 21, steps: 400, finalChecks: false });
    const long = runFuzz({ ...CLEAN, seed: 21, steps: 900, finalChecks: false });
    expect(long.steps?.slice(0, 400)).toEqual(short.steps);
    expect(fuzzConfigForSeed(21, CLEAN.configOptions)).toEqual(long.config);
  });

  it("replay exactly from their recorded steps, also after a JSON round trip", () => {
    const original = runFuzz({ ...CLEAN, seed: 11, steps: 1_000 });
    const text = stringifyFuzzReplay(toFuzzReplay(original));
    expect(text.split("\n").filter((l) => l.startsWith('    {"op"')).length).toBe(1_000);
    const replay = parseFuzzReplay(text);
    expect(replay).toEqual(toFuzzReplay(original));
    const again = replayFuzz(replay);
    expect(again.failure).toBeUndefined();
    expect(again.stepsRun).toBe(original.stepsRun);
    expect(again.virtualMs).toBe(original.virtualMs);
    expect(again.stats).toEqual(original.stats);
  });

  it("cover every kind of step with the default weights, and none of a disabled kind", () => {
    const result = runFuzz({ seed: 3, steps: 3_000, finalChecks: false });
    expect(Object.keys(result.stats.ops).length).toBeGreaterThanOrEqual(20);
    const focused = runFuzz({ ...CLEAN, seed: 3, steps: 1_000, weights: { submit: 0, finish: 0 }, offerFaults: [] });
    expect(focused.stats.ops.submit).toBeUndefined();
    expect(focused.stats.ops.finish).toBeUndefined();
    expect(focused.stats.ops.offerFault).toBeUndefined();
    expect(
      generateFuzzConfig(new SeededRandom(5), { extendedTaskResources: false }).vertices.every(
        (v) => v.profile?.extended === undefined,
      ),
    ).toBe(true);
  });
});

describe("the invariant checker", () => {
  it("holds on a healthy run of hand-written steps, including quiet and drain", () => {
    const world = new FuzzWorld(SMALL);
    drive(world, [
      { op: "submit", task: "v0#0" },
      { op: "submit", task: "v0#1", prefer: [{ taskManager: "tm-1" }] },
      { op: "submit", task: "v1#0", timeoutMs: 5_000 },
      { op: "advance", ms: 50 },
      { op: "finish", task: "v0#0" },
      { op: "foreignOffer", pick: 0, other: 0 },
      { op: "unregisteredOffer", pick: 0, known: true },
      { op: "duplicateOffer", pick: 1 },
      { op: "staleMessage", kind: "offer", pick: 0 },
      { op: "grantLeadership" },
      { op: "staleMessage", kind: "lost", pick: 0 },
      { op: "advance", ms: 50 },
      { op: "quiesce" },
    ]);
    expect(world.stats.hostileRejected).toBe(2);
    expect(world.injectedStats.stale).toBe(2);
    expect(checkQuiet(world)).toEqual([]);
    world.heal();
    world.settle();
    expect([...checkFuzzInvariants(world), ...checkDrained(world)]).toEqual([]);
    world.dispose();
  });

  it("finds a slot that vanished from the pool behind its back (slot lost)", () => {
    const world = new FuzzWorld(SMALL);
    drive(world, [
      { op: "submit", task: "v1#0" },
      { op: "advance", ms: 50 },
      { op: "finish", task: "v1#0" }, // its slot is now free in the pool
    ]);
    const free = [...world.pool.inspect().available.values()][0];
    expect(free).toBeDefined();
    (world.pool.inspect().available as unknown as AvailableSlots).tryRemove(free?.allocationId as never);
    expect(rules(checkFuzzInvariants(world))).toEqual([
      "global slot-lost", // the pool accepted it and never let it go with an event
      "global task-executor-slot-unknown-to-pool", // its TaskExecutor still holds it for the job
      "pool available: # is known but neither", // core's own index check
    ]);
    world.dispose();
  });

  it("finds a running task whose slot the pool no longer holds", () => {
    const world = new FuzzWorld(SMALL);
    drive(world, [
      { op: "submit", task: "v0#0" },
      { op: "advance", ms: 50 },
    ]);
    const slot = FuzzWorld.slotOf(world.task("v0#0") as never);
    expect(slot).toBeDefined();
    (world.pool.inspect().allocated as unknown as AllocatedSlots).remove(slot?.allocationId as never);
    const found = rules(checkFuzzInvariants(world));
    expect(found).toContain("global task-slot-not-allocated");
    expect(found).toContain("global slot-lost");
    expect(found).toContain("sharing (16)");
    world.dispose();
  });

  it("finds an over-committed slot and two subtasks of one vertex in one slot", () => {
    const world = new FuzzWorld(SMALL);
    drive(world, [
      { op: "submit", task: "v0#0" },
      { op: "advance", ms: 50 },
    ]);
    const logical = FuzzWorld.slotOf(world.task("v0#0") as never);
    const physical = world.pool.inspect().allocated.get(logical?.allocationId as never);
    Object.defineProperty(physical, "profile", { value: ResourceProfile.of({ cpu: 0.1, memoryMb: 64 }) });
    expect(rules(checkFuzzInvariants(world))).toContain("global over-committed");
    // The fuzzer's own record claims v0#1 runs in the same attempt's slot: v0 twice in one slot.
    (world.task("v0#1") as { handle: unknown }).handle = world.task("v0#0")?.handle;
    expect(rules(checkFuzzInvariants(world))).toContain("global vertex-once-per-slot");
    world.dispose();
  });

  it("finds a request that never ends at the quiet check, and a leaked TaskExecutor slot at the drain check", () => {
    const world = new FuzzWorld(SMALL);
    drive(world, [
      { op: "submit", task: "v1#0" },
      { op: "advance", ms: 50 },
      { op: "failAllocation", target: "allocated", pick: 0 }, // the TaskExecutor is not told (Flink §2.12)
    ]);
    world.unfinished.add(new Completable<never>());
    expect(rules(checkQuiet(world))).toEqual(["quiet request-never-ended"]);
    world.unfinished.clear();
    world.heal();
    world.settle();
    expect(checkDrained(world)).toEqual([]); // the abandoned slot is exempt…
    world.abandoned.clear();
    expect(rules(checkDrained(world))).toEqual(["drain task-executor-slot-leaked"]); // …and found without
    world.dispose();
  });

  it("finds an error thrown while the connector handled a message, in the step that caused it", () => {
    const world = new FuzzWorld(SMALL);
    world.pool.offerSlots = () => {
      throw new RangeError("offer handling broke");
    };
    drive(world, [{ op: "submit", task: "v1#0" }]);
    world.apply({ op: "advance", ms: 50 }); // rxjs would report it later, on another job
    const found = checkFuzzInvariants(world);
    expect(rules(found)).toContain("adapter adapter-threw");
    expect(found.find((v) => v.check === "adapter")?.message).toContain("RangeError: offer handling broke");
    expect(rxjsConfig.useDeprecatedSynchronousErrorHandling).toBe(false); // only during a step
    world.dispose();
  });

  it("finds a hostile offer that was accepted, and a duplicate that was refused", () => {
    const world = new FuzzWorld(SMALL);
    drive(world, [
      { op: "submit", task: "v1#0" },
      { op: "advance", ms: 50 },
    ]);
    const pool = world.pool;
    const real = pool.offerSlot.bind(pool);
    pool.offerSlot = () => true;
    expect(rules(world.apply({ op: "foreignOffer", pick: 0, other: 0 }))).toEqual(["hostile foreign-offer-accepted"]);
    expect(rules(world.apply({ op: "unregisteredOffer", pick: 0, known: false }))).toEqual([
      "hostile unregistered-offer-accepted",
    ]);
    pool.offerSlot = () => false;
    expect(rules(world.apply({ op: "duplicateOffer", pick: 0 }))).toEqual(["hostile duplicate-offer-rejected"]);
    pool.offerSlot = (location, gateway, offer) => {
      pool.releaseTaskManager(location.resourceId);
      return real(location, gateway, offer);
    };
    expect(rules(world.apply({ op: "foreignOffer", pick: 0, other: 0 }))).toEqual(["hostile state-changed"]);
    world.dispose();
  });
});

describe("failures", () => {
  /** A planted rule that breaks once two tasks run at once: a stand-in for a real bug. */
  const planted: FuzzChecker = (world) => {
    let running = 0;
    for (const task of world.allTasks()) if (FuzzWorld.stateOf(task) === "running") running++;
    return running >= 2 ? [{ check: "planted", rule: "two-running", message: `${running} tasks run` }] : [];
  };

  it("stop the run at the failing step, print the seed and replay command, and shrink to a few steps", () => {
    const result = runFuzz({ ...CLEAN, seed: 4, steps: 2_000, checks: [planted] });
    const failure = result.failure;
    expect(failure?.phase).toBe("step");
    expect(failure?.signature).toBe("planted two-running");
    expect(result.stepsRun).toBe((failure?.stepIndex ?? -1) + 1);
    const text = formatFuzzFailure(result);
    expect(text).toContain(`seed ${result.seed}, step ${result.stepsRun} of ${result.stepsRun}`);
    expect(text).toContain("[planted two-running] ");
    expect(text).toContain(`replay: pnpm fuzz --seed 4 --steps ${result.stepsRun}`);

    const shrunk = shrinkFuzzReplay(toFuzzReplay(result), { checks: [planted] });
    const steps = shrunk.replay.steps;
    expect(steps.length).toBeLessThan(result.stepsRun);
    expect(steps.length).toBeLessThanOrEqual(6);
    expect(steps.filter((s) => s.op === "submit").length).toBeGreaterThanOrEqual(2);
    expect(shrunk.replay.failure?.signature).toBe("planted two-running");
    const shown = formatFuzzReplay(shrunk.replay);
    expect(shown).toContain(`seed 4, ${steps.length} step(s):`);
    expect(shown).toContain("[planted two-running] ");
    // The shrunk replay fails the same way every time, and only because of the planted rule.
    expect(replayFuzz(shrunk.replay, { checks: [planted] }).failure?.signature).toBe("planted two-running");
    expect(replayFuzz(shrunk.replay).failure).toBeUndefined();
  });

  it("include exceptions thrown by a step or a check", () => {
    const runner = new FuzzRunner({
      seed: 1,
      config: SMALL,
      checks: [
        () => {
          throw new RangeError("boom");
        },
      ],
    });
    expect(runner.run({ op: "advance", ms: 1 })).toBe(false);
    expect(runner.failure?.violations[0]?.check).toBe("exception");
    expect(runner.failure?.violations[0]?.message).toContain("RangeError: boom");
    expect(runner.finish()).toBe(false);
    expect(runner.step()).toBe(false);
  });

  it("keep a shrink that finds nothing to shrink, and a clean replay as it is", () => {
    const clean = toFuzzReplay(runFuzz({ ...CLEAN, seed: 9, steps: 50 }));
    const shrunk = shrinkFuzzReplay(clean);
    expect(shrunk.replays).toBe(1);
    expect(shrunk.replay.steps).toEqual(clean.steps);
    expect(shrunk.result.failure).toBeUndefined();
  });
});

describe("replay files", () => {
  const valid = (): Record<string, unknown> =>
    JSON.parse(stringifyFuzzReplay(toFuzzReplay(runFuzz({ ...CLEAN, seed: 2, steps: 20 })))) as Record<string, unknown>;
  const cases: readonly { name: string; text: () => string; problem: string }[] = [
    { name: "not JSON", text: () => "{ steps: [", problem: "not JSON" },
    { name: "another format", text: () => JSON.stringify({ ...valid(), format: "pcap" }), problem: "format:" },
    { name: "a newer version", text: () => JSON.stringify({ ...valid(), version: 2 }), problem: "version:" },
    {
      name: "an unknown step",
      text: () => JSON.stringify({ ...valid(), steps: [{ op: "explode" }] }),
      problem: "steps.0.op:",
    },
    {
      name: "a negative advance",
      text: () =>
        JSON.stringify({
          ...valid(),
          steps: [
            { op: "advance", ms: 1 },
            { op: "advance", ms: -5 },
          ],
        }),
      problem: "steps.1.ms:",
    },
    {
      name: "a NaN profile (as null) and an extra field",
      text: () =>
        JSON.stringify({
          ...valid(),
          steps: [{ op: "allocateRaw", profile: { cpu: null, memoryMb: 1 }, queued: true, timeoutMs: 1, extra: 1 }],
        }),
      problem: "steps.0.profile.cpu:",
    },
    {
      name: "a config with an unknown field",
      text: () => JSON.stringify({ ...valid(), config: { ...(valid().config as object), surprise: true } }),
      problem: "config:",
    },
    { name: "a seed beyond 32 bits", text: () => JSON.stringify({ ...valid(), seed: 2 ** 40 }), problem: "seed:" },
  ];
  it.each(cases)("rejects $name with FUZZ_REPLAY_INVALID naming the field", ({ text, problem }) => {
    let error: unknown;
    try {
      parseFuzzReplay(text());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FuzzReplayError);
    expect((error as FuzzReplayError).code).toBe("FUZZ_REPLAY_INVALID");
    expect((error as FuzzReplayError).problems.join("\n")).toContain(problem);
  });

  it("cannot be made from a run that did not record its steps", () => {
    expect(() => toFuzzReplay(runFuzz({ ...CLEAN, seed: 2, steps: 5, record: false }))).toThrow(FuzzReplayError);
  });
});

describe("pool snapshots", () => {
  it("change exactly when the pool changes", () => {
    const world = new FuzzWorld(SMALL);
    world.apply({ op: "submit", task: "v1#0" });
    world.apply({ op: "advance", ms: 10 });
    const before = snapshotSlotPool(world.pool);
    expect(snapshotSlotPool(world.pool)).toEqual(before);
    expect(before.registeredTaskManagers).toEqual(["tm-1"]);
    expect(before.allocated).toEqual(["req-1 → alloc-1@tm-1[0]+"]);
    world.apply({ op: "finish", task: "v1#0" });
    expect(snapshotSlotPool(world.pool)).toEqual({ ...before, allocated: [], available: ["alloc-1@tm-1[0]"] });
    world.dispose();
  });
});

/** The budget's first half as CLI flags (see fuzz-budget.test.ts). */
const CLEAN_FLAGS = [
  "--weight",
  "disconnectResourceManager=0",
  "--offer-faults",
  "drop,duplicate",
  "--no-extended-tasks",
];
const CLI = fileURLToPath(new URL("../src/fuzz-cli.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A failure's replay goes here, never into the repository. */
const OUT = ["--out-dir", mkdtempSync(join(tmpdir(), "fuzz-out-"))];

/** Runs `pnpm fuzz` (the CLI through tsx); `onLine` sees stdout lines as they come. */
function fuzzCli(
  args: readonly string[],
  onLine?: (line: string, kill: () => void) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@slotpool/source", CLI, ...args, ...OUT], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      stdout += text;
      for (const line of text.split("\n")) if (line.length > 0) onLine?.(line, () => child.kill("SIGINT"));
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("pnpm fuzz", () => {
  it("runs one seed, and a soak of several seeds, with the budget's flags", async () => {
    const one = await fuzzCli(["--seed", "5", "--steps", "300", ...CLEAN_FLAGS]);
    expect(one.stderr).toBe("");
    expect(one.stdout).toContain("seed 5: 300 steps clean");
    expect(one.code).toBe(0);
    const soak = await fuzzCli(["--steps", "900", "--run-steps", "300", "--start-seed", "40", ...CLEAN_FLAGS]);
    expect(soak.stdout).toContain("soak clean: 900 steps in 3 runs (seeds 40–42)");
    expect(soak.stdout).toMatch(/covered: [\d,]+ placements/);
    expect(soak.code).toBe(0);
  });

  it("replays a replay file, and rejects a bad file or bad flags with exit code 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fuzz-cli-"));
    const good = join(dir, "good.json");
    writeFileSync(good, stringifyFuzzReplay(toFuzzReplay(runFuzz({ ...CLEAN, seed: 6, steps: 100 }))));
    const ok = await fuzzCli(["--replay", good]);
    expect(ok.stdout).toContain("100 step(s), every invariant held");
    expect(ok.code).toBe(0);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, readFileSync(good, "utf8").replace('"version": 1', '"version": 9'));
    const rejected = await fuzzCli(["--replay", bad]);
    expect(rejected.stderr).toContain("FUZZ_REPLAY_INVALID");
    expect(rejected.stderr).toContain("version:");
    expect(rejected.code).toBe(2);
    const usage = await fuzzCli(["--weight", "explode=1"]);
    expect(usage.stderr).toContain("--weight: expected OP=W");
    expect(usage.code).toBe(2);
  });

  it("prints the steps done when interrupted with Ctrl-C", async () => {
    let sent = false;
    const run = await fuzzCli(
      ["--steps", "100000000", "--progress-seconds", "1", "--start-seed", "1", ...CLEAN_FLAGS],
      (line, kill) => {
        if (!sent && line.startsWith("soak (seed")) {
          sent = true;
          kill();
        }
      },
    );
    expect(sent).toBe(true);
    expect(run.stdout).toMatch(/interrupted: [\d,]+ steps done in \d+ runs/);
    expect(run.code).toBe(130);
  });
});
