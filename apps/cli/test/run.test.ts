// `slotpool run` with real worker processes: a full run with --json, and Ctrl-C (SIGINT) mid-run.
import { join } from "node:path";
import { loadScenarioFile } from "@slotpool/testkit";
import { describe, expect, it, type TestContext } from "vitest";
import {
  type CliProcess,
  childProcesses,
  hasStackTrace,
  isAlive,
  REPO_ROOT,
  startCli,
  waitFor,
} from "./support/cli-process.js";
import { expectDesignReport } from "./support/json-report.js";

const SLEEPY = "apps/cli/test/fixtures/run-sleepy.yaml";
const QUICK = "apps/cli/test/fixtures/run-quick.yaml";
const WORKER_ENTRY = "task-executor-worker";

/** The worker processes (forked TaskExecutors) of a running CLI; remembered in `seen`. */
function workersOf(cli: CliProcess, seen: Set<number>): number[] {
  const pids = childProcesses(cli.pid)
    .filter((c) => c.cmdline.includes(WORKER_ENTRY))
    .map((c) => c.pid);
  for (const pid of pids) seen.add(pid);
  return pids;
}

/** Starts the CLI and makes sure that it and every worker seen are gone when the test ends, whatever happened. */
function startRun(context: TestContext, args: string[], seen: Set<number>): CliProcess {
  const cli = startCli(args, 75_000);
  // The test's own hook (with concurrent tests, the global onTestFinished may pick the other test).
  context.onTestFinished(async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill("SIGKILL");
    await cli.done.catch(() => undefined);
    for (const pid of seen) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone (the expected case).
      }
    }
  });
  return cli;
}

describe.concurrent("slotpool run (real worker processes)", () => {
  it("Ctrl-C mid-run: exit 130, the result so far, and no worker survives", { timeout: 90_000 }, async (context) => {
    const workerPids = new Set<number>();
    const cli = startRun(context, ["run", SLEEPY], workerPids);
    // Wait until both workers run and a task has been placed on them (the tasks sleep 2–3 s).
    let exited = false;
    void cli.done.finally(() => {
      exited = true;
    });
    const seen = await waitFor(
      "two worker processes and a placed task",
      () => {
        const pids = workersOf(cli, workerPids);
        if (exited) return [];
        return pids.length >= 2 && /running: [1-9]\d*\/\d+ placed/.test(cli.stderr()) ? pids : undefined;
      },
      45_000,
      100,
      () => `children: ${JSON.stringify(childProcesses(cli.pid))}\nstderr: ${cli.stderr()}`,
    );
    if (exited) {
      const r = await cli.done;
      throw new Error(`the run ended before SIGINT: code ${r.code} signal ${r.signal}\n${r.stderr}\n${r.stdout}`);
    }
    expect(seen.length).toBe(2);
    for (const pid of seen) expect(isAlive(pid)).toBe(true);

    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain("stopping: shutting down the workers");
    expect(r.stderr).toContain("run stopped before it was done (interrupted)");
    expect(hasStackTrace(r.stderr)).toBe(false);
    // The result so far is printed in the usual text form.
    expect(r.stdout).toMatch(/^Summary: \d+\/8 tasks placed/m);
    expect(r.stdout).toMatch(/^\d+ worker process\(es\) ran; all have exited\.$/m);

    // Every worker seen while running is gone (allow the kernel a moment to reap).
    for (const pid of workerPids) {
      await waitFor(`worker ${pid} to be gone`, () => (isAlive(pid) ? undefined : true), 5_000);
      expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    }
    expect(workersOf(cli, workerPids)).toEqual([]);
  });

  it("run --json --workers 2 to completion: exit 0, the DESIGN.md document, every task placed", {
    timeout: 90_000,
  }, async (context) => {
    const scenario = await loadScenarioFile(join(REPO_ROOT, QUICK));
    const cli = startRun(context, ["run", QUICK, "--workers", "2", "--json"], new Set());
    const r = await cli.done;
    expect(r.stderr).not.toContain("internal error");
    expect(r.code, r.stderr).toBe(0);
    const doc = expectDesignReport(JSON.parse(r.stdout));
    const tasks = scenario.job.vertices.reduce((n, v) => n + v.parallelism, 0);
    expect(doc.scenario).toBe(scenario.name);
    expect(doc.failures).toEqual([]);
    expect(doc.summary.tasks).toBe(tasks);
    expect(doc.summary.placed).toBe(tasks);
    const expected = scenario.job.vertices.flatMap((v) =>
      Array.from({ length: v.parallelism }, (_, i) => `${v.id}#${i}`),
    );
    expect([...new Set(doc.assignments.map((a) => `${a.vertex}#${a.subtask}`))].sort()).toEqual(expected.sort());
    // At most two workers ran (the scenario's events are simulation-only and are not applied).
    expect(doc.summary.taskManagersUsed).toBeLessThanOrEqual(2);
    expect(r.stderr).toContain("simulation-only");
  });
});
