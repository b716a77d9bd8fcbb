import { describe, expect, it } from "vitest";
import {
  CliUsageError,
  judge,
  type Measurement,
  median,
  parseCliOptions,
  ratioOf,
  resultsTable,
  type SuiteResults,
  selectWorkloads,
  summarize,
  timingRow,
  UnknownWorkloadError,
  type Workload,
} from "../src/index.js";

const fake = (id: string): Workload => ({ id, title: id, summary: id, run: async () => ({ measurements: [] }) });

describe("statistics", () => {
  it("takes medians of odd and even counts and a robust spread", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(summarize([10, 12, 11, 100])).toEqual({ median: 11.5, min: 10, max: 100, mad: 1, rounds: 4 });
    expect(() => median([])).toThrow(RangeError);
  });

  it("converts ns/op rounds to a throughput row with exact extremes", () => {
    const row = timingRow({
      name: "x",
      measured: { nsPerOp: [100, 200, 400], cpuNsPerOp: [100, 100, 400], opsPerRound: 10, cpuShare: [1, 0.5, 1] },
      unit: "ops/s",
      throughputLabel: "pairs/s",
      target: { comparison: ">=", threshold: 6e6, description: "≥ 6M" },
    });
    expect(row.unit).toBe("pairs/s");
    expect(row.stats).toMatchObject({ median: 5e6, min: 2.5e6, max: 1e7 });
    expect(row.nsPerOp?.median).toBe(200);
    expect(row.byCpuTime).toMatchObject({ median: 1e7, min: 2.5e6, max: 1e7 });
    expect(row.cpuShare).toBe(1);
    expect(row.target?.pass).toBe(false);
  });
});

describe("targets and ratios", () => {
  it("judges each comparison on the value", () => {
    expect(judge({ comparison: "<=", threshold: 1.5, description: "" }, 1.5).pass).toBe(true);
    expect(judge({ comparison: "<", threshold: 1.5, description: "" }, 1.5).pass).toBe(false);
    expect(judge({ comparison: ">=", threshold: 2, description: "" }, 1.99).pass).toBe(false);
    expect(judge({ comparison: ">", threshold: 2, description: "" }, 2.01).pass).toBe(true);
    expect(judge({ comparison: "<=", threshold: 2, description: "" }, Number.NaN).pass).toBe(false);
    const both = judge({ comparison: "<=", threshold: 1.5, description: "" }, 1.2, 1.9);
    expect(both).toMatchObject({ pass: false, passByWallClock: true, passByCpuTime: false });
    expect(judge({ comparison: "<=", threshold: 1.5, description: "" }, 1.2, 1.4).pass).toBe(true);
  });

  it("divides medians: costs by ns/op, values as shown, and both also by CPU time", () => {
    const stats = (m: number) => ({ median: m, min: m, max: m, mad: 0, rounds: 1 });
    const row = (name: string, ns: number, cpuNs: number): Measurement => ({
      name,
      unit: "ops/s",
      stats: stats(1e9 / ns),
      byCpuTime: stats(1e9 / cpuNs),
      nsPerOp: stats(ns),
      cpuNsPerOp: stats(cpuNs),
    });
    const target = { comparison: "<=", threshold: 1.5, description: "≤ 1.5" } as const;
    const cost = ratioOf("big/small", row("big", 300, 400), row("small", 200, 100), "cost", target);
    expect(cost).toMatchObject({ value: 1.5, byCpuTime: 4, numerator: "big", denominator: "small" });
    expect(cost.target).toMatchObject({ pass: false, passByWallClock: true, passByCpuTime: false });
    const speed = ratioOf("a/b", row("a", 100, 100), row("b", 400, 200), "value");
    expect(speed.value).toBe(4);
    expect(speed.byCpuTime).toBe(2);
    expect(speed.target).toBeUndefined();
    const plain: Measurement = { name: "bytes", unit: "bytes/slot", stats: stats(3) };
    expect(() => ratioOf("x", plain, plain, "cost")).toThrow(/timing rows/);
    expect(ratioOf("x", plain, { ...plain, stats: stats(2) }, "value")).toEqual({
      name: "x",
      value: 1.5,
      numerator: "bytes",
      denominator: "bytes",
    });
  });
});

