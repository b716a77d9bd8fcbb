import { describe, expect, it } from "vitest";
import {
  allocationId,
  InMemoryTaskExecutor,
  Locality,
  ResourceProfile,
  resourceId,
  type SlotOffer,
  taskManagerLocation,
} from "../src/index.js";
import { errorOf, Harness, leaseOf, SLOT } from "./harness.js";

const SMALL = ResourceProfile.of({ cpu: 0.5, memoryMb: 256 });
const BIG = ResourceProfile.of({ cpu: 4, memoryMb: 8192 });

describe("SlotPool.offerSlot (§2.9)", () => {
  it("rejects offers from an unregistered TaskManager and changes nothing", () => {
    const h = new Harness();
    const stranger = h.taskManager("tm-s", "host-s", { register: false });
    const waiting = h.allocate();
    const before = h.snapshot();
    expect(h.offer(stranger, "s1")).toBe(false);
    expect(h.offer(stranger, h.requested(0))).toBe(false);
    expect(h.snapshot()).toEqual(before);
    expect(waiting.result.isDone).toBe(false);
    expect(h.eventsOf("offerRejected").map((e) => e.reason)).toEqual(["UNKNOWN_TASK_MANAGER", "UNKNOWN_TASK_MANAGER"]);
    h.check();
    // once registered, the same offer is accepted
    h.pool.registerTaskManager(stranger.location.resourceId);
    expect(h.offer(stranger, h.requested(0))).toBe(true);
    expect(leaseOf(waiting).slot.location.resourceId).toBe("tm-s");
    h.check();
  });

  it("rejects offers while the pool is not started", () => {
    const h = new Harness({ start: false });
    const tm = h.taskManager("tm-1");
    expect(h.offer(tm, "s1")).toBe(false);
    expect(h.eventsOf("offerRejected")).toEqual([
      { type: "offerRejected", atMs: 0, allocationId: "s1", resourceId: "tm-1", reason: "POOL_NOT_STARTED" },
    ]);
    expect(h.snapshot().available).toBe(0);
    h.check();
  });

  it("accepts a repeated offer of a free or allocated slot and changes nothing (idempotent)", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    expect(h.offer(tm, "free", SLOT, 0)).toBe(true);
    const handle = h.allocate({ profile: BIG });
    expect(h.offer(tm, h.requested(0), BIG, 1)).toBe(true);
    const held = leaseOf(handle).slot;
    const free = h.pool.inspect().available.get(allocationId("free"));
    const before = h.snapshot();
    const eventsBefore = h.events.length;
    const waiting = h.allocate({ profile: BIG }); // would take any new BIG slot
    expect(h.offer(tm, "free", SLOT, 0)).toBe(true);
    expect(h.offer(tm, h.requested(0), BIG, 1)).toBe(true);
    // also with a different profile: the known slot is kept as it is
    expect(h.offer(tm, h.requested(0), ResourceProfile.of({ cpu: 64, memoryMb: 1 }), 1)).toBe(true);
    expect(h.pool.inspect().available.get(allocationId("free"))).toBe(free);
    expect(h.pool.inspect().allocated.get(h.requested(0))).toBe(held);
    expect(h.snapshot()).toEqual({ ...before, pending: before.pending + 1 });
    expect(waiting.result.isDone).toBe(false);
    expect(h.events.slice(eventsBefore).map((e) => e.type)).toEqual(["requestSent"]);
    h.check();
  });

  it("rejects a known allocation id offered by another TaskManager or for another slot index", () => {
    const h = new Harness();
    const tm1 = h.taskManager("tm-1");
    const tm2 = h.taskManager("tm-2");
    h.offer(tm1, "known", SLOT, 0);
    const before = h.snapshot();
    expect(h.offer(tm2, "known", SLOT, 0)).toBe(false);
    expect(h.offer(tm1, "known", SLOT, 1)).toBe(false);
    expect(h.snapshot()).toEqual(before);
    expect(h.pool.inspect().available.get(allocationId("known"))?.location.resourceId).toBe("tm-1");
    expect(h.eventsOf("offerRejected").map((e) => e.reason)).toEqual([
      "CONFLICTING_ALLOCATION",
      "CONFLICTING_ALLOCATION",
    ]);
    // the same for an allocated slot
    const lease = leaseOf(h.allocate());
    expect(h.offer(tm2, lease.slot.allocationId, SLOT, 0)).toBe(false);
    expect(h.pool.inspect().allocated.get(lease.slot.allocationId)).toBe(lease.slot);
    h.check();
  });

  const tm = taskManagerLocation("tm-1", "host-1");
  const gateway = new InMemoryTaskExecutor(resourceId("tm-1"));
  const good: SlotOffer = { allocationId: allocationId("a-1"), slotIndex: 0, profile: SLOT };
  it.each([
    ["a negative slot index", tm, gateway, { ...good, slotIndex: -1 }],
    ["a fractional slot index", tm, gateway, { ...good, slotIndex: 1.5 }],
    ["a NaN slot index", tm, gateway, { ...good, slotIndex: Number.NaN }],
    ["a missing allocation id", tm, gateway, { slotIndex: 0, profile: SLOT }],
    ["an empty allocation id", tm, gateway, { ...good, allocationId: "" }],
    ["a plain-object profile", tm, gateway, { ...good, profile: { cpu: 1, memoryMb: 1 } }],
    ["a missing profile", tm, gateway, { allocationId: "a-1", slotIndex: 0 }],
    ["a null offer", tm, gateway, null],
    ["a null location", null, gateway, good],
    ["an empty TaskManager id", { resourceId: "", host: "h" }, gateway, good],
    ["a location without host", { resourceId: "tm-1" }, gateway, good],
    ["a null gateway", tm, null, good],
  ])("rejects %s as INVALID_OFFER without any state change", (_name, location, gw, offer) => {
    const h = new Harness();
    h.pool.registerTaskManager(resourceId("tm-1"));
    const waiting = h.allocate();
    const before = h.snapshot();
    expect(h.pool.offerSlot(location as never, gw as never, offer as never)).toBe(false);
    expect(h.pool.offerSlots(location as never, gw as never, [offer as never])).toEqual([]);
    expect(h.snapshot()).toEqual(before);
    expect(waiting.result.isDone).toBe(false);
    expect(h.eventsOf("offerRejected").map((e) => e.reason)).toEqual(["INVALID_OFFER", "INVALID_OFFER"]);
    h.check();
  });

  it("an offer for a pending allocation id fulfils exactly that request (UNKNOWN locality, no cancel)", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const first = h.allocate();
    const second = h.allocate();
    h.check();
    expect(h.offer(tm, h.requested(1))).toBe(true);
    expect(first.result.isDone).toBe(false);
    const lease = leaseOf(second);
    expect(lease.locality).toBe(Locality.UNKNOWN);
    expect(lease.slot.allocationId).toBe(h.requested(1));
    expect(h.pool.inspect().pending.get(second.requestId)).toBeUndefined();
    expect(h.rm.cancelled).toEqual([]);
    expect(h.eventsOf("slotOffered").at(-1)).toMatchObject({
      allocationId: h.requested(1),
      requestId: second.requestId,
    });
    h.check();
  });

  it("an offer with an unknown allocation id serves the oldest waiting request it matches (and cancels that request's RM request)", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const big = h.allocate({ profile: BIG });
    const small1 = h.allocate({ profile: SMALL });
    const small2 = h.allocate({ profile: SMALL });
    h.check();
    expect(h.offer(tm, "surprise", SLOT)).toBe(true);
    expect(big.result.isDone).toBe(false);
    expect(leaseOf(small1).slot.allocationId).toBe("surprise");
    expect(small2.result.isDone).toBe(false);
    expect(h.rm.cancelled).toEqual([h.requested(1)]);
    h.check();
  });

  it("an offer with an unknown allocation id that no request matches becomes free", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const big = h.allocate({ profile: BIG });
    expect(h.offer(tm, "small-slot", SMALL)).toBe(true);
    expect(big.result.isDone).toBe(false);
    expect(h.pool.inspect().available.get(allocationId("small-slot"))?.profile).toBe(SMALL);
    expect(h.eventsOf("slotAvailable").map((e) => e.allocationId)).toEqual(["small-slot"]);
    h.check();
  });

  it("an offer for a pending allocation id whose profile does not fit that request serves others instead", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const big = h.allocate({ profile: BIG });
    const small = h.allocate({ profile: SMALL });
    h.check();
    // the slot sent for the BIG request turns out to be small
    expect(h.offer(tm, h.requested(0), SMALL)).toBe(true);
    expect(big.result.isDone).toBe(false);
    expect(h.pool.inspect().pending.get(big.requestId)?.allocationId).toBe(h.requested(0));
    expect(leaseOf(small).slot.allocationId).toBe(h.requested(0));
    expect(h.rm.cancelled).toEqual([h.requested(1)]);
    h.check();
    // with nobody to serve, such a slot becomes free
    expect(h.offer(tm, h.requested(1), SMALL)).toBe(true);
    expect(h.pool.inspect().available.contains(h.requested(1))).toBe(true);
    expect(big.result.isDone).toBe(false);
    h.check();
  });

  it("serves requests sent to the resource manager before stashed ones", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const sent = h.allocate();
    h.pool.disconnectResourceManager();
    const stashed = h.allocate();
    h.check();
    expect(h.offer(tm, "x1")).toBe(true);
    expect(leaseOf(sent).slot.allocationId).toBe("x1");
    expect(stashed.result.isDone).toBe(false);
    h.check();
    expect(h.offer(tm, "x2")).toBe(true);
    expect(leaseOf(stashed).slot.allocationId).toBe("x2");
    expect(h.pool.inspect().waitingForResourceManager.size).toBe(0);
    h.check();
  });

  it("offerSlots applies offers in order and answers the accepted ones in the original order", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "taken", SLOT, 5);
    const offers: SlotOffer[] = [
      { allocationId: allocationId("o1"), slotIndex: 0, profile: SLOT },
      { allocationId: allocationId("taken"), slotIndex: 1, profile: SLOT }, // conflicts with index 5
      { allocationId: allocationId("o2"), slotIndex: -1, profile: SLOT }, // malformed
      { allocationId: allocationId("o3"), slotIndex: 2, profile: SLOT },
      { allocationId: allocationId("o1"), slotIndex: 0, profile: SLOT }, // repeat of the first: accepted
    ];
    const accepted = h.pool.offerSlots(tm.location, tm.gateway, offers);
    expect(accepted).toEqual([offers[0], offers[3], offers[4]]);
    expect([...h.pool.inspect().available.values()].map((s) => s.allocationId)).toEqual(["taken", "o1", "o3"]);
    expect(h.pool.offerSlots(tm.location, tm.gateway, "nope" as never)).toEqual([]);
    h.check();
  });

  it("a slot offered for a request that already timed out becomes free", () => {
    const h = new Harness({ timeouts: { slotRequestMs: 1000 } });
    const tm = h.taskManager("tm-1");
    const handle = h.allocate();
    h.advanceBy(1000);
    expect(errorOf(handle).code).toBe("TIMEOUT");
    expect(h.offer(tm, h.requested(0))).toBe(true);
    expect(h.pool.inspect().available.contains(h.requested(0))).toBe(true);
    h.check();
  });
});
