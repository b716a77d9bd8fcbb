// End-to-end: exit codes and messages of the real `slotpool` process for explain, validate and bad input.
import { join } from "node:path";
import { ResourceProfile } from "@slotpool/core";
import { loadScenarioFile } from "@slotpool/testkit";
import { describe, expect, it } from "vitest";
import { hasStackTrace, REPO_ROOT, runCli } from "./support/cli-process.js";

const INVALID = "apps/cli/test/fixtures/invalid.yaml";

describe.concurrent("explain and validate (spawned)", () => {
  it("explain a failed task: its status, the candidates, the rule and why", async () => {
    const file = "examples/heterogeneous-profiles.yaml";
    const scenario = await loadScenarioFile(join(REPO_ROOT, file));
    const train = scenario.job.vertices.find((v) => v.id === "train");
    expect(train?.profile).not.toBeNull();
    const r = await runCli(["explain", file, "--task", `train:${(train?.parallelism ?? 1) - 1}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^train#\d+: failed \(\w+ at \d+ ms\)$/);
    expect(r.stdout).toMatch(/ submitted — /);
    expect(r.stdout).toMatch(
      /candidates: \d+ resolved shared slot\(s\), \d+ pending shared slot\(s\), \d+ free slot\(s\)/,
    );
    expect(r.stdout).toMatch(/rule: [a-z-]+/);
    expect(r.stdout).toMatch(/ failed: \w+ — /);
    const why = lines.at(-1) ?? "";
    const needs = ResourceProfile.of({ ...train!.profile! }).toString();
    expect(why.startsWith(`Why: it needs ${needs}`)).toBe(true);
    expect(why).toMatch(/request\(s\) were ahead of it/);
  });

  it("validate a valid file: exit 0 and a one-line summary", async () => {
    const r = await runCli(["validate", "examples/streaming-wordcount.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^examples\/streaming-wordcount\.yaml: valid — scenario streaming-wordcount, 2 TaskManagers/,
    );
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
  });

  it("validate an invalid file: exit 2, one line per problem with its field path, no stack", async () => {
    const r = await runCli(["validate", INVALID]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    const paths = [
      "cluster.taskManagers[0].slots",
      "cluster.taskManagers[1].id",
      "job.vertices[0].parallelism",
      "job.vertices[0].colour",
    ];
    paths.forEach((path, i) => {
      expect(lines[i]?.startsWith(`${INVALID}:${path}: `)).toBe(true);
      expect(lines[i]).toMatch(/\(line \d+, column \d+\) \[[A-Z_]+\]$/);
    });
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe.concurrent("usage errors exit 2 with one clear line (spawned)", () => {
  const cases: [string, string[], RegExp][] = [
    ["a missing file", ["simulate", "no/such/file.yaml"], /^slotpool: no\/such\/file\.yaml: no such file/],
    [
      "an unknown command",
      ["simulat", "examples/large.yaml"],
      /^slotpool: unknown command "simulat" \(commands: simulate, explain, validate, run, bench\)$/,
    ],
    [
      "an unknown flag",
      ["simulate", "examples/streaming-wordcount.yaml", "--jsno"],
      /^slotpool: unknown option '--jsno' \(see 'slotpool simulate --help'\)$/,
    ],
    [
      "a bad --seed",
      ["simulate", "examples/streaming-wordcount.yaml", "--seed", "7x"],
      /^slotpool: --seed: expected an integer from 0 to 4294967295, got "7x"$/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: ${args.join(" ")}`, async () => {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(hasStackTrace(r.stderr)).toBe(false);
    });
  }
});
