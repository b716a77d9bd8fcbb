// In-process tests of main(argv, io): help, flags, explain, validate and error handling.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenarioFile, simulate } from "@slotpool/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { benchSpec } from "../src/commands/bench.js";
import { explainSpec } from "../src/commands/explain.js";
import { runSpec } from "../src/commands/run.js";
import { simulateSpec } from "../src/commands/simulate.js";
import { validateSpec } from "../src/commands/validate.js";
import { captureIo } from "./support/capture-io.js";
import { hasStackTrace, REPO_ROOT } from "./support/cli-process.js";
import { expectDesignReport } from "./support/json-report.js";

const ex = (name: string): string => join(REPO_ROOT, "examples", `${name}.yaml`);
const tmp = mkdtempSync(join(tmpdir(), "slotpool-cli-main-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await main(argv, c.io);
  return { code, out: c.out(), err: c.err() };
}

/** A usage error: exit 2, nothing on stdout, exactly one line on stderr, no stack. */
async function expectUsageError(argv: string[], message: RegExp): Promise<void> {
  const r = await cli(...argv);
  expect(r.code, argv.join(" ")).toBe(2);
  expect(r.out).toBe("");
  const lines = r.err.trimEnd().split("\n");
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^slotpool: /);
  expect(lines[0]).toMatch(message);
  expect(hasStackTrace(r.err)).toBe(false);
}

describe("help", () => {
  it("no arguments: the overview on stderr and exit 2", async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain("Usage: slotpool <command> [options]");
  });

  it("help and -h: the overview on stdout and exit 0", async () => {
    for (const argv of [["help"], ["-h"]]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.out).toContain("Commands:");
    }
  });

  for (const spec of [simulateSpec, explainSpec, validateSpec, runSpec, benchSpec]) {
    it(`${spec.name} --help and -h: usage, every option, examples`, async () => {
      for (const flag of ["--help", "-h"]) {
        const r = await cli(spec.name, flag);
        expect(r.code).toBe(0);
        expect(r.err).toBe("");
        expect(r.out.split("\n")[0]).toBe(spec.summary);
        expect(r.out).toContain(`Usage: ${spec.usage}`);
        for (const [name, o] of Object.entries(spec.options)) {
          expect(r.out).toMatch(
            new RegExp(
              `--${name}${o.type === "string" ? ` ${o.valueName ?? "VALUE"}` : ""} +${escapeRegExp(o.description)}`,
            ),
          );
        }
        for (const e of spec.examples ?? []) expect(r.out).toContain(`  ${e}\n`);
      }
    });
  }

  it("every example in the help of simulate, explain and validate works", async () => {
    for (const spec of [simulateSpec, explainSpec, validateSpec]) {
      for (const example of spec.examples ?? []) {
        const words = example.split(" ");
        const cut = words.indexOf(">");
        const argv = (cut < 0 ? words : words.slice(0, cut)).slice(1).map((w, i, all) => {
          if (all[i - 1] === "--html") return join(tmp, "help-example.html");
          return w.startsWith("examples/") ? join(REPO_ROOT, w) : w;
        });
        const r = await cli(...argv);
        expect(r.err, example).toBe("");
        expect(r.code, example).toBe(0);
      }
    }
  }, 30_000);

  it("--help wins over a missing FILE", async () => {
    const r = await cli("explain", "--help");
    expect(r.code).toBe(0);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("flags", () => {
  it("--seed equal to the file's seed gives the same document as no --seed", async () => {
    const scenario = await loadScenarioFile(ex("failure-story"));
    const a = await cli("simulate", ex("failure-story"), "--json");
    const b = await cli("simulate", ex("failure-story"), "--json", `--seed=${scenario.seed}`);
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    expectDesignReport(JSON.parse(a.out));
  });

  it("bad --seed values", async () => {
    await expectUsageError(
      ["simulate", ex("failure-story"), "--seed=-3"],
      /--seed: expected an integer from 0 to 4294967295, got "-3"/,
    );
    await expectUsageError(
      ["simulate", ex("failure-story"), "--seed", "-3"],
      /option '--seed' needs a value; .* write --seed=-3/,
    );
    await expectUsageError(["simulate", ex("failure-story"), "--seed", "4294967296"], /--seed: expected an integer/);
    await expectUsageError(["simulate", ex("failure-story"), "--seed", "1.5"], /--seed: expected an integer/);
    await expectUsageError(["simulate", ex("failure-story"), "--seed"], /option '--seed <value>' argument missing/);
    await expectUsageError(
      ["explain", ex("failure-story"), "--task", "source:0", "--seed", "x"],
      /--seed: expected an integer/,
    );
  });

  it("positional problems", async () => {
    await expectUsageError(["validate"], /missing FILE \(usage: slotpool validate FILE\)/);
    await expectUsageError(["validate", "a.yaml", "b.yaml"], /unexpected argument\(s\): b\.yaml/);
    await expectUsageError(
      ["run", ex("streaming-wordcount"), "--workers", "0"],
      /--workers: expected an integer from 1 to 64, got "0"/,
    );
    await expectUsageError(["bench", "--only"], /option '--only <value>' argument missing/);
  });

  it("--html to a path that cannot be written is a usage error", async () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "x");
    await expectUsageError(
      ["simulate", ex("streaming-wordcount"), "--html", join(file, "r.html")],
      /--html .*: cannot write the report/,
    );
    await expectUsageError(["simulate", ex("streaming-wordcount"), "--html="], /--html: expected an output file path/);
  });

  it("simulate --html prints where the report went, after the text report", async () => {
    const out = join(tmp, "r.html");
    const r = await cli("simulate", ex("iterative-colocation"), "--html", out);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split("\n").at(-1)).toBe(`HTML report written to ${out}`);
  });
});

