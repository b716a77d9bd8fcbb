import { describe, expect, it } from "vitest";
import { lastPlacements, notes, simulateYaml, storyOf, taskKey } from "./fixtures/simulation.js";

describe("submission", () => {
  it("submits tasks in vertex order, then subtask order", () => {
    const result = simulateYaml(`
cluster:
  taskManagers: [{ id: tm-1, slots: 4 }, { id: tm-2, slots: 4 }]
job:
  vertices:
    - { id: zeta, parallelism: 3, slotSharingGroup: g }
    - { id: alpha, parallelism: 2 }
    - { id: mid, parallelism: 4, slotSharingGroup: g }
`);
    const submitted = result.trace.flatMap((t) => (t.kind === "submitted" ? [`${t.vertex}#${t.subtask}`] : []));
    expect(submitted).toEqual(["zeta#0", "zeta#1", "zeta#2", "alpha#0", "alpha#1", "mid#0", "mid#1", "mid#2", "mid#3"]);
    expect(notes(result)[0]).toBe("the job is submitted (9 tasks)");
  });

  it("submits at job.submitAtMs", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job:
  submitAtMs: 7000
  vertices: [{ id: v, parallelism: 2 }]
`);
    const submitted = result.trace.filter((t) => t.kind === "submitted");
    expect(submitted.map((t) => t.atMs)).toEqual([7_000, 7_000]);
    expect(Math.min(...result.report.assignments.map((a) => a.atMs))).toBeGreaterThan(7_000);
  });
});

describe("durations", () => {
  it("a task with durationMs finishes after it and frees its slot for a waiting task", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job:
  vertices: [{ id: batch, parallelism: 3, durationMs: 1000 }]
`);
    expect(result.report.summary).toEqual({ tasks: 3, placed: 3, failed: 0, slotsUsed: 1, taskManagersUsed: 1 });
    const placed = result.trace.filter((t) => t.kind === "placed");
    const finished = result.trace.filter((t) => t.kind === "finished");
    expect(placed.map((t) => t.subtask)).toEqual([0, 1, 2]);
    expect(finished.map((t) => t.subtask)).toEqual([0, 1, 2]);
    for (let i = 0; i < 3; i++) {
      expect((finished[i]?.atMs ?? 0) - (placed[i]?.atMs ?? 0)).toBe(1_000);
      // The freed slot goes straight to the next waiting task, at the same instant.
      if (i > 0) expect(placed[i]?.atMs).toBe(finished[i - 1]?.atMs);
    }
    expect(result.endedAtMs).toBe(finished[2]?.atMs);
  });

  it("a task without durationMs runs until the end", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job:
  vertices:
    - { id: stream, parallelism: 1 }
    - { id: batch, parallelism: 1, durationMs: 500 }
`);
    expect(storyOf(result, "stream", 0)).toEqual(["submitted", "placed"]);
    expect(storyOf(result, "batch", 0)).toEqual(["submitted", "placed", "finished"]);
    expect(result.report.summary.placed).toBe(2);
  });
});

describe("queued: false", () => {
  it("fails at once with NO_RESOURCE_AVAILABLE what no free slot fits", () => {
    const result = simulateYaml(`
cluster:
  offerAllSlots: true
  taskManagers: [{ id: tm-1, slots: 2 }]
job:
  queued: false
  vertices: [{ id: v, parallelism: 3 }]
`);
    const submittedAt = result.trace.find((t) => t.kind === "submitted")?.atMs;
    expect(result.report.summary).toMatchObject({ tasks: 3, placed: 2, failed: 1 });
    expect(result.report.failures).toEqual([
      expect.objectContaining({ vertex: "v", subtask: 2, code: "NO_RESOURCE_AVAILABLE", atMs: submittedAt }),
    ]);
    const decision = result.trace.find((t) => t.kind === "submitted" && t.subtask === 2);
    expect(decision?.kind === "submitted" && decision.decision.rule).toBe("failed-at-once");
  });

  it("fails every task when slots are only offered on request", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 4 }] }
job:
  queued: false
  vertices: [{ id: v, parallelism: 2, slotSharingGroup: g }]
`);
    expect(result.report.summary).toMatchObject({ tasks: 2, placed: 0, failed: 2 });
    expect(new Set(result.report.failures.map((f) => f.code))).toEqual(new Set(["NO_RESOURCE_AVAILABLE"]));
    expect(result.report.failures.every((f) => f.atMs === 0)).toBe(true);
  });
});