describe("command line", () => {
  it("reads --smoke, --only (repeatable, comma lists, = form), --out, and ignores a lone --", () => {
    const o = parseCliOptions(["--", "--smoke", "--only", "W1,w2", "--only=W5", "--out", "x.json"], {});
    expect(o).toMatchObject({ smoke: true, only: ["W1", "w2", "W5"], outFile: "x.json", help: false });
  });

  it("takes BENCH_SMOKE and BENCH_ONLY from the environment", () => {
    expect(parseCliOptions([], { BENCH_SMOKE: "1", BENCH_ONLY: "W4" })).toMatchObject({ smoke: true, only: ["W4"] });
    expect(parseCliOptions([], { BENCH_SMOKE: "0" }).smoke).toBe(false);
    expect(parseCliOptions([], {}).outFile).toMatch(/benchmarks[/\\]results\.json$/);
  });

  it("rejects unknown options and missing values", () => {
    expect(() => parseCliOptions(["--fast"], {})).toThrow(CliUsageError);
    expect(() => parseCliOptions(["--only"], {})).toThrow(/--only needs a value/);
  });
});

describe("workload selection", () => {
  const all = [fake("C1"), fake("W1"), fake("W2")];
  it("keeps registry order and matches ids case-insensitively", () => {
    expect(selectWorkloads(all, ["w2", "C1"]).map((w) => w.id)).toEqual(["C1", "W2"]);
    expect(selectWorkloads(all, []).map((w) => w.id)).toEqual(["C1", "W1", "W2"]);
  });

  it("names unknown ids and the known ones", () => {
    expect(() => selectWorkloads(all, ["W9"])).toThrow(UnknownWorkloadError);
    expect(() => selectWorkloads(all, ["W9"])).toThrow(/W9.*known: C1, W1, W2/);
  });
});

describe("results table", () => {
  it("shows each row with its target verdict, each ratio, errors, and a summary line", () => {
    const results: SuiteResults = {
      schemaVersion: 1,
      date: "2026-01-01T00:00:00.000Z",
      mode: "full",
      libraryBuild: "dist",
      machine: {
        cpuModel: "cpu",
        cores: 2,
        memoryBytes: 1,
        os: "os",
        arch: "x64",
        node: "v20",
        v8: "v8",
        loadAverageAtStart: [0.5, 0, 0],
      },
      node: "v20",
      harness: { warmupRounds: 2, rounds: 7, minRoundMs: 200, gcBeforeMeasuring: true },
      durationMs: 1000,
      loadAverageAtEnd: [0.7, 0, 0],
      workloads: [
        {
          id: "W2",
          title: "t",
          summary: "s",
          durationMs: 1,
          measurements: [
            {
              name: "1k slots",
              unit: "placements/s",
              stats: { median: 2_000_000, min: 1_500_000, max: 2_100_000, mad: 100_000, rounds: 7 },
              cpuShare: 0.98,
              byCpuTime: { median: 2_040_000, min: 2e6, max: 2.1e6, mad: 1, rounds: 7 },
              target: { comparison: ">=", threshold: 1e6, description: "≥ 1M placements/s", pass: true },
            },
            {
              name: "10k slots",
              unit: "placements/s",
              stats: { median: 1_200_000, min: 1_100_000, max: 1_300_000, mad: 0, rounds: 7 },
              byCpuTime: { median: 900_000, min: 800_000, max: 950_000, mad: 0, rounds: 7 },
              target: {
                comparison: ">=",
                threshold: 1e6,
                description: "≥ 1M placements/s",
                pass: false,
                passByWallClock: true,
                passByCpuTime: false,
              },
            },
          ],
          ratios: [
            {
              name: "cost(1M)/cost(1k)",
              value: 1.7,
              byCpuTime: 2.5,
              numerator: "a",
              denominator: "b",
              target: { comparison: "<=", threshold: 1.5, description: "≤ 1.5", pass: false },
            },
          ],
        },
        { id: "W9", title: "t", summary: "s", durationMs: 1, measurements: [], error: "boom" },
      ],
      summary: { targets: 3, passed: 1, missed: 2, errors: 1 },
    };
    const lines = resultsTable(results).split("\n");
    expect(lines.find((l) => l.includes("1k slots"))).toMatch(
      /2\.00M .*1\.50M … 2\.10M .*5\.0% .*98% .*2\.04M .*placements\/s .*pass$/,
    );
    expect(lines.find((l) => l.includes("10k slots"))).toMatch(/1\.20M .*900k .*MISS \(CPU time\)$/);
    expect(lines.find((l) => l.includes("ratio cost"))).toMatch(/1\.70× .*2\.50× .*≤ 1\.5 .*MISS$/);
    expect(lines.find((l) => l.startsWith("W9"))).toMatch(/ERROR: boom.*ERROR$/);
    expect(lines.at(-1)).toMatch(/^1\/3 targets met, 2 missed, 1 workload errors · full run · library: dist/);
  });
});
