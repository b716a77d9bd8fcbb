import type { SlotRequestId } from "@slotpool/core";
import { taskManagerLocation } from "@slotpool/core";
import { describe, expect, it } from "vitest";
import { assertCoLocationInvariants, CoLocationGroup, checkCoLocationInvariants } from "../src/index.js";
import { Cluster, placed } from "./harness.js";

function setup() {
  const c = new Cluster();
  const loop = new CoLocationGroup("loop");
  c.groups.push(loop);
  const tm1 = c.addTaskManager("tm-1");
  c.offerFree(tm1, 2);
  const heads = [0, 1].map((i) =>
    c.tasks.allocate({
      vertexId: "head",
      subtaskIndex: i,
      slotSharingGroup: "g",
      coLocationConstraint: loop.constraint(i),
    }),
  );
  const map = c.tasks.allocate({ vertexId: "map", subtaskIndex: 0, slotSharingGroup: "g" });
  expect(checkCoLocationInvariants(loop, c.tasks)).toEqual([]);
  return { c, loop, heads, map };
}

describe("checkCoLocationInvariants (invariant 18)", () => {
  it("is silent when consistent, for one group or several", () => {
    const { c, loop } = setup();
    expect(checkCoLocationInvariants([loop, new CoLocationGroup("other")], c.tasks)).toEqual([]);
    expect(() => assertCoLocationInvariants(loop, c.tasks)).not.toThrow();
  });

  it("reports a locked location that changed between two checks", () => {
    const { c, loop } = setup();
    (loop.constraint(0) as unknown as { locked: unknown }).locked = taskManagerLocation("tm-9");
    const text = checkCoLocationInvariants(loop, c.tasks).join("\n");
    expect(text).toMatch(/moved from tm-1 to tm-9/);
    expect(text).toMatch(/locked to tm-9 but its node runs on/);
    expect(() => assertCoLocationInvariants(loop, c.tasks)).toThrow(/invariant violation/);
  });

  it("reports a constraint pointing at something that is not its co-location node", () => {
    const { c, loop, map, heads } = setup();
    const root = c.tasks.sharingManager("g")?.getTaskSlot(loop.constraint(0).slotRequestId!)?.root;
    loop.constraint(0).slotRequestId = root?.requestId;
    loop.constraint(1).slotRequestId = undefined;
    const text = checkCoLocationInvariants(loop, c.tasks).join("\n");
    expect(text).toMatch(/points at root .*, which is not a co-location node/);
    expect(placed(map).isAlive).toBe(true);
    expect(text).toMatch(/is not the current node of its constraint/);
    expect(placed(heads[1]!).isAlive).toBe(true);
  });

  it("reports two constraints sharing one slot and a constraint holding another's node", () => {
    const { c, loop } = setup();
    loop.constraint(1).slotRequestId = loop.constraint(0).slotRequestId as SlotRequestId;
    const text = checkCoLocationInvariants(loop, c.tasks).join("\n");
    expect(text).toMatch(/which holds another constraint/);
    expect(text).toMatch(/share physical slot/);
  });

  it("accepts a stale pointer (the node was released meanwhile)", () => {
    const { c, loop, heads } = setup();
    heads[0]?.release();
    expect(loop.constraint(0).slotRequestId).toBeDefined();
    expect(checkCoLocationInvariants(loop, c.tasks)).toEqual([]);
  });
});
