import { describe, expect, it } from "vitest";
import {
  AllocatedSlot,
  AvailableSlots,
  allocationId,
  InMemoryTaskExecutor,
  Locality,
  localityFirstStrategy,
  ResourceProfile,
  resourceId,
  type SlotSelectionStrategy,
  spreadOutStrategy,
  type TaskManagerLocation,
  taskManagerLocation,
} from "../src/index.js";
import { Harness, leaseOf } from "./harness.js";

const SMALL = ResourceProfile.of({ cpu: 1, memoryMb: 512 });
const BIG = ResourceProfile.of({ cpu: 4, memoryMb: 4096 });

const A1 = taskManagerLocation("tm-a1", "host-a");
const A2 = taskManagerLocation("tm-a2", "host-a");
const B1 = taskManagerLocation("tm-b1", "host-b");
const C1 = taskManagerLocation("tm-c1", "host-c");

function freeSlots(specs: [string, TaskManagerLocation, ResourceProfile][]): AvailableSlots {
  const free = new AvailableSlots();
  specs.forEach(([id, loc, profile], i) => {
    free.add(new AllocatedSlot(allocationId(id), loc, i, profile, new InMemoryTaskExecutor(loc.resourceId)), i);
  });
  return free;
}

function pick(
  strategy: SlotSelectionStrategy,
  free: AvailableSlots,
  profile: ResourceProfile,
  prefs: TaskManagerLocation[],
) {
  const before = free.size;
  const selection = strategy.select(free, profile, prefs);
  expect(free.size).toBe(before); // strategies never modify the view
  return selection === undefined ? undefined : [selection.slot.allocationId as string, selection.locality];
}

describe("localityFirstStrategy (Flink's AvailableSlots.poll)", () => {
  const free = freeSlots([
    ["b1-small", B1, SMALL],
    ["a2-big", A2, BIG],
    ["a1-small", A1, SMALL],
    ["c1-big", C1, BIG],
  ]);

  it.each([
    ["no preference: oldest matching", SMALL, [], ["b1-small", Locality.UNCONSTRAINED]],
    ["no preference, big: oldest big", BIG, [], ["a2-big", Locality.UNCONSTRAINED]],
    ["preferred TaskManager", SMALL, [A1], ["a1-small", Locality.LOCAL]],
    ["preferred TaskManagers in order", SMALL, [C1, A1, B1], ["c1-big", Locality.LOCAL]],
    [
      "skips a preferred TaskManager without a slot",
      SMALL,
      [taskManagerLocation("tm-zz", "host-zz"), A1, B1],
      ["a1-small", Locality.LOCAL],
    ],
    ["TaskManager beats an earlier host preference", BIG, [A1, C1], ["c1-big", Locality.LOCAL]],
    ["preferred host", BIG, [A1], ["a2-big", Locality.HOST_LOCAL]],
    ["preferred hosts in order", BIG, [taskManagerLocation("tm-x", "host-c"), A1], ["c1-big", Locality.HOST_LOCAL]],
    ["neither: oldest matching anywhere", BIG, [B1], ["a2-big", Locality.NON_LOCAL]],
    ["unknown preference", SMALL, [taskManagerLocation("tm-zz", "host-zz")], ["b1-small", Locality.NON_LOCAL]],
  ])("%s", (_name, profile, prefs, expected) => {
    expect(pick(localityFirstStrategy, free, profile, prefs)).toEqual(expected);
  });

  it("returns undefined when nothing matches or nothing is free", () => {
    expect(pick(localityFirstStrategy, free, ResourceProfile.of({ cpu: 99, memoryMb: 1 }), [A1])).toBeUndefined();
    expect(pick(localityFirstStrategy, new AvailableSlots(), ResourceProfile.UNKNOWN, [])).toBeUndefined();
  });
});

describe("spreadOutStrategy", () => {
  const free = freeSlots([
    ["a1-0", A1, SMALL],
    ["b1-0", B1, SMALL],
    ["b1-1", B1, SMALL],
    ["b1-2", B1, BIG],
    ["c1-0", C1, BIG],
    ["c1-1", C1, BIG],
  ]);

  it.each([
    ["without preference: the TaskManager with the most free slots", SMALL, [], ["b1-0", Locality.UNCONSTRAINED]],
    [
      "skips TaskManagers without a matching slot",
      ResourceProfile.of({ cpu: 2, memoryMb: 1 }),
      [],
      ["b1-2", Locality.UNCONSTRAINED],
    ],
    ["a preferred TaskManager still wins", SMALL, [A1], ["a1-0", Locality.LOCAL]],
    ["a preferred host still wins", SMALL, [taskManagerLocation("tm-x", "host-a")], ["a1-0", Locality.HOST_LOCAL]],
    ["no preference met: spread, reported NON_LOCAL", BIG, [A1], ["b1-2", Locality.NON_LOCAL]],
  ])("%s", (_name, profile, prefs, expected) => {
    expect(pick(spreadOutStrategy, free, profile, prefs)).toEqual(expected);
  });

  it("returns undefined when nothing matches", () => {
    expect(pick(spreadOutStrategy, free, ResourceProfile.of({ cpu: 99, memoryMb: 1 }), [])).toBeUndefined();
  });

  it("in a pool, spreads allocations across TaskManagers instead of filling one", () => {
    const h = new Harness({ slotSelectionStrategy: spreadOutStrategy });
    for (const id of ["tm-1", "tm-2", "tm-3"]) h.offerFree(h.taskManager(id), 3);
    const used = Array.from({ length: 6 }, () => leaseOf(h.allocate({ queued: false })).slot.location.resourceId);
    expect(new Set(used.slice(0, 3))).toEqual(new Set(["tm-1", "tm-2", "tm-3"]));
    for (const tm of ["tm-1", "tm-2", "tm-3"]) expect(used.filter((x) => x === tm)).toHaveLength(2);
    h.check();
  });

  it("the default strategy fills the oldest slots first", () => {
    const h = new Harness();
    for (const id of ["tm-1", "tm-2"]) h.offerFree(h.taskManager(id), 2);
    const used = Array.from({ length: 2 }, () => leaseOf(h.allocate({ queued: false })).slot.location.resourceId);
    expect(used).toEqual(["tm-1", "tm-1"]);
    h.check();
  });
});

describe("custom strategies", () => {
  it("a plugged-in strategy decides the slot and the locality the pool reports", () => {
    const newestOnLastTm: SlotSelectionStrategy = {
      name: "last-tm",
      select: (slots, profile) => {
        const tms = [...slots.taskManagers()];
        const last = tms.at(-1);
        if (last === undefined) return undefined;
        const slot = slots.findOnTaskManager(last, profile);
        return slot === undefined ? undefined : { slot, locality: Locality.NON_LOCAL };
      },
    };
    const h = new Harness({ slotSelectionStrategy: newestOnLastTm });
    h.offerFree(h.taskManager("tm-1"), 1);
    h.offerFree(h.taskManager("tm-2"), 1);
    const lease = leaseOf(h.allocate());
    expect(lease.slot.location.resourceId).toBe(resourceId("tm-2"));
    expect(lease.locality).toBe(Locality.NON_LOCAL);
    expect(h.pool.inspect().slotSelectionStrategy).toBe(newestOnLastTm);
    h.check();
  });
});
