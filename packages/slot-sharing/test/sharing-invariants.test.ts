import { Locality, ResourceProfile } from "@slotpool/core";
import { describe, expect, it } from "vitest";
import {
  assertSharingInvariants,
  checkSharingInvariants,
  type MultiTaskSlot,
  type SingleTaskSlot,
} from "../src/index.js";
import { Cluster, leafOf, rootOf } from "./harness.js";

function setup() {
  const c = new Cluster();
  const tm = c.addTaskManager("tm-1");
  c.offerFree(tm, 2);
  const a0 = c.tasks.allocate({
    vertexId: "a",
    subtaskIndex: 0,
    slotSharingGroup: "g",
    profile: { cpu: 0.5, memoryMb: 1 },
  });
  const b0 = c.tasks.allocate({
    vertexId: "b",
    subtaskIndex: 0,
    slotSharingGroup: "g",
    profile: { cpu: 0.5, memoryMb: 1 },
  });
  const a1 = c.tasks.allocate({
    vertexId: "a",
    subtaskIndex: 1,
    slotSharingGroup: "g",
    profile: { cpu: 0.5, memoryMb: 1 },
  });
  const p = c.tasks.allocate({ vertexId: "p", subtaskIndex: 0, slotSharingGroup: "g2" });
  const m = c.tasks.sharingManager("g");
  if (m === undefined) throw new Error("no manager");
  const leaf = leafOf;
  const root = rootOf;
  expect(checkSharingInvariants(c.tasks, { pool: c.pool })).toEqual([]);
  return { c, m, a0, b0, a1, p, leaf, root };
}

describe("checkSharingInvariants finds what is wrong", () => {
  it("is silent on a consistent scheduler and on a single manager", () => {
    const { c, m } = setup();
    expect(checkSharingInvariants(m)).toEqual([]);
    expect(() => assertSharingInvariants(c.tasks, { pool: c.pool })).not.toThrow();
  });

  it("(11) a node missing from the node index", () => {
    const { c, m, b0, root } = setup();
    m.unregister(root(b0));
    expect(checkSharingInvariants(c.tasks).join("\n")).toMatch(/\(11\) root .* is not registered/);
    expect(() => assertSharingInvariants(c.tasks)).toThrow(/invariant violation/);
  });

  it("(16) a root that is no longer its slot's payload", () => {
    const { c, a0, root } = setup();
    root(a0).slot?.clearPayload();
    expect(checkSharingInvariants(c.tasks).join("\n")).toMatch(/\(16\) root .* is not the payload/);
  });

  it("(17) a wrong locality under a pending root", () => {
    const c = new Cluster();
    const h = c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const leaf = leafOf(h);
    leaf.locality = Locality.LOCAL;
    expect(checkSharingInvariants(c.tasks).join("\n")).toMatch(
      /\(17\) leaf .* under pending root .* has locality LOCAL/,
    );
  });

  it("an over-committed slot", () => {
    const { c, a1, b0, root } = setup();
    c.tasks.allocate({ vertexId: "d", subtaskIndex: 0, slotSharingGroup: "g", profile: { cpu: 0.5, memoryMb: 1 } });
    expect(checkSharingInvariants(c.tasks)).toEqual([]);
    const from = root(b0);
    const to = root(a1);
    const bLeaf = [...from.children.values()].find((x) => x.kind === "single" && x === b0) as SingleTaskSlot;
    // Move a task onto a full slot behind the scheduler's back.
    from.detachChild(bLeaf);
    to.adoptChild(bLeaf, Locality.UNKNOWN);
    const text = checkSharingInvariants(c.tasks).join("\n");
    expect(text).toMatch(/is over-committed: its tasks need cpu 1.5, 3 MB, it offers cpu 1, 1024 MB/);
    expect(text).toMatch(/\(17\) leaf .* was given .* but sits on/);
  });

  it("a running sum of reserved resources that drifted", () => {
    const { c, a0, root } = setup();
    (root(a0) as unknown as { usage: { add(p: unknown): void } }).usage.add(
      ResourceProfile.of({ cpu: 0.1, memoryMb: 0 }),
    );
    expect(checkSharingInvariants(c.tasks).join("\n")).toMatch(
      /counts cpu 1.1, 2 MB reserved, its tasks sum to cpu 1, 2 MB/,
    );
  });

  it("(14) a group twice under one root, and two subtasks of one vertex in one slot", () => {
    const { c, m, a0, a1, leaf, root } = setup();
    const r = root(a0);
    const other = leaf(a1);
    (r as unknown as { childMap: Map<unknown, unknown> }).childMap.set(m.vertexKey("a-again"), other);
    const text = checkSharingInvariants(c.tasks).join("\n");
    expect(text).toMatch(/hosts two subtasks of vertex a/);
    expect(text).toMatch(/is filed under vertex:a-again/);
  });

  it("candidate indexes that disagree with the trees", () => {
    const { c, m, a1, root } = setup();
    m.getResolvedRootSlot(m.vertexKey("b"), []);
    for (const [key, availability] of m.indexedGroups()) if (key.id === "b") availability.remove(root(a1));
    expect(checkSharingInvariants(c.tasks).join("\n")).toMatch(/candidates of vertex:b: root .* missing/);
  });

  it("(16) with a pool: a pending root whose request is gone", () => {
    const c = new Cluster();
    c.tasks.allocate({ vertexId: "a", subtaskIndex: 0, slotSharingGroup: "g" });
    const root = [...(c.tasks.sharingManager("g")?.unresolvedRoots() ?? [])][0] as MultiTaskSlot;
    (c.pool.inspect().pending as unknown as { remove(id: unknown): void }).remove(root.allocatedSlotRequestId);
    expect(checkSharingInvariants(c.tasks, { pool: c.pool }).join("\n")).toMatch(/has no pending physical request/);
  });
});
