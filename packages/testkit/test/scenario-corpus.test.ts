import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatScenarioProblems,
  loadScenarioFile,
  parseScenario,
  SCENARIO_LIMITS,
  ScenarioError,
  type ScenarioProblemCode,
} from "@slotpool/testkit";
import { describe, expect, it } from "vitest";
import {
  type CorpusEntry,
  type ExpectedProblem,
  SCENARIO_CORPUS,
  SCENARIO_FILE_CORPUS,
} from "./corpus/scenario-corpus.js";

const CODES: readonly ScenarioProblemCode[] = [
  "EMPTY_INPUT",
  "NOT_UTF8",
  "NOT_TEXT",
  "SYNTAX",
  "DUPLICATE_KEY",
  "MULTIPLE_DOCUMENTS",
  "NOT_AN_OBJECT",
  "REQUIRED",
  "TYPE",
  "INVALID_VALUE",
  "NOT_INTEGER",
  "NEGATIVE",
  "TOO_SMALL",
  "NOT_FINITE",
  "LIMIT",
  "TOO_DEEP",
  "UNKNOWN_FIELD",
  "DUPLICATE_ID",
  "UNKNOWN_REFERENCE",
  "CONFLICT",
  "LENGTH_MISMATCH",
  "CO_LOCATION_WITHOUT_SHARING_GROUP",
  "CO_LOCATION_PARALLELISM_MISMATCH",
  "CO_LOCATION_SHARING_GROUP_MISMATCH",
  "FILE_NOT_READABLE",
  "TOO_MANY_PROBLEMS",
];

/** Runs `fn` and returns what it threw; fails the test when it throws nothing. */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the input to be rejected, but it was accepted");
}

function assertRejected(error: unknown, expected: readonly ExpectedProblem[]): void {
  expect(error).toBeInstanceOf(ScenarioError);
  const e = error as ScenarioError;
  expect(e.code).toBe("SCENARIO_INVALID");
  expect(e.problems.length).toBeGreaterThan(0);
  expect(e.problems.length).toBeLessThanOrEqual(SCENARIO_LIMITS.problems + 1);
  for (const p of e.problems) {
    expect(typeof p.path).toBe("string");
    expect(p.message.length).toBeGreaterThan(10);
    expect(CODES).toContain(p.code);
  }
  for (const want of expected) {
    const match = e.problems.find(
      (p) => p.code === want.code && p.path === want.path && p.message.includes(want.message),
    );
    expect(
      match,
      `expected ${want.code} at "${want.path}" containing "${want.message}"; got:\n${formatScenarioProblems(e)}`,
    ).toBeDefined();
  }
  expect(formatScenarioProblems(e).split("\n")).toHaveLength(e.problems.length);
}

function inputOf(entry: CorpusEntry): unknown {
  return typeof entry.input === "function" ? (entry.input as () => unknown)() : entry.input;
}

describe("scenario bad-input corpus", () => {
  it("holds at least 100 inputs with distinct names, covering every content problem code", () => {
    expect(SCENARIO_CORPUS.length + SCENARIO_FILE_CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(SCENARIO_CORPUS.map((e) => e.name)).size).toBe(SCENARIO_CORPUS.length);
    const covered = new Set([...SCENARIO_CORPUS, ...SCENARIO_FILE_CORPUS].flatMap((e) => e.expect.map((p) => p.code)));
    const missing = CODES.filter((c) => c !== "FILE_NOT_READABLE" && !covered.has(c));
    expect(missing).toEqual([]);
  });

  it.each(SCENARIO_CORPUS.map((entry) => [entry.name, entry] as const))("rejects %s", async (_name, entry) => {
    const options = {
      ...(entry.format === undefined ? {} : { format: entry.format as "yaml" }),
      ...(entry.fileName === undefined ? {} : { fileName: entry.fileName }),
    };
    const error = await thrown(() => parseScenario(inputOf(entry) as string, options));
    assertRejected(error, entry.expect);
  });

  const dir = mkdtempSync(join(tmpdir(), "slotpool-corpus-"));
  it.each(SCENARIO_FILE_CORPUS.map((entry) => [entry.file, entry] as const))(
    "rejects the file %s",
    async (file, entry) => {
      const path = join(dir, file);
      writeFileSync(path, entry.content);
      const error = await thrown(() => loadScenarioFile(path));
      assertRejected(error, entry.expect);
      expect((error as ScenarioError).fileName).toBe(path);
      expect(formatScenarioProblems(error as ScenarioError).startsWith(path)).toBe(true);
    },
  );
});
