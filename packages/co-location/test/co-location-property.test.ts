import { type ResourceSpec, type TaskManagerLocation, TaskManagerLostError } from "@slotpool/core";
import type { TaskHandle } from "@slotpool/slot-sharing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CoLocationGroup } from "../src/index.js";
import { Cluster } from "./harness.js";

const VERTICES = ["head", "tail", "map", "sink"] as const;
const PROFILES: (ResourceSpec | undefined)[] = [undefined, { cpu: 0.25, memoryMb: 64 }, { cpu: 0.5, memoryMb: 64 }];

type Op =
  | { kind: "allocate"; vertex: number; subtask: number; profile: number; pref: number; queued: boolean }
  | { kind: "release"; pick: number }
  | { kind: "answer" | "offer"; tm: number }
  | { kind: "lose"; tm: number }
  | { kind: "advance" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("allocate" as const),
      vertex: fc.nat(VERTICES.length - 1),
      subtask: fc.nat(2),
      profile: fc.nat(PROFILES.length - 1),
      pref: fc.integer({ min: -1, max: 1 }),
      queued: fc.constantFrom(true, true, false),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom("answer" as const, "offer" as const), tm: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("lose" as const), tm: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("advance" as const) }) },
);

function run(ops: Op[]): void {
  const c = new Cluster();
  const loop = new CoLocationGroup("loop");
  c.groups.push(loop);
  const tms = [c.addTaskManager("tm-0", "h0"), c.addTaskManager("tm-1", "h1")];
  const handles: TaskHandle[] = [];
  for (const o of ops) {
    switch (o.kind) {
      case "allocate": {
        const vertexId = VERTICES[o.vertex] as string;
        const profile = PROFILES[o.profile];
        const tm = tms[o.pref];
        handles.push(
          c.tasks.allocate({
            vertexId,
            subtaskIndex: o.subtask,
            slotSharingGroup: "g",
            ...(o.vertex < 2 ? { coLocationConstraint: loop.constraint(o.subtask) } : {}),
            ...(profile === undefined ? {} : { profile }),
            ...(tm === undefined ? {} : { preferredLocations: [tm] }),
            queued: o.queued,
          }),
        );
        break;
      }
      case "release":
        handles[o.pick % Math.max(1, handles.length)]?.release();
        break;
      case "answer":
        c.answer(tms[o.tm] as TaskManagerLocation);
        break;
      case "offer":
        c.offerFree(tms[o.tm] as TaskManagerLocation);
        break;
      case "lose": {
        const tm = tms[o.tm] as TaskManagerLocation;
        c.pool.releaseTaskManager(tm.resourceId, new TaskManagerLostError("lost"));
        c.pool.registerTaskManager(tm.resourceId);
        break;
      }
      case "advance":
        c.scheduler.flush();
        break;
    }
    c.check();
    // Live co-located tasks of one constraint all run in one slot, on the constraint's TaskManager.
    for (const constraint of loop.constraints()) {
      const live = handles.filter((h) => {
        const r = h.result.result;
        return (
          r?.ok === true &&
          r.value.isAlive &&
          r.value.coLocationGroup === "loop" &&
          h.subtaskIndex === constraint.subtaskIndex
        );
      });
      const slots = new Set(
        live.map((h) => (h.result.result as { value: { allocationId: string } }).value.allocationId),
      );
      expect(slots.size).toBeLessThanOrEqual(1);
      for (const h of live) {
        const slot = (h.result.result as { value: { location: TaskManagerLocation } }).value;
        expect(slot.location.resourceId).toBe(constraint.location?.resourceId);
      }
    }
  }
}

describe("co-location under random operations", () => {
  it("keeps invariants 1–18, keeps co-located tasks together, and never moves a locked constraint", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => run(ops)),
      { numRuns: 300, seed: 7956 },
    );
  });
});
