import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resultsTable, runSuite, type SuiteResults, WORKLOADS } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "slotpool-bench-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the smoke suite", () => {
  it("runs every workload and writes a results file with each of them (never judged on timing)", async () => {
    const outFile = join(dir, "nested", "results.json");
    const returned = await runSuite({ smoke: true, outFile });

    expect(existsSync(outFile)).toBe(true);
    const written = JSON.parse(readFileSync(outFile, "utf8")) as SuiteResults;
    expect(written).toEqual(JSON.parse(JSON.stringify(returned)));
    expect(written.mode).toBe("smoke");
    expect(written.machine.cores).toBeGreaterThan(0);
    expect(written.machine.cpuModel.length).toBeGreaterThan(0);
    expect(written.machine.memoryBytes).toBeGreaterThan(0);
    expect(written.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(written.date))).toBe(false);

    expect(written.workloads.map((w) => w.id)).toEqual(WORKLOADS.map((w) => w.id));
    for (const workload of written.workloads) {
      expect(workload.error, `${workload.id} failed`).toBeUndefined();
      expect(workload.measurements.length, `${workload.id} has rows`).toBeGreaterThan(0);
      for (const row of workload.measurements) {
        expect(row.unit.length).toBeGreaterThan(0);
        expect(row.stats.rounds).toBeGreaterThan(0);
        for (const v of [row.stats.median, row.stats.min, row.stats.max, row.stats.mad]) {
          expect(Number.isFinite(v), `${workload.id} / ${row.name}`).toBe(true);
        }
        if (row.target !== undefined) expect(typeof row.target.pass).toBe("boolean");
      }
      for (const ratio of workload.ratios ?? []) expect(Number.isFinite(ratio.value)).toBe(true);
    }
    const judged = written.workloads.flatMap((w) => [
      ...w.measurements.flatMap((m) => (m.target === undefined ? [] : [m.target])),
      ...(w.ratios ?? []).flatMap((r) => (r.target === undefined ? [] : [r.target])),
    ]);
    expect(written.summary.targets).toBe(judged.length);
    expect(written.summary.passed + written.summary.missed).toBe(judged.length);
    expect(written.summary.errors).toBe(0);

    const table = resultsTable(written);
    for (const w of WORKLOADS) expect(table).toContain(`${w.id} |`);
  }, 120_000);

  it("runs only the workloads asked for", async () => {
    const outFile = join(dir, "only.json");
    const results = await runSuite({ smoke: true, only: ["w5"], outFile });
    expect(results.workloads.map((w) => w.id)).toEqual(["W5"]);
    expect((JSON.parse(readFileSync(outFile, "utf8")) as SuiteResults).workloads).toHaveLength(1);
  }, 60_000);
});