describe("slot sharing and co-location", () => {
  const JOB = (group: string) => `
cluster: { taskManagers: [{ id: tm-1, slots: 6 }, { id: tm-2, slots: 6 }] }
job:
  vertices:
    - { id: a, parallelism: 4${group} }
    - { id: b, parallelism: 3${group} }
    - { id: c, parallelism: 2${group} }
`;

  it("one sharing group needs max(parallelism) slots, never two subtasks of a vertex in one slot", () => {
    const result = simulateYaml(JOB(", slotSharingGroup: g"));
    expect(result.report.summary).toMatchObject({ tasks: 9, placed: 9, slotsUsed: 4 });
    const perSlot = new Map<string, string[]>();
    for (const a of result.report.assignments)
      perSlot.set(a.allocationId, [...(perSlot.get(a.allocationId) ?? []), a.vertex]);
    for (const vertices of perSlot.values()) expect(new Set(vertices).size).toBe(vertices.length);
  });

  it("without a sharing group every task takes a slot of its own", () => {
    const result = simulateYaml(JOB(""));
    expect(result.report.summary).toMatchObject({ tasks: 9, placed: 9, slotsUsed: 9 });
  });

  it("co-location keeps subtask i of the group's vertices in one slot", () => {
    const result = simulateYaml(`
cluster:
  offerAllSlots: true
  taskManagers: [{ id: tm-1, slots: 3 }, { id: tm-2, slots: 3 }]
job:
  vertices:
    - { id: head, parallelism: 3, slotSharingGroup: it, coLocationGroup: loop }
    - { id: free, parallelism: 4, slotSharingGroup: it }
    - { id: tail, parallelism: 3, slotSharingGroup: it, coLocationGroup: loop }
`);
    const at = lastPlacements(result);
    const heads = new Set<string>();
    for (let s = 0; s < 3; s++) {
      const head = at.get(taskKey("head", s));
      expect(head).toBeDefined();
      expect(at.get(taskKey("tail", s))).toMatchObject({ allocationId: head?.allocationId, locality: "LOCAL" });
      heads.add(head?.allocationId ?? "");
    }
    expect(heads.size).toBe(3);
    expect(result.report.summary).toMatchObject({ placed: 10, slotsUsed: 4 });
  });
});

describe("locality", () => {
  const CLUSTER = (offerAll: boolean) => `
cluster:
  offerAllSlots: ${offerAll}
  taskManagers:
    - { id: tm-1, host: host-a, slots: 1 }
    - { id: tm-2, host: host-a, slots: 1 }
    - { id: tm-3, host: host-b, slots: 2 }
job:
  vertices:
    - id: v
      parallelism: 4
      preferredLocations:
        - [tm-3]
        - [{ host: host-a }]
        - [{ host: host-z }]
        - []
`;

  it("offerAllSlots gives LOCAL, HOST_LOCAL, NON_LOCAL and UNCONSTRAINED as preferences say", () => {
    const result = simulateYaml(CLUSTER(true));
    const at = lastPlacements(result);
    expect(at.get(taskKey("v", 0))).toMatchObject({ taskManager: "tm-3", locality: "LOCAL" });
    expect(at.get(taskKey("v", 1))?.locality).toBe("HOST_LOCAL");
    expect(["tm-1", "tm-2"]).toContain(at.get(taskKey("v", 1))?.taskManager);
    expect(at.get(taskKey("v", 2))?.locality).toBe("NON_LOCAL");
    expect(at.get(taskKey("v", 3))?.locality).toBe("UNCONSTRAINED");
    // The job waited for the offers in flight: the first decision saw every slot free.
    const first = result.trace.find((t) => t.kind === "submitted");
    expect(first?.kind === "submitted" && first.decision).toMatchObject({ rule: "free-slot", freeSlots: 4 });
  });

  it("slots offered on request arrive with UNKNOWN locality (Flink's queued path)", () => {
    const result = simulateYaml(CLUSTER(false));
    expect(new Set(result.report.assignments.map((a) => a.locality))).toEqual(new Set(["UNKNOWN"]));
  });
});

describe("elastic clusters", () => {
  const ELASTIC = (startupMs: number) => `
cluster:
  elastic: { maxTaskManagers: 3, slotsPerTaskManager: 2, startupMs: ${startupMs} }
job:
  vertices: [{ id: v, parallelism: 5, durationMs: 100 }]
`;

  it("starts TaskManagers on demand; they register and take tasks after startupMs", () => {
    const slow = simulateYaml(ELASTIC(700));
    const fast = simulateYaml(ELASTIC(0));
    expect(slow.report.summary).toMatchObject({ tasks: 5, placed: 5, failed: 0 });
    const firstSlow = Math.min(...slow.report.assignments.map((a) => a.atMs));
    const firstFast = Math.min(...fast.report.assignments.map((a) => a.atMs));
    expect(firstSlow).toBeGreaterThanOrEqual(700);
    expect(firstSlow - firstFast).toBe(700);
    expect(new Set(slow.report.assignments.map((a) => a.taskManager))).toEqual(
      new Set(["elastic-1", "elastic-2", "elastic-3"]),
    );
    expect(slow.taskManagers.map((tm) => tm.id)).toEqual(["elastic-1", "elastic-2", "elastic-3"]);
    for (const tm of slow.taskManagers) {
      expect(tm.registeredAtMs).toBeGreaterThanOrEqual(700);
      expect(tm.slots).toBe(2);
    }
  });
});

describe("endedAtMs", () => {
  it("is when the run went quiet: the last placement of a streaming job", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job: { vertices: [{ id: v, parallelism: 2 }] }
`);
    expect(result.endedAtMs).toBe(Math.max(...result.report.assignments.map((a) => a.atMs)));
    expect(result.endedAtMs).toBeLessThan(100);
  });

  it("is the last failure when tasks time out", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 2, timeoutMs: 4000 }] }
`);
    expect(result.report.failures).toEqual([expect.objectContaining({ subtask: 1, code: "TIMEOUT", atMs: 4_000 })]);
    expect(result.endedAtMs).toBe(4_000);
  });

  it("includes a last event that changed nothing", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 1, durationMs: 10 }] }
events: [{ atMs: 90000, connectResourceManager: true }]
`);
    expect(result.endedAtMs).toBe(90_000);
  });
});
