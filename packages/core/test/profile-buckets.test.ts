import { describe, expect, it } from "vitest";
import {
  AllocatedSlot,
  AvailableSlots,
  allocationId,
  InMemoryTaskExecutor,
  PendingRequest,
  PendingRequests,
  ResourceProfile,
  resourceId,
  slotRequestId,
  taskManagerLocation,
} from "../src/index.js";

// This file fills the process-wide profile intern table on purpose (each test file runs in its own
// module context), to cover profiles made after it is full: they have no ordinal, and the
// indexes bucket them by key instead.

function slot(id: string, profile: ResourceProfile): AllocatedSlot {
  return new AllocatedSlot(
    allocationId(id),
    taskManagerLocation("tm-1", "h"),
    0,
    profile,
    new InMemoryTaskExecutor(resourceId("tm-1")),
  );
}

describe("profile buckets (by ordinal, and by key once the intern table is full)", () => {
  it("equal profiles made after the intern table filled up share one bucket", () => {
    for (let i = 0; i < 5000; i++) ResourceProfile.of({ cpu: 1000 + i, memoryMb: 1 });
    const a = ResourceProfile.of({ cpu: 99_999, memoryMb: 7 });
    const b = ResourceProfile.of({ cpu: 99_999, memoryMb: 7 });
    expect(a).not.toBe(b); // not interned: two objects, one key
    expect(a.equals(b)).toBe(true);
    const free = new AvailableSlots();
    free.add(slot("first", a), 1);
    free.add(slot("second", b), 2);
    expect([...free.profiles()].map(([p, n]) => [p.key, n])).toEqual([[a.key, 2]]);
    expect(free.findAny(b)?.allocationId).toBe("first");
    free.tryRemove(allocationId("first"));
    expect(free.findAny(a)?.allocationId).toBe("second");
    expect(free.countMatching(ResourceProfile.UNKNOWN)).toBe(1);
    expect(free.checkConsistency()).toEqual([]);

    const q = new PendingRequests();
    const r1 = new PendingRequest(slotRequestId("r1"), a);
    const r2 = new PendingRequest(slotRequestId("r2"), b);
    q.add(r1);
    q.add(r2);
    expect(q.pollMatching(b)).toBe(r1);
    expect(q.pollMatching(a)).toBe(r2);
    expect(q.checkConsistency("q")).toEqual([]);
  });
});
