import { taskManagerLocation } from "@slotpool/core";
import { describe, expect, it } from "vitest";
import { CoLocationConstraint, CoLocationGroup } from "../src/index.js";

describe("CoLocationGroup", () => {
  it("makes constraints 0…i lazily and returns the same object every time", () => {
    const loop = new CoLocationGroup("loop");
    expect(loop.size).toBe(0);
    const c2 = loop.constraint(2);
    expect(loop.size).toBe(3);
    expect(loop.constraint(2)).toBe(c2);
    expect(loop.constraints().map((c) => c.subtaskIndex)).toEqual([0, 1, 2]);
    expect(loop.constraint(0)).toBe(loop.constraints()[0]);
    expect(loop.constraints().every((c) => c.groupId === "loop")).toBe(true);
    expect(String(loop)).toBe("co-location group loop (3 constraints)");
  });

  it("rejects bad ids and indexes with INVALID_ARGUMENT", () => {
    expect(() => new CoLocationGroup("")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", path: "id" }));
    const loop = new CoLocationGroup("loop");
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => loop.constraint(bad)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT", path: "subtaskIndex" }),
      );
    }
    expect(loop.size).toBe(0);
  });
});

describe("CoLocationConstraint", () => {
  it("locks its location once; a second lock is an ILLEGAL_STATE error and changes nothing", () => {
    const c = new CoLocationGroup("loop").constraint(0);
    expect(c.isAssigned).toBe(false);
    expect(c.location).toBeUndefined();
    expect(() => c.getLocation()).toThrow(expect.objectContaining({ code: "ILLEGAL_STATE" }));
    const tm1 = taskManagerLocation("tm-1", "h1");
    c.lockLocation(tm1);
    expect(c.isAssigned).toBe(true);
    expect(c.getLocation()).toBe(tm1);
    expect(() => c.lockLocation(taskManagerLocation("tm-2"))).toThrow(
      expect.objectContaining({ code: "ILLEGAL_STATE" }),
    );
    expect(() => c.lockLocation(tm1)).toThrow(expect.objectContaining({ code: "ILLEGAL_STATE" }));
    expect(c.location).toBe(tm1);
    expect(String(c)).toBe("loop[0]@tm-1");
  });

  it("rejects a malformed location", () => {
    const c = new CoLocationConstraint("loop", 0);
    expect(() => c.lockLocation({ resourceId: 7 } as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(c.isAssigned).toBe(false);
  });
});
