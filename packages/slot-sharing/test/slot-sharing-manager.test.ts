import {
  IllegalStateError,
  Locality,
  ResourceProfile,
  SlotReleasedError,
  type TaskManagerLocation,
  TaskManagerLostError,
} from "@slotpool/core";
import { describe, expect, it } from "vitest";
import type { CoLocationConstraintLike } from "../src/index.js";
import { Cluster, isWaiting, placed, rootOf } from "./harness.js";

function constraint(groupId: string): CoLocationConstraintLike {
  let locked: TaskManagerLocation | undefined;
  return {
    groupId,
    get location() {
      return locked;
    },
    slotRequestId: undefined,
    lockLocation(location) {
      if (locked !== undefined) throw new IllegalStateError("locked twice");
      locked = location;
    },
  };
}

describe("SlotSharingManager: the tree (§3)", () => {
  it("nests co-located tasks under a co-location node and answers contains() recursively", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1);
    const loop = constraint("loop");
    const head = c.tasks.allocate({
      vertexId: "head",
      subtaskIndex: 0,
      slotSharingGroup: "g",
      coLocationConstraint: loop,
    });
    const tail = c.tasks.allocate({
      vertexId: "tail",
      subtaskIndex: 0,
      slotSharingGroup: "g",
      coLocationConstraint: loop,
    });
    const map = c.tasks.allocate({ vertexId: "map", subtaskIndex: 0, slotSharingGroup: "g" });
    c.check();
    const m = c.tasks.sharingManager("g");
    if (m === undefined) throw new Error("no manager");
    const root = rootOf(head);
    expect(rootOf(map)).toBe(root);
    expect(placed(tail).locality).toBe(Locality.LOCAL);
    expect(root.contains(m.vertexKey("tail"))).toBe(true);
    expect(root.contains(m.coLocationKey("loop"))).toBe(true);
    expect(root.contains(m.vertexKey("loop"))).toBe(false);
    expect([...root.children.keys()].map(String)).toEqual(["co-location:loop", "vertex:map"]);
    expect([...root.leaves()].map((l) => l.vertexId)).toEqual(["head", "tail", "map"]);
    const node = m.getTaskSlot(loop.slotRequestId!);
    expect(node?.kind === "multi" && node.parent === root).toBe(true);
    expect(loop.location).toEqual(tm);
    const stray = c.tasks.allocate({
      vertexId: "tail",
      subtaskIndex: 1,
      slotSharingGroup: "g",
      coLocationConstraint: loop,
    });
    expect(stray.result.result).toMatchObject({ ok: false, error: { code: "ILLEGAL_STATE" } });
    expect(String((stray.result.result as { error: Error }).error.message)).toMatch(/already contains vertex:tail/);
  });

  it("releasing the last task of a co-location node releases the node, then the root, then returns the slot", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1);
    const loop = constraint("loop");
    const head = c.tasks.allocate({
      vertexId: "head",
      subtaskIndex: 0,
      slotSharingGroup: "g",
      coLocationConstraint: loop,
    });
    const tail = c.tasks.allocate({
      vertexId: "tail",
      subtaskIndex: 0,
      slotSharingGroup: "g",
      coLocationConstraint: loop,
    });
    const m = c.tasks.sharingManager("g");
    const nodeId = loop.slotRequestId!;
    head.release();
    expect(m?.getTaskSlot(nodeId)).toBeDefined();
    c.check();
    tail.release();
    expect(m?.getTaskSlot(nodeId)).toBeUndefined();
    expect(m?.isEmpty).toBe(true);
    expect(c.freeSlots).toBe(1);
    c.check();
  });

  it("a co-location node released on its own leaves the root to its other tasks, which can take the group again", () => {
    const c = new Cluster();
    const tm = c.addTaskManager("tm-1");
    c.offerFree(tm, 1);
    const loop = constraint("loop");
    const head = c.tasks.allocate({
      vertexId: "head",
      subtaskIndex: 0,
      slotSharingGroup: "g",
      coLocationConstraint: loop,
    });
    const map = c.tasks.allocate({ vertexId: "map", subtaskIndex: 0, slotSharingGroup: "g" });
    const m = c.tasks.sharingManager("g");
    const node = m?.getTaskSlot(loop.slotRequestId!);
    if (node?.kind !== "multi") throw new Error("no node");
    node.release(new SlotReleasedError("node gone"));
    expect(head.released.result).toMatchObject({ ok: true, value: { message: "node gone" } });
    expect(placed(map).isAlive).toBe(true);
    expect(rootOf(map).contains(m!.coLocationKey("loop"))).toBe(false);
    c.check();
    const again = c.tasks.allocate({
      vertexId: "head",
      subtaskIndex: 0,
      slotSharingGroup: "g",
      coLocationConstraint: loop,
    });
    expect(placed(again).allocationId).toBe(placed(map).allocationId);
    expect(placed(again).locality).toBe(Locality.LOCAL);
    c.check();
  });

  it("releasing a pending root fails its tasks with the cause and withdraws the request", () => {
    const c = new Cluster();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const b = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g" });
    const root = rootOf(a);
    const cause = new TaskManagerLostError("gone");
    root.release(cause);
    expect(a.result.result).toEqual({ ok: false, error: cause });
    expect(b.result.result).toEqual({ ok: false, error: cause });
    expect(root.isReleased).toBe(true);
    expect(c.rm.cancelled).toHaveLength(1);
    root.release(cause);
    expect(c.rm.cancelled).toHaveLength(1);
    c.check();
  });

  it("offers pending roots in creation order, and a root again once the vertex's task left it", () => {
    const c = new Cluster();
    const a0 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const a1 = c.tasks.allocate({ vertexId: "a", subtaskIndex: 1, slotSharingGroup: "g" });
    const b0 = c.tasks.allocate({ vertexId: "b", subtaskIndex: 0, slotSharingGroup: "g" });
    const b1 = c.tasks.allocate({ vertexId: "b", subtaskIndex: 1, slotSharingGroup: "g" });
    expect(rootOf(b0)).toBe(rootOf(a0));
    expect(rootOf(b1)).toBe(rootOf(a1));
    b0.release();
    const b2 = c.tasks.allocate({ vertexId: "b", subtaskIndex: 2, slotSharingGroup: "g" });
    expect(rootOf(b2)).toBe(rootOf(a0));
    expect(c.rm.requests).toHaveLength(2);
    c.check();
  });

  it("chooses among many resolved roots by TaskManager, then host, then anywhere", () => {
    const c = new Cluster();
    const tms = Array.from({ length: 6 }, (_, i) => c.addTaskManager(`tm-${i}`, `h${i % 3}`));
    for (const tm of tms) c.offerFree(tm, 2);
    const a = tms.flatMap((tm, i) =>
      [0, 1].map((k) =>
        c.tasks.allocate({
          vertexId: "a",
          subtaskIndex: 2 * i + k,
          slotSharingGroup: "g",
          preferredLocations: [tm],
        }),
      ),
    );
    expect(a.every((h) => placed(h).locality === Locality.LOCAL)).toBe(true);
    const m = c.tasks.sharingManager("g");
    if (m === undefined) throw new Error("no manager");
    const key = m.vertexKey("b");
    const tm4 = tms[4] as TaskManagerLocation;
    const local = m.getResolvedRootSlot(key, [taskManagerAt(c, "tm-9", "h9"), tm4]);
    expect(local?.locality).toBe(Locality.LOCAL);
    expect(local?.root.slot?.location).toEqual(tm4);
    const host = m.getResolvedRootSlot(key, [taskManagerAt(c, "tm-9", "h2")]);
    expect(host?.locality).toBe(Locality.HOST_LOCAL);
    expect(host?.root.slot?.location.host).toBe("h2");
    const anywhere = m.getResolvedRootSlot(key, [taskManagerAt(c, "tm-9", "h9")]);
    expect(anywhere?.locality).toBe(Locality.NON_LOCAL);
    expect(m.getResolvedRootSlot(key, [])?.locality).toBe(Locality.UNCONSTRAINED);
    expect(m.getResolvedRootSlot(m.vertexKey("a"), [tm4])).toBeUndefined();
    expect(m.getResolvedRootSlot(key, [tm4], ResourceProfile.of({ cpu: 2, memoryMb: 1 }))).toBeUndefined();
    c.check();
  });

  it("keeps waiting tasks waiting when their slot is still pending", () => {
    const c = new Cluster();
    const a = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    expect(isWaiting(a)).toBe(true);
    expect(rootOf(a).isResolved).toBe(false);
    expect(String(rootOf(a))).toMatch(/pending/);
    expect(String(c.tasks.sharingManager("g"))).toBe("sharing group g: 1 inner nodes, 0 resolved, 1 pending");
  });
});

function taskManagerAt(_c: Cluster, id: string, host: string): TaskManagerLocation {
  return { resourceId: id as TaskManagerLocation["resourceId"], host };
}
