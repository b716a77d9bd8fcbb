import { describe, expect, it } from "vitest";
import {
  AllocatedSlot,
  AvailableSlots,
  allocationId,
  IllegalStateError,
  InMemoryTaskExecutor,
  ResourceProfile,
  resourceId,
  taskManagerLocation,
} from "../src/index.js";
import type { SlotDirectory } from "../src/slot-directory.js";

const SMALL = ResourceProfile.of({ cpu: 1, memoryMb: 512 });
const BIG = ResourceProfile.of({ cpu: 4, memoryMb: 4096 });
const GPU = ResourceProfile.of({ cpu: 4, memoryMb: 4096, extended: { gpu: 1 } });

function slot(id: string, tm: string, host: string, profile: ResourceProfile = SMALL, index = 0): AllocatedSlot {
  return new AllocatedSlot(
    allocationId(id),
    taskManagerLocation(tm, host),
    index,
    profile,
    new InMemoryTaskExecutor(resourceId(tm)),
  );
}

/** The directory behind an index (private): where its per-TaskManager and per-host records live. */
function directoryOf(index: AvailableSlots): SlotDirectory {
  return (index as unknown as { directory: SlotDirectory }).directory;
}

function fixture() {
  const free = new AvailableSlots();
  const slots = {
    a1: slot("a1", "tm-a", "host-1", SMALL),
    a2: slot("a2", "tm-a", "host-1", BIG, 1),
    b1: slot("b1", "tm-b", "host-1", BIG),
    c1: slot("c1", "tm-c", "host-2", GPU),
    c2: slot("c2", "tm-c", "host-2", SMALL, 1),
  };
  Object.values(slots).forEach((s, i) => {
    free.add(s, (i + 1) * 10);
  });
  expect(free.checkConsistency()).toEqual([]);
  return { free, slots };
}

