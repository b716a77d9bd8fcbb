import { describe, expect, it } from "vitest";
import {
  allocationId,
  jobMasterId,
  resourceId,
  sameLocation,
  sequentialIds,
  slotRequestId,
  taskManagerLocation,
} from "../src/index.js";

describe("ids", () => {
  it("brand non-empty strings and reject anything else", () => {
    for (const make of [slotRequestId, allocationId, resourceId, jobMasterId]) {
      expect(make("x-1")).toBe("x-1");
      expect(() => make("")).toThrow(TypeError);
      expect(() => make(7 as never)).toThrow(/must be a non-empty string, got 7/);
    }
  });

  it("sequentialIds counts request and allocation ids separately, from 1, with an optional prefix", () => {
    const ids = sequentialIds();
    expect([ids.nextSlotRequestId(), ids.nextSlotRequestId(), ids.nextAllocationId()]).toEqual([
      "req-1",
      "req-2",
      "alloc-1",
    ]);
    const job = sequentialIds("job-a/");
    expect([job.nextAllocationId(), job.nextSlotRequestId()]).toEqual(["job-a/alloc-1", "job-a/req-1"]);
    // generators are independent
    expect(sequentialIds().nextAllocationId()).toBe("alloc-1");
  });
});

describe("TaskManagerLocation", () => {
  it("defaults the host to the id, is frozen, and compares TaskManager and host", () => {
    const a = taskManagerLocation("tm-1");
    expect(a).toEqual({ resourceId: "tm-1", host: "tm-1" });
    expect(Object.isFrozen(a)).toBe(true);
    expect(sameLocation(a, taskManagerLocation("tm-1", "tm-1"))).toBe(true);
    expect(sameLocation(a, taskManagerLocation("tm-1", "other"))).toBe(false);
    expect(sameLocation(a, taskManagerLocation("tm-2", "tm-1"))).toBe(false);
    expect(() => taskManagerLocation("tm-1", "")).toThrow(TypeError);
    expect(() => taskManagerLocation("")).toThrow(TypeError);
  });
});