describe("explain", () => {
  it("a co-located task: placed, locality explained, its partner in the same slot", async () => {
    const scenario = await loadScenarioFile(ex("iterative-colocation"));
    const { report } = simulate(scenario);
    const tail = scenario.job.vertices.find((v) => v.coLocationGroup !== null && v.id.includes("tail"));
    const head = scenario.job.vertices.find((v) => v.coLocationGroup === tail?.coLocationGroup && v !== tail);
    expect(tail?.id).toBe("iteration-tail");
    expect(head?.coLocationGroup).toBe(tail?.coLocationGroup);
    expect(tail?.parallelism).toBeGreaterThan(0);
    for (let i = 0; i < (tail?.parallelism ?? 0); i++) {
      const r = await cli("explain", ex("iterative-colocation"), "--task", `${tail?.id}:${i}`);
      expect(r.code).toBe(0);
      const placed = report.assignments.filter((a) => a.vertex === tail?.id && a.subtask === i).at(-1);
      expect(r.out.split("\n")[0]).toBe(
        `${tail?.id}#${i}: placed on ${placed?.taskManager} slot ${placed?.slotIndex} (host ${placed?.host}, allocation ${placed?.allocationId}), locality ${placed?.locality}`,
      );
      expect(r.out).toContain(`co-location group ${tail?.coLocationGroup}`);
      expect(r.out).toMatch(new RegExp(`^Locality ${placed?.locality}: .+\\.$`, "m"));
      expect(r.out).toContain(
        `Co-location: ${head?.id}#${i} (group ${tail?.coLocationGroup}) is on ${placed?.taskManager} slot ${placed?.slotIndex}, the same slot.`,
      );
    }
  });

  it("a resubmitted task: placed, lost its slot, resubmitted, placed again", async () => {
    const scenario = await loadScenarioFile(ex("failure-story"));
    const result = simulate(scenario);
    const lost = result.trace.find((t) => t.kind === "lost");
    if (lost === undefined || lost.kind !== "lost") throw new Error("the failure story loses no task");
    const r = await cli("explain", ex("failure-story"), "--task", `${lost.vertex}:${lost.subtask}`);
    expect(r.code).toBe(0);
    const placements = result.report.assignments.filter((a) => a.vertex === lost.vertex && a.subtask === lost.subtask);
    expect(placements.length).toBeGreaterThan(1);
    const lines = r.out.split("\n");
    const order = [
      lines.findIndex((l) =>
        l.includes(
          `placed on ${placements[0]?.taskManager} slot ${placements[0]?.slotIndex} (${placements[0]?.allocationId})`,
        ),
      ),
      lines.findIndex((l) => l.includes(`lost its slot: ${lost.code} — ${lost.message}`)),
      lines.findIndex((l) => l.includes("resubmitted")),
      lines.findIndex((l) =>
        l.includes(
          `placed on ${placements.at(-1)?.taskManager} slot ${placements.at(-1)?.slotIndex} (${placements.at(-1)?.allocationId})`,
        ),
      ),
    ];
    for (const i of order) expect(i).toBeGreaterThan(0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(lines[0]).toContain(`placed on ${placements.at(-1)?.taskManager}`);
  });

  it("a failed task: status, why, and --json with the same story", async () => {
    const scenario = await loadScenarioFile(ex("heterogeneous-profiles"));
    const { report } = simulate(scenario);
    const failure = report.failures[0];
    if (failure === undefined) throw new Error("heterogeneous-profiles has no failed task");
    const task = `${failure.vertex}:${failure.subtask}`;
    const r = await cli("explain", ex("heterogeneous-profiles"), "--task", task);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe(
      `${failure.vertex}#${failure.subtask}: failed (${failure.code} at ${failure.atMs} ms)`,
    );
    expect(r.out).toContain(`failed: ${failure.code} — ${failure.message}`);
    expect(r.out).toMatch(/^Why: it needs .+ of the cluster's \d+ slots match/m);

    const j = await cli("explain", ex("heterogeneous-profiles"), "--task", task, "--json");
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.out) as {
      vertex: string;
      subtask: number;
      status: string;
      why: string;
      trace: { kind: string }[];
    };
    expect(doc.vertex).toBe(failure.vertex);
    expect(doc.subtask).toBe(failure.subtask);
    expect(doc.status).toBe(`failed (${failure.code} at ${failure.atMs} ms)`);
    expect(r.out).toContain(`Why: ${doc.why}`);
    expect(doc.trace.map((t) => t.kind)).toEqual(["submitted", "failed"]);
  });

  it("bad --task values are usage errors", async () => {
    const file = ex("heterogeneous-profiles");
    const scenario = await loadScenarioFile(file);
    const train = scenario.job.vertices.find((v) => v.id === "train");
    const n = train?.parallelism ?? 0;
    const ids = scenario.job.vertices.map((v) => v.id).join(", ");
    await expectUsageError(["explain", file], /--task: required, as VERTEX:INDEX/);
    for (const bad of ["train", "train:", ":1", "train:x", "train:1.5", "train:+1"]) {
      await expectUsageError(
        ["explain", file, `--task=${bad}`],
        /--task: expected VERTEX:INDEX with an integer index ≥ 0/,
      );
    }
    await expectUsageError(
      ["explain", file, "--task", "nope:0"],
      new RegExp(`--task: no vertex "nope" in .* \\(vertices: ${ids}\\)`),
    );
    await expectUsageError(
      ["explain", file, "--task", `train:${n}`],
      new RegExp(`--task: train has parallelism ${n}; index ${n} is out of range`),
    );
  });
});

describe("validate and errors", () => {
  it("a JSON scenario with problems: one line per problem, exit 2", async () => {
    const file = join(tmp, "bad.json");
    writeFileSync(file, JSON.stringify({ cluster: { taskManagers: [{ id: "a", slots: 0 }] }, job: { vertices: [] } }));
    const r = await cli("validate", file);
    expect(r.code).toBe(2);
    const lines = r.err.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.startsWith(`${file}:cluster.taskManagers[0].slots: `))).toBe(true);
    expect(lines.some((l) => l.startsWith(`${file}:job.vertices: `))).toBe(true);
    expect(hasStackTrace(r.err)).toBe(false);
  });

  it("an internal error exits 1 with a short message, the stack only with --debug", async () => {
    const boom = (): never => {
      throw new Error("stdout went away");
    };
    const plain = captureIo({ stdout: boom });
    expect(await main(["validate", ex("streaming-wordcount")], plain.io)).toBe(1);
    const lines = plain.err().trimEnd().split("\n");
    expect(lines).toEqual([
      "slotpool: internal error: stdout went away",
      "(run again with --debug for the stack trace)",
    ]);

    const debug = captureIo({ stdout: boom });
    expect(await main(["validate", ex("streaming-wordcount"), "--debug"], debug.io)).toBe(1);
    expect(debug.err().split("\n")[0]).toBe("slotpool: internal error: stdout went away");
    expect(hasStackTrace(debug.err())).toBe(true);
    expect(debug.err()).not.toContain("--debug for the stack");
  });
});
