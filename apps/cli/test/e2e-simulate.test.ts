// End-to-end: the real `slotpool` process (spawned) for help, version and `simulate` on every example.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenarioFile, type Scenario } from "@slotpool/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { hasStackTrace, REPO_ROOT, runCli } from "./support/cli-process.js";
import { expectDesignReport } from "./support/json-report.js";

const EXAMPLES = readdirSync(join(REPO_ROOT, "examples"))
  .filter((f) => f.endsWith(".yaml"))
  .sort();
const tmp = mkdtempSync(join(tmpdir(), "slotpool-cli-e2e-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function taskCount(scenario: Scenario): number {
  return scenario.job.vertices.reduce((n, v) => n + v.parallelism, 0);
}

describe.concurrent("help and version (spawned)", () => {
  it("--help lists every command and the exit codes", async () => {
    const r = await runCli(["--help"]);
    expect(r.code, r.stderr).toBe(0);
    for (const command of ["simulate", "explain", "validate", "run", "bench"]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
    expect(r.stdout).toContain("Exit codes: 0 ok, 2 invalid input");
    expect(r.stderr).toBe("");
  });

  it("--version prints the package version", async () => {
    const r = await runCli(["--version"]);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "apps/cli/package.json"), "utf8")) as { version: string };
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it("simulate --help shows the usage and every flag", async () => {
    const r = await runCli(["simulate", "--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Usage: slotpool simulate FILE");
    for (const flag of ["--json", "--html OUT", "--seed N", "--all", "--help", "--debug"])
      expect(r.stdout).toContain(flag);
  });
});

describe.concurrent("simulate every example (spawned)", () => {
  it("finds the examples", () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(7);
  });
  for (const example of EXAMPLES) {
    it(`simulate examples/${example}: exit 0 and every section of the text report`, { timeout: 90_000 }, async () => {
      const file = `examples/${example}`;
      const [r, scenario] = await Promise.all([
        runCli(["simulate", file], 80_000),
        loadScenarioFile(join(REPO_ROOT, file)),
      ]);
      expect(r.stderr).toBe("");
      expect(r.code, r.stderr).toBe(0);
      const out = r.stdout;
      const sections = ["Placement", "Locality", "Failures (", "Timeline", "Summary: "].map((h) =>
        out.indexOf(`\n${h}`),
      );
      expect(out.startsWith(`Scenario ${scenario.name} — ${taskCount(scenario)} tasks`)).toBe(true);
      for (const at of sections) expect(at).toBeGreaterThan(0);
      expect([...sections].sort((a, b) => a - b)).toEqual(sections);
      // The placement table names TaskManagers and their slots; the histogram lists every locality.
      expect(out).toMatch(/^ {2}\S+ \(\S+\)/m);
      expect(out).toMatch(/^ {4}slot \d+ +\S/m);
      for (const l of ["LOCAL", "HOST_LOCAL", "NON_LOCAL", "UNCONSTRAINED", "UNKNOWN"]) {
        expect(out).toMatch(new RegExp(`^ {2}${l} +\\d+`, "m"));
      }
      expect(out).toMatch(/^ +\d+ ms {2}the job is submitted/m);
      const summary = /^Summary: (\d+)\/(\d+) tasks placed, (\d+) failed/m.exec(out);
      expect(summary?.[2]).toBe(String(taskCount(scenario)));
      const failures = /^Failures \((\d+)\)/m.exec(out);
      expect(failures?.[1]).toBe(summary?.[3]);
      expect(hasStackTrace(out)).toBe(false);
    });
  }
});

describe.concurrent("simulate --json and --html (spawned)", () => {
  it("prints the DESIGN.md document, byte-identical across runs, and writes a self-contained HTML report", async () => {
    const file = "examples/failure-story.yaml";
    const html = join(tmp, "nested", "failure-story.html");
    const [a, b, other, scenario] = await Promise.all([
      runCli(["simulate", file, "--json"]),
      runCli(["simulate", file, "--json", "--html", html]),
      runCli(["simulate", file, "--json", "--seed", "1"]),
      loadScenarioFile(join(REPO_ROOT, file)),
    ]);
    for (const r of [a, b, other]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe("");
    }
    // Same file and seed: the same bytes (also when the HTML report is written on the side).
    expect(b.stdout).toBe(a.stdout);
    const doc = expectDesignReport(JSON.parse(a.stdout));
    expect(doc.scenario).toBe(scenario.name);
    expect(doc.summary.tasks).toBe(taskCount(scenario));
    // The story loses a TaskManager: its tasks appear once per placement.
    expect(doc.assignments.length).toBeGreaterThan(doc.summary.placed);

    // Another seed: the same job and the same tasks placed, but the seed-driven choices differ.
    expect(scenario.seed).not.toBe(1);
    const alt = expectDesignReport(JSON.parse(other.stdout));
    expect(other.stdout).not.toBe(a.stdout);
    expect(alt.scenario).toBe(doc.scenario);
    expect(alt.summary.tasks).toBe(doc.summary.tasks);
    const tasks = (d: typeof doc): string[] =>
      [...new Set(d.assignments.map((x) => `${x.vertex}#${x.subtask}`))].sort();
    expect(tasks(alt)).toEqual(tasks(doc));
    const where = (d: typeof doc): string[] =>
      d.assignments.map((x) => `${x.vertex}#${x.subtask}@${x.taskManager}/${x.slotIndex}/${x.atMs}`);
    expect(where(alt)).not.toEqual(where(doc));

    const page = readFileSync(html, "utf8");
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).not.toMatch(/\s(src|href)=/);
    expect(page.match(/<g class="chip[ "]/g)?.length).toBe(doc.assignments.length);
    expect(page).toContain(`<title>slotpool — ${scenario.name}</title>`);
  }, 60_000);
});
