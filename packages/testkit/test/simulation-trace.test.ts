import type { Decision, SimulationResult } from "@slotpool/testkit";
import { describe, expect, it } from "vitest";
import { simulateYaml } from "./fixtures/simulation.js";

/** The decision made when `vertex#subtask` was submitted the `nth` time (0 = first). */
function decision(result: SimulationResult, vertex: string, subtask: number, nth = 0): Decision {
  const found = result.trace.filter((t) => t.kind === "submitted" && t.vertex === vertex && t.subtask === subtask)[nth];
  if (found?.kind !== "submitted") throw new Error(`no submission ${nth} of ${vertex}#${subtask}`);
  return found.decision;
}

describe("the decision trace of submitted tasks", () => {
  it("new-request, then pending-shared-slot for tasks joining a shared slot that waits for its physical slot", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 2 }] }
job:
  vertices:
    - { id: a, parallelism: 2, slotSharingGroup: g }
    - { id: b, parallelism: 2, slotSharingGroup: g }
`);
    expect(decision(result, "a", 0)).toEqual({
      rule: "new-request",
      resolvedSharedSlots: 0,
      pendingSharedSlots: 0,
      freeSlots: 0,
      matchingFreeSlots: 0,
      requestsAhead: 0,
      text: "no shared or free slot fits, so a new slot was requested from the resource manager; 0 request(s) ahead of it",
    });
    expect(decision(result, "a", 1)).toMatchObject({ rule: "new-request", requestsAhead: 1 });
    expect(decision(result, "b", 0)).toMatchObject({
      rule: "pending-shared-slot",
      pendingSharedSlots: 2,
      requestsAhead: 2,
    });
    expect(decision(result, "b", 1)).toMatchObject({ rule: "pending-shared-slot", pendingSharedSlots: 1 });
    expect(decision(result, "b", 1).text).toBe(
      "joined a shared slot that is still waiting for its physical slot; 2 request(s) ahead of it",
    );
  });

  it("free-slot and resolved-shared-slot when slots are offered up front, with candidate counts", () => {
    const result = simulateYaml(`
cluster:
  offerAllSlots: true
  taskManagers: [{ id: tm-1, slots: 3 }]
job:
  vertices:
    - { id: a, parallelism: 2, slotSharingGroup: g }
    - { id: b, parallelism: 2, slotSharingGroup: g }
`);
    expect(decision(result, "a", 0)).toMatchObject({
      rule: "free-slot",
      freeSlots: 3,
      matchingFreeSlots: 3,
      requestsAhead: 0,
    });
    expect(decision(result, "a", 0).text).toMatch(/^took a free slot on tm-1 \(UNCONSTRAINED\) chosen by \S+/);
    expect(decision(result, "a", 1)).toMatchObject({ rule: "free-slot", freeSlots: 2, resolvedSharedSlots: 0 });
    expect(decision(result, "b", 0)).toMatchObject({
      rule: "resolved-shared-slot",
      resolvedSharedSlots: 2,
      freeSlots: 1,
    });
    expect(decision(result, "b", 1)).toMatchObject({ rule: "resolved-shared-slot", resolvedSharedSlots: 1 });
    expect(decision(result, "b", 1).text).toMatch(/^joined a shared slot on tm-1/);
  });

  it("co-location when a task joins its constraint's slot", () => {
    const result = simulateYaml(`
cluster:
  offerAllSlots: true
  taskManagers: [{ id: tm-1, slots: 2 }]
job:
  vertices:
    - { id: head, parallelism: 2, slotSharingGroup: g, coLocationGroup: loop }
    - { id: tail, parallelism: 2, slotSharingGroup: g, coLocationGroup: loop }
`);
    expect(decision(result, "head", 0).rule).toBe("free-slot");
    expect(decision(result, "tail", 0)).toMatchObject({
      rule: "co-location",
      text: "joined its co-location constraint's slot on tm-1",
    });
    expect(decision(result, "tail", 1).rule).toBe("co-location");
  });

  it("failed-at-once for a request that may not wait", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { queued: false, vertices: [{ id: v, parallelism: 1 }] }
`);
    const d = decision(result, "v", 0);
    expect(d.rule).toBe("failed-at-once");
    expect(d.text).toMatch(/^failed at once: /);
    expect(d.text).toContain(result.report.failures[0]?.message ?? "missing");
  });

  it("says what a task needs and the largest free slot has when no free slot matches", () => {
    const result = simulateYaml(`
cluster:
  offerAllSlots: true
  taskManagers:
    - { id: small, slots: 2, slotProfile: { cpu: 1, memoryMb: 1024 } }
    - { id: medium, slots: 1, slotProfile: { cpu: 2, memoryMb: 2048 } }
job:
  vertices: [{ id: big, parallelism: 1, profile: { cpu: 4, memoryMb: 4096 }, timeoutMs: 1000 }]
`);
    const d = decision(result, "big", 0);
    expect(d).toMatchObject({ freeSlots: 3, matchingFreeSlots: 0, largestFreeSlot: { cpu: 2, memoryMb: 2048 } });
    expect(d.text).toContain("it needs cpu 4, 4096 MB, the largest free slot has cpu 2, 2048 MB");
    expect(result.report.failures).toEqual([expect.objectContaining({ vertex: "big", code: "TIMEOUT" })]);
  });

  it("leaves largestFreeSlot out when a free slot matches, or the profile is unknown", () => {
    const result = simulateYaml(`
cluster:
  offerAllSlots: true
  taskManagers: [{ id: tm-1, slots: 2, slotProfile: { cpu: 1, memoryMb: 1024 } }]
job:
  vertices:
    - { id: fits, parallelism: 1, profile: { cpu: 1, memoryMb: 512 } }
    - { id: any, parallelism: 1 }
`);
    expect(decision(result, "fits", 0)).not.toHaveProperty("largestFreeSlot");
    expect(decision(result, "any", 0)).not.toHaveProperty("largestFreeSlot");
    expect(decision(result, "fits", 0)).toMatchObject({ rule: "free-slot", matchingFreeSlots: 2 });
  });

  it("records a resubmission's new decision", () => {
    const result = simulateYaml(`
cluster: { taskManagers: [{ id: tm-1, slots: 1 }] }
job: { vertices: [{ id: v, parallelism: 1 }] }
events: [{ atMs: 1000, loseTaskManager: tm-1 }]
`);
    expect(decision(result, "v", 0, 1)).toMatchObject({ rule: "new-request", freeSlots: 0, requestsAhead: 0 });
  });
});
