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
    const { free } = fixture();
    const internals = free as unknown as { byTaskManager: Map<string, Set<unknown>>; byHost: Map<string, unknown> };
    internals.byTaskManager.get("tm-a")?.clear();
    expect(free.checkConsistency()).toEqual(
      expect.arrayContaining([
        "available: empty per-TaskManager set kept for tm-a",
        expect.stringContaining("views disagree (by id 5, by TM 3"),
      ]),
    );
    const other = fixture().free;
    (other as unknown as { byHost: Map<string, unknown> }).byHost.delete("host-2");
    expect(other.checkConsistency()).toEqual([expect.stringContaining("by host 3")]);
  });
});
