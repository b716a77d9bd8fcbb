import { describe, expect, it } from "vitest";
import {
  AllocatedSlot,
  AllocatedSlots,
  allocationId,
  IllegalStateError,
  InMemoryTaskExecutor,
  ResourceProfile,
  resourceId,
  slotRequestId,
  taskManagerLocation,
} from "../src/index.js";
import type { LazyKeyIndex } from "../src/lazy-key-index.js";
import type { SlotDirectory } from "../src/slot-directory.js";

function slot(id: string, tm: string, index = 0): AllocatedSlot {
  return new AllocatedSlot(
    allocationId(id),
    taskManagerLocation(tm, "host"),
    index,
    ResourceProfile.of({ cpu: 1, memoryMb: 1 }),
    new InMemoryTaskExecutor(resourceId(tm)),
  );
}

function fixture(): { used: AllocatedSlots; s: AllocatedSlot[] } {
  const used = new AllocatedSlots();
  const s = [slot("a1", "tm-a"), slot("a2", "tm-a", 1), slot("b1", "tm-b")];
  s.forEach((x, i) => {
    used.add(slotRequestId(`r${i}`), x);
  });
  expect(used.checkConsistency()).toEqual([]);
  return { used, s };
}

describe("AllocatedSlots", () => {
  it("reaches every slot by allocation id, by request id and by TaskManager", () => {
    const { used, s } = fixture();
    expect(used.size).toBe(3);
    expect(used.get(allocationId("a2"))).toBe(s[1]);
    expect(used.getByRequestId(slotRequestId("r1"))).toBe(s[1]);
    expect(used.requestIdOf(allocationId("a2"))).toBe("r1");
    expect(used.contains(allocationId("b1"))).toBe(true);
    expect(used.contains(allocationId("zz"))).toBe(false);
    expect(used.getSlotsForTaskManager(resourceId("tm-a"))).toEqual([s[0], s[1]]);
    expect(used.getSlotsForTaskManager(resourceId("tm-x"))).toEqual([]);
    expect(used.containsResource(resourceId("tm-b"))).toBe(true);
    expect([...used.entries()]).toEqual([
      ["r0", s[0]],
      ["r1", s[1]],
      ["r2", s[2]],
    ]);
  });

  it("rejects a second registration of an allocation id or a request id", () => {
    const { used, s } = fixture();
    expect(() => used.add(slotRequestId("r9"), s[0] as AllocatedSlot)).toThrow(IllegalStateError);
    expect(() => used.add(slotRequestId("r0"), slot("c1", "tm-c"))).toThrow(/already holds a slot/);
    expect(used.size).toBe(3);
    expect(used.containsResource(resourceId("tm-c"))).toBe(false);
    expect(used.checkConsistency()).toEqual([]);
  });

  it("removes by allocation id or request id from every view, dropping empty TaskManager entries", () => {
    const { used, s } = fixture();
    expect(used.remove(allocationId("b1"))).toBe(s[2]);
    expect(used.remove(allocationId("b1"))).toBeUndefined();
    expect(used.getByRequestId(slotRequestId("r2"))).toBeUndefined();
    expect(used.containsResource(resourceId("tm-b"))).toBe(false);
    expect(used.removeByRequestId(slotRequestId("r0"))).toBe(s[0]);
    expect(used.removeByRequestId(slotRequestId("r0"))).toBeUndefined();
    expect(used.get(allocationId("a1"))).toBeUndefined();
    expect(used.getSlotsForTaskManager(resourceId("tm-a"))).toEqual([s[1]]);
    expect(used.checkConsistency()).toEqual([]);
    // the request id can be used again
    used.add(slotRequestId("r0"), slot("a9", "tm-a", 9));
    expect(used.checkConsistency()).toEqual([]);
  });

  it("removes all slots of one TaskManager", () => {
    const { used, s } = fixture();
    expect(used.removeSlotsForTaskManager(resourceId("tm-a"))).toEqual([s[0], s[1]]);
    expect(used.removeSlotsForTaskManager(resourceId("tm-a"))).toEqual([]);
    expect(used.size).toBe(1);
    expect(used.getByRequestId(slotRequestId("r0"))).toBeUndefined();
    expect(used.get(allocationId("b1"))).toBe(s[2]);
    expect(used.checkConsistency()).toEqual([]);
  });

  it("clear forgets everything without touching payloads", () => {
    const { used, s } = fixture();
    const released: Error[] = [];
    s[0]?.tryAssignPayload({ release: (e) => released.push(e) });
    used.clear();
    expect(used.size).toBe(0);
    expect(used.containsResource(resourceId("tm-a"))).toBe(false);
    expect(released).toEqual([]);
    expect(s[0]?.isUsed).toBe(true);
  });

  it("checkConsistency reports views that disagree", () => {
    const { used } = fixture();
    // The request-id index hashes lazily now (LazyKeyIndex); this drops r1 from its hash map.
    (
      (used as unknown as { byRequestId: LazyKeyIndex<string, AllocatedSlot> }).byRequestId.hashed() as Map<
        string,
        AllocatedSlot
      >
    ).delete("r1");
    expect(used.checkConsistency()).toEqual([expect.stringContaining("views disagree (by id 3, by request 2")]);
    // The per-TaskManager view is now a chain in the TaskManager's directory record (it was a Set).
    const other = fixture().used;
    const record = (other as unknown as { directory: SlotDirectory }).directory.taskManager(resourceId("tm-b"));
    if (record === undefined) throw new Error("no record for tm-b");
    record.usedHead = undefined;
    record.usedTail = undefined;
    expect(other.checkConsistency()).toEqual(
      expect.arrayContaining([
        "allocated: TM tm-b chain has 0 slots, counts 1",
        "allocated: views disagree (by id 3, by request 3, by TM 2)",
      ]),
    );
  });
});

describe("AllocatedSlot", () => {
  it("holds at most one payload and tells it once when released", () => {
    const s = slot("x", "tm-x", 3);
    const told: Error[] = [];
    expect(s.isUsed).toBe(false);
    expect(s.tryAssignPayload({ release: (e) => told.push(e) })).toBe(true);
    expect(s.tryAssignPayload({ release: () => told.push(new Error("wrong payload")) })).toBe(false);
    const cause = new Error("gone");
    s.releasePayload(cause);
    s.releasePayload(new Error("again"));
    expect(told).toEqual([cause]);
    expect(s.isUsed).toBe(false);
    expect(s.tryAssignPayload({ release: () => {} })).toBe(true);
    s.clearPayload();
    expect(s.payload).toBeUndefined();
    expect(String(s)).toBe("x@tm-x[3]");
  });

  it("serializes its data to JSON, not the links its indexes keep in it", () => {
    const { used, s } = fixture();
    expect(used.size).toBe(3);
    const json = JSON.parse(JSON.stringify({ slot: s[0] }));
    expect(json).toEqual({
      slot: {
        allocationId: "a1",
        location: { resourceId: "tm-a", host: "host" },
        slotIndex: 0,
        profile: JSON.parse(JSON.stringify(ResourceProfile.of({ cpu: 1, memoryMb: 1 }))),
        gateway: JSON.parse(JSON.stringify(new InMemoryTaskExecutor(resourceId("tm-a")))),
      },
    });
  });
});
