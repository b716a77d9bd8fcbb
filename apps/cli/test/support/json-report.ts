// Checks that a value is exactly the JSON document of DESIGN.md (`slotpool simulate --json`).
import type { SimulationReport } from "@slotpool/testkit";
import { expect } from "vitest";

const LOCALITIES = ["LOCAL", "HOST_LOCAL", "NON_LOCAL", "UNCONSTRAINED", "UNKNOWN"];

/** Asserts the exact document shape (keys in order, types) and the summary's consistency with the lists. */
export function expectDesignReport(value: unknown): SimulationReport {
  const doc = value as SimulationReport;
  expect(Object.keys(doc)).toEqual(["scenario", "assignments", "failures", "summary"]);
  expect(typeof doc.scenario).toBe("string");
  expect(Array.isArray(doc.assignments)).toBe(true);
  expect(Array.isArray(doc.failures)).toBe(true);
  for (const a of doc.assignments) {
    expect(Object.keys(a)).toEqual([
      "vertex",
      "subtask",
      "taskManager",
      "host",
      "slotIndex",
      "allocationId",
      "locality",
      "atMs",
    ]);
    expect(typeof a.vertex).toBe("string");
    expect(Number.isInteger(a.subtask) && a.subtask >= 0).toBe(true);
    expect(typeof a.taskManager).toBe("string");
    expect(typeof a.host).toBe("string");
    expect(Number.isInteger(a.slotIndex) && a.slotIndex >= 0).toBe(true);
    expect(typeof a.allocationId).toBe("string");
    expect(LOCALITIES).toContain(a.locality);
    expect(typeof a.atMs === "number" && a.atMs >= 0).toBe(true);
  }
  for (const f of doc.failures) {
    expect(Object.keys(f)).toEqual(["vertex", "subtask", "code", "message", "atMs"]);
    expect(typeof f.vertex).toBe("string");
    expect(Number.isInteger(f.subtask)).toBe(true);
    expect(typeof f.code).toBe("string");
    expect(f.code.length).toBeGreaterThan(0);
    expect(typeof f.message).toBe("string");
    expect(typeof f.atMs).toBe("number");
  }
  expect(Object.keys(doc.summary)).toEqual(["tasks", "placed", "failed", "slotsUsed", "taskManagersUsed"]);
  const failed = new Set(doc.failures.map((f) => `${f.vertex}#${f.subtask}`));
  const placed = new Set(doc.assignments.map((a) => `${a.vertex}#${a.subtask}`).filter((k) => !failed.has(k)));
  expect(doc.summary.failed).toBe(failed.size);
  expect(doc.summary.placed).toBe(placed.size);
  expect(doc.summary.placed + doc.summary.failed).toBeLessThanOrEqual(doc.summary.tasks);
  expect(doc.summary.slotsUsed).toBe(new Set(doc.assignments.map((a) => a.allocationId)).size);
  expect(doc.summary.taskManagersUsed).toBe(new Set(doc.assignments.map((a) => a.taskManager)).size);
  return doc;
}
