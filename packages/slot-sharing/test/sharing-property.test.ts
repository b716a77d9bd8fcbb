import {
  AllocationFailedError,
  type AllocationId,
  type ResourceSpec,
  type TaskManagerLocation,
  TaskManagerLostError,
} from "@slotpool/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CoLocationConstraintLike, SingleTaskSlot, type TaskHandle } from "../src/index.js";
import { Cluster } from "./harness.js";

const PROFILES: (ResourceSpec | undefined)[] = [
  undefined,
  { cpu: 0.25, memoryMb: 128 },
  { cpu: 0.5, memoryMb: 256 },
  { cpu: 0.75, memoryMb: 256 },
  { cpu: 1, memoryMb: 1024 },
];
const SLOT_PROFILES: ResourceSpec[] = [
  { cpu: 1, memoryMb: 1024 },
  { cpu: 2, memoryMb: 2048 },
  { cpu: 0.5, memoryMb: 512 },
];

type Op =
  | {
      kind: "allocate";
      vertex: number;
      subtask: number;
      shared: boolean;
      profile: number;
      pref: number;
      queued: boolean;
      timeout: number;
    }
  | { kind: "release" | "cancel"; pick: number }
  | { kind: "offer" | "answer"; tm: number; count: number; profile: number }
  | { kind: "lose"; tm: number }
  | { kind: "failAllocation"; pick: number }
  | { kind: "advance"; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("allocate" as const),
      vertex: fc.nat(5),
      subtask: fc.nat(3),
      shared: fc.constantFrom(true, true, true, false),
      profile: fc.nat(PROFILES.length - 1),
      pref: fc.integer({ min: -1, max: 2 }),
      queued: fc.constantFrom(true, true, false),
      timeout: fc.constantFrom(0, 0, 0, 50, 1_000),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("release" as const, "cancel" as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("answer" as const),
      tm: fc.nat(2),
      count: fc.integer({ min: 1, max: 2 }),
      profile: fc.nat(SLOT_PROFILES.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("offer" as const),
      tm: fc.nat(2),
      count: fc.integer({ min: 1, max: 2 }),
      profile: fc.nat(SLOT_PROFILES.length - 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("lose" as const), tm: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("failAllocation" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.constantFrom(10, 100, 2_000) }) },
);

function constraintFor(cache: Map<number, CoLocationConstraintLike>, subtask: number): CoLocationConstraintLike {
  let c = cache.get(subtask);
  if (c === undefined) {
    let locked: TaskManagerLocation | undefined;
    c = {
      groupId: "loop",
      get location() {
        return locked;
      },
      slotRequestId: undefined,
      lockLocation(location) {
        if (locked !== undefined) throw new Error("locked twice");
        locked = location;
      },
    };
    cache.set(subtask, c);
  }
  return c;
}

function run(ops: Op[]): void {
  const c = new Cluster();
  const tms = [c.addTaskManager("tm-0", "h0"), c.addTaskManager("tm-1", "h0"), c.addTaskManager("tm-2", "h1")];
  const handles: TaskHandle[] = [];
  const constraints = new Map<number, CoLocationConstraintLike>();
  const lockedAt = new Map<CoLocationConstraintLike, string>();
  for (const o of ops) {
    switch (o.kind) {
      case "allocate": {
        // Vertices 4 and 5 are co-located (when shared), 0 to 3 never: a vertex is always or never co-located.
        const coLocated = o.shared && o.vertex >= 4;
        const profile = PROFILES[o.profile];
        const tm = tms[o.pref];
        handles.push(
          c.tasks.allocate({
            vertexId: `v${o.vertex}`,
            subtaskIndex: o.subtask,
            ...(o.shared ? { slotSharingGroup: "g" } : {}),
            ...(coLocated ? { coLocationConstraint: constraintFor(constraints, o.subtask) } : {}),
            ...(profile === undefined ? {} : { profile }),
            ...(tm === undefined ? {} : { preferredLocations: [tm] }),
            queued: o.queued,
            ...(o.timeout === 0 ? {} : { timeoutMs: o.timeout }),
          }),
        );
        break;
      }
      case "release":
      case "cancel": {
        const h = handles[o.pick % Math.max(1, handles.length)];
        if (h !== undefined) {
          if (o.kind === "release") h.release();
          else h.cancel();
        }
        break;
      }
      case "offer":
        c.offerFree(tms[o.tm] as TaskManagerLocation, o.count, SLOT_PROFILES[o.profile]);
        break;
      case "answer":
        c.answer(tms[o.tm] as TaskManagerLocation, o.count, SLOT_PROFILES[o.profile]);
        break;
      case "lose": {
        const tm = tms[o.tm] as TaskManagerLocation;
        c.pool.releaseTaskManager(tm.resourceId, new TaskManagerLostError(`${tm.resourceId} lost`));
        c.pool.registerTaskManager(tm.resourceId);
        break;
      }
      case "failAllocation": {
        const ids: AllocationId[] = [...c.pool.inspect().allocated.entries()].map(([, s]) => s.allocationId);
        for (const r of c.pool.inspect().pending.values()) if (r.allocationId !== undefined) ids.push(r.allocationId);
        const id = ids[o.pick % Math.max(1, ids.length)];
        if (id !== undefined) c.pool.failAllocation(id, new AllocationFailedError("broken"));
        break;
      }
      case "advance":
        c.advance(o.ms);
        break;
    }
    c.check();
    checkHandles(c, handles);
    for (const constraint of constraints.values()) {
      const loc = constraint.location?.resourceId;
      if (loc === undefined) continue;
      const before = lockedAt.get(constraint);
      if (before !== undefined) expect(loc).toBe(before);
      lockedAt.set(constraint, loc);
    }
  }
}

/** Every live placed task sits where its slot is; every waiting task is still known where it waits. */
function checkHandles(c: Cluster, handles: TaskHandle[]): void {
  const state = c.pool.inspect();
  const _m = c.tasks.sharingManager("g");
  const ownSlots = new Set<string>();
  for (const h of handles) {
    const o = h.result.result;
    const shared = h instanceof SingleTaskSlot && !h.isReleased && h.parent !== undefined ? h : undefined;
    if (o === undefined) {
      const waitsInPool =
        state.pending.get(h.requestId) !== undefined || state.waitingForResourceManager.get(h.requestId) !== undefined;
      expect(shared !== undefined || waitsInPool).toBe(true);
      continue;
    }
    if (!o.ok) {
      expect(h.released.result?.ok).toBe(true);
      expect(shared).toBeUndefined();
      continue;
    }
    const slot = o.value;
    if (!slot.isAlive) {
      expect(h.released.result?.ok).toBe(true);
      continue;
    }
    expect(state.allocated.contains(slot.allocationId)).toBe(true);
    if (slot.sharingGroup === undefined) {
      expect(ownSlots.has(slot.allocationId)).toBe(false);
      ownSlots.add(slot.allocationId);
      expect(state.allocated.getByRequestId(h.requestId)?.allocationId).toBe(slot.allocationId);
    } else {
      expect(shared?.kind).toBe("single");
    }
  }
}

describe("slot sharing under random operations", () => {
  it("keeps every pool and sharing invariant, never over-commits, and never loses a task", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => run(ops)),
      { numRuns: 150, seed: 20171214 },
    );
  });
});