describe("AvailableSlots", () => {
  it("adds, finds by id and remembers since when a slot is free", () => {
    const { free, slots } = fixture();
    expect(free.size).toBe(5);
    expect(free.contains(allocationId("b1"))).toBe(true);
    expect(free.get(allocationId("b1"))).toBe(slots.b1);
    expect(free.since(allocationId("b1"))).toBe(30);
    expect(free.get(allocationId("zz"))).toBeUndefined();
    expect(free.since(allocationId("zz"))).toBeUndefined();
    expect([...free.values()]).toEqual(Object.values(slots));
  });

  it("rejects adding the same allocation id twice", () => {
    const { free, slots } = fixture();
    expect(() => free.add(slots.a1, 99)).toThrow(IllegalStateError);
    expect(() => free.add(slot("a1", "tm-z", "host-9"), 99)).toThrow(/already available/);
    expect(free.size).toBe(5);
    expect(free.checkConsistency()).toEqual([]);
  });

  it("finds the oldest matching slot on a TaskManager, on a host, and anywhere", () => {
    const { free, slots } = fixture();
    expect(free.findOnTaskManager(resourceId("tm-a"), SMALL)).toBe(slots.a1);
    expect(free.findOnTaskManager(resourceId("tm-a"), BIG)).toBe(slots.a2);
    expect(free.findOnTaskManager(resourceId("tm-a"), GPU)).toBeUndefined();
    expect(free.findOnTaskManager(resourceId("tm-x"), SMALL)).toBeUndefined();
    expect(free.findOnHost("host-1", BIG)).toBe(slots.a2);
    expect(free.findOnHost("host-2", BIG)).toBe(slots.c1);
    expect(free.findOnHost("host-2", GPU)).toBe(slots.c1);
    expect(free.findOnHost("host-3", SMALL)).toBeUndefined();
    expect(free.findAny(ResourceProfile.UNKNOWN)).toBe(slots.a1);
    expect(free.findAny(BIG)).toBe(slots.a2);
    expect(free.findAny(GPU)).toBe(slots.c1);
    expect(free.findAny(ResourceProfile.of({ cpu: 8, memoryMb: 1 }))).toBeUndefined();
    // finding never removes
    expect(free.size).toBe(5);
  });

  it("lists matching slots and per-TaskManager views", () => {
    const { free, slots } = fixture();
    expect(new Set(free.matching(BIG))).toEqual(new Set([slots.a2, slots.b1, slots.c1]));
    expect([...free.matching(GPU)]).toEqual([slots.c1]);
    expect([...free.slotsOnTaskManager(resourceId("tm-c"))]).toEqual([slots.c1, slots.c2]);
    expect([...free.slotsOnTaskManager(resourceId("tm-x"))]).toEqual([]);
    expect(free.countOnTaskManager(resourceId("tm-a"))).toBe(2);
    expect(free.countOnTaskManager(resourceId("tm-x"))).toBe(0);
    expect([...free.taskManagers()]).toEqual(["tm-a", "tm-b", "tm-c"]);
  });

  it("counts matching slots and lists the distinct profiles without scanning slots", () => {
    const { free } = fixture();
    expect(free.countMatching(ResourceProfile.UNKNOWN)).toBe(5);
    expect(free.countMatching(BIG)).toBe(3);
    expect(free.countMatching(GPU)).toBe(1);
    expect(free.countMatching(ResourceProfile.of({ cpu: 99, memoryMb: 1 }))).toBe(0);
    expect([...free.profiles()].map(([p, n]) => [String(p), n])).toEqual([
      [String(SMALL), 2],
      [String(BIG), 2],
      [String(GPU), 1],
    ]);
    free.tryRemove(allocationId("c1"));
    expect(free.countMatching(GPU)).toBe(0);
    expect([...free.profiles()].map(([p]) => p)).toEqual([SMALL, BIG]);
  });

  it("removes from every view and drops empty per-TaskManager and per-host entries", () => {
    const { free, slots } = fixture();
    expect(free.tryRemove(allocationId("b1"))).toBe(slots.b1);
    expect(free.tryRemove(allocationId("b1"))).toBeUndefined();
    expect(free.containsTaskManager(resourceId("tm-b"))).toBe(false);
    expect(free.findAny(BIG)).toBe(slots.a2);
    expect(free.checkConsistency()).toEqual([]);
    free.tryRemove(allocationId("c1"));
    free.tryRemove(allocationId("c2"));
    expect(free.findOnHost("host-2", ResourceProfile.UNKNOWN)).toBeUndefined();
    expect(free.findAny(GPU)).toBeUndefined();
    expect(free.checkConsistency()).toEqual([]);
    expect(free.size).toBe(2);
  });

  it("removes all slots of one TaskManager and nothing else", () => {
    const { free, slots } = fixture();
    expect(free.removeAllForTaskManager(resourceId("tm-a"))).toEqual([slots.a1, slots.a2]);
    expect(free.removeAllForTaskManager(resourceId("tm-a"))).toEqual([]);
    expect(free.containsTaskManager(resourceId("tm-a"))).toBe(false);
    expect(free.containsTaskManager(resourceId("tm-b"))).toBe(true);
    expect(free.findOnHost("host-1", SMALL)).toBe(slots.b1);
    expect(free.size).toBe(3);
    expect(free.checkConsistency()).toEqual([]);
  });

  it("knows the slot free the longest, across profiles", () => {
    const { free, slots } = fixture();
    const oldest = (): [unknown, unknown] => [free.oldest()?.slot, free.oldest()?.since];
    expect(oldest()).toEqual([slots.a1, 10]);
    free.tryRemove(allocationId("a1"));
    expect(oldest()).toEqual([slots.a2, 20]);
    free.add(slots.a1, 100);
    free.tryRemove(allocationId("a2"));
    expect(oldest()).toEqual([slots.b1, 30]);
    expect(free.findOnTaskManager(resourceId("tm-a"), SMALL)).toBe(slots.a1);
  });

  it("a re-added slot goes to the back of every FIFO", () => {
    const { free, slots } = fixture();
    free.tryRemove(allocationId("a2"));
    free.add(slots.a2, 100);
    expect(free.findAny(BIG)).toBe(slots.b1);
    expect(free.findOnHost("host-1", BIG)).toBe(slots.b1);
    expect(free.checkConsistency()).toEqual([]);
  });

  it("clear forgets everything", () => {
    const { free, slots } = fixture();
    free.clear();
    expect(free.size).toBe(0);
    expect(free.findAny(ResourceProfile.UNKNOWN)).toBeUndefined();
    expect(free.oldest()).toBeUndefined();
    expect([...free.taskManagers()]).toEqual([]);
    free.add(slots.a1, 1);
    expect(free.findAny(SMALL)).toBe(slots.a1);
    expect(free.checkConsistency()).toEqual([]);
  });

  it("stays correct while many profiles come and go (empty profile buckets are collected)", () => {
    const free = new AvailableSlots();
    const gpu = (k: number) => ResourceProfile.of({ cpu: k, memoryMb: 1, extended: { gpu: k % 3 } });
    const keep = slot("keep", "tm-k", "host-k", ResourceProfile.of({ cpu: 0.5, memoryMb: 1 }));
    free.add(keep, 0);
    for (let k = 1; k <= 300; k++) {
      // warm the query cache, then create a new profile bucket and empty the previous one
      expect(free.findAny(ResourceProfile.of({ cpu: 1, memoryMb: 1 }))?.allocationId ?? "none").toBe(
        k === 1 ? "none" : `s${k - 1}`,
      );
      free.add(slot(`s${k}`, `tm-${k % 7}`, `host-${k % 3}`, gpu(k)), k);
      if (k > 1) free.tryRemove(allocationId(`s${k - 1}`));
      expect(free.findAny(ResourceProfile.of({ cpu: k, memoryMb: 1 }))?.allocationId).toBe(`s${k}`);
      expect(free.findAny(ResourceProfile.of({ cpu: k + 1, memoryMb: 1 }))).toBeUndefined();
      expect(free.findAny(ResourceProfile.UNKNOWN)?.allocationId).toBe("keep");
      expect(free.checkConsistency()).toEqual([]);
    }
    expect(free.size).toBe(2);
    expect([...free.matching(ResourceProfile.UNKNOWN)].map((x) => x.allocationId).sort()).toEqual(["keep", "s300"]);
  });

  it("checkConsistency reports a slot that has a payload", () => {
    const { free, slots } = fixture();
    slots.b1.tryAssignPayload({ release: () => {} });
    expect(free.checkConsistency()).toEqual([expect.stringContaining("has a payload (invariant 6)")]);
  });

  it("checkConsistency reports views that disagree", () => {
    // Corrupts the per-TaskManager and per-host chains behind the index's back. (These records replaced
    // the per-TaskManager Sets and per-host map entries this test corrupted before the intrusive index.)
    const { free } = fixture();
    const tmA = directoryOf(free).taskManager(resourceId("tm-a"));
    if (tmA === undefined) throw new Error("no record for tm-a");
    tmA.freeHead = undefined;
    tmA.freeTail = undefined;
    expect(free.checkConsistency()).toEqual(
      expect.arrayContaining([
        "available: TM tm-a chain has 0 slots, counts 2",
        expect.stringContaining("views disagree (by id 5, by TM 3"),
      ]),
    );
    const other = fixture().free;
    const host2 = directoryOf(other).host("host-2");
    if (host2 === undefined) throw new Error("no record for host-2");
    host2.firstMember = undefined; // a host's free slots are those of the TaskManagers it lists
    expect(other.checkConsistency()).toEqual(expect.arrayContaining([expect.stringContaining("by host 3")]));
  });

  it("keeps a TaskManager's and a host's record while it knows a slot there, and drops it with the last", () => {
    const { free, slots } = fixture();
    const directory = directoryOf(free);
    free.tryRemove(allocationId("b1"));
    // a standalone index forgets what it removes: tm-b had one slot
    expect(directory.taskManager(resourceId("tm-b"))).toBeUndefined();
    expect(directory.host("host-1")?.known).toBe(2);
    free.tryRemove(allocationId("c1"));
    free.tryRemove(allocationId("c2"));
    expect(directory.host("host-2")).toBeUndefined();
    expect(free.checkConsistency()).toEqual([]);
    free.add(slots.c2, 99);
    expect(directory.taskManager(resourceId("tm-c"))?.freeCount).toBe(1);
    expect(free.checkConsistency()).toEqual([]);
  });

  it("checkConsistency reports a record kept without a known slot", () => {
    const { free } = fixture();
    const record = directoryOf(free).taskManager(resourceId("tm-b"));
    if (record === undefined) throw new Error("no record for tm-b");
    record.known = 0;
    expect(free.checkConsistency()).toEqual(["available: empty per-TaskManager record kept for tm-b"]);
  });

  it("remembers exactly when each slot became free, whatever the clock (wall clock, fractions, jumps)", () => {
    const free = new AvailableSlots();
    const times = [1_764_000_000_123, 1_764_000_050_000.25, 0.1, 1e300, -7.5];
    const slots = times.map((_, i) => slot(`t${i}`, `tm-${i}`, "h"));
    slots.forEach((s, i) => {
      free.add(s, times[i] as number);
    });
    expect(slots.map((s) => free.since(s.allocationId))).toEqual(times);
    expect(free.oldest()?.since).toBe(times[0]);
    expect(free.checkConsistency()).toEqual([]);
  });

  it("a slot can be free in one index at a time", () => {
    const { slots } = fixture();
    expect(() => new AvailableSlots().add(slots.a1, 0)).toThrow(IllegalStateError);
  });
});
