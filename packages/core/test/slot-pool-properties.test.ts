import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AllocationId,
  allocationId,
  jobMasterId,
  Locality,
  ResourceProfile,
  type SlotRequestHandle,
  slotRequestId,
} from "../src/index.js";
import { Harness, type TestTaskManager } from "./harness.js";

/**
 * Random operation sequences against a whole pool: after every step the invariant checker must pass
 * and every request must be either ended (with a consistent outcome) or legitimately queued; at the
 * end, once every timer has fired, no request may still wait.
 */

const SLOT_PROFILES = [
  ResourceProfile.UNKNOWN,
  ResourceProfile.of({ cpu: 1, memoryMb: 1024 }),
  ResourceProfile.of({ cpu: 2, memoryMb: 2048 }),
  ResourceProfile.of({ cpu: 2, memoryMb: 2048, extended: { gpu: 1 } }),
];
const REQUEST_PROFILES = [
  ResourceProfile.UNKNOWN,
  ResourceProfile.of({ cpu: 0.5, memoryMb: 512 }),
  ResourceProfile.of({ cpu: 1, memoryMb: 1024 }),
  ResourceProfile.of({ cpu: 1, memoryMb: 1024, extended: { gpu: 1 } }),
  ResourceProfile.of({ cpu: 4, memoryMb: 8192 }),
];
const TM_COUNT = 4;

type Op =
  | { op: "register"; t: number }
  | { op: "offerRequested"; t: number; k: number; s: number }
  | { op: "offerFresh"; t: number; s: number }
  | { op: "reoffer"; k: number; t: number; sameIndex: boolean }
  | {
      op: "allocate";
      p: number;
      prefs: number[];
      queued: boolean;
      timeoutMs: number | undefined;
      requestId: string | undefined;
    }
  | { op: "release"; k: number }
  | { op: "abandon"; k: number }
  | { op: "failAllocation"; k: number }
  | { op: "releaseTaskManager"; t: number }
  | { op: "connect" }
  | { op: "disconnect" }
  | { op: "ack"; k: number }
  | { op: "refuse"; k: number }
  | { op: "advance"; ms: number }
  | { op: "suspend" }
  | { op: "start" };

const t = fc.nat(TM_COUNT - 1);
const k = fc.nat(50);
const s = fc.nat(SLOT_PROFILES.length - 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: t.map((t) => ({ op: "register" as const, t })) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("offerRequested" as const), t, k, s }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("offerFresh" as const), t, s }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reoffer" as const), k, t, sameIndex: fc.boolean() }) },
  {
    weight: 7,
    arbitrary: fc.record({
      op: fc.constant("allocate" as const),
      p: fc.nat(REQUEST_PROFILES.length - 1),
      prefs: fc.array(fc.nat(TM_COUNT + 1), { maxLength: 2 }),
      queued: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      timeoutMs: fc.option(fc.constantFrom(1000, 30_000), { nil: undefined }),
      // sometimes a caller-chosen id, reused across requests (and clashing with generated ones)
      requestId: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom("task-1", "task-2", "req-3") },
      ),
    }),
  },
  { weight: 4, arbitrary: k.map((k) => ({ op: "release" as const, k })) },
  { weight: 1, arbitrary: k.map((k) => ({ op: "abandon" as const, k })) },
  { weight: 1, arbitrary: k.map((k) => ({ op: "failAllocation" as const, k })) },
  { weight: 1, arbitrary: t.map((t) => ({ op: "releaseTaskManager" as const, t })) },
  { weight: 1, arbitrary: fc.constant({ op: "connect" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "disconnect" as const }) },
  { weight: 2, arbitrary: k.map((k) => ({ op: "ack" as const, k })) },
  { weight: 1, arbitrary: k.map((k) => ({ op: "refuse" as const, k })) },
  { weight: 3, arbitrary: fc.constantFrom(1, 1000, 10_000, 40_000).map((ms) => ({ op: "advance" as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ op: "suspend" as const }) },
  { weight: 3, arbitrary: fc.constant({ op: "start" as const }) },
);

interface Tracked {
  readonly handle: SlotRequestHandle;
  readonly profile: ResourceProfile;
  readonly prefs: readonly TestTaskManager[];
  /** Completed inside allocateSlot (an available slot), rather than later. */
  readonly immediate: boolean;
}

interface Offered {
  readonly tm: TestTaskManager;
  readonly id: AllocationId;
  readonly index: number;
}

function checkRequest(h: Harness, r: Tracked, all: readonly Tracked[]): void {
  const { handle } = r;
  const s = h.pool.inspect();
  // a caller-chosen id may be reused once this request ended: then the newer, live request owns it
  const idTakenByNewer = all.some(
    (o) => o !== r && o.handle.requestId === handle.requestId && !o.handle.released.isDone,
  );
  const outcome = handle.result.result;
  if (outcome === undefined) {
    // still waiting: legitimately queued, sent or stashed, and never holding a slot
    const queued = s.pending.get(handle.requestId) ?? s.waitingForResourceManager.get(handle.requestId);
    expect(queued, `request ${handle.requestId} waits but is in no queue`).toBeDefined();
    expect(handle.released.isDone).toBe(false);
    return;
  }
  if (!idTakenByNewer) {
    expect(s.pending.get(handle.requestId)).toBeUndefined();
    expect(s.waitingForResourceManager.get(handle.requestId)).toBeUndefined();
  }
  if (!outcome.ok) {
    expect(handle.released.result).toEqual({ ok: true, value: outcome.error });
    if (!idTakenByNewer) expect(s.allocated.getByRequestId(handle.requestId)).toBeUndefined();
    return;
  }
  const { slot, locality } = outcome.value;
  expect(slot.profile.isMatching(r.profile), `${slot} does not match ${r.profile}`).toBe(true);
  if (!r.immediate) {
    expect(locality).toBe(Locality.UNKNOWN);
  } else if (r.prefs.length === 0) {
    expect(locality).toBe(Locality.UNCONSTRAINED);
  } else {
    const onTm = r.prefs.some((p) => p.location.resourceId === slot.location.resourceId);
    const onHost = r.prefs.some((p) => p.location.host === slot.location.host);
    expect(locality).toBe(onTm ? Locality.LOCAL : onHost ? Locality.HOST_LOCAL : Locality.NON_LOCAL);
  }
  if (handle.released.isDone) {
    if (!idTakenByNewer) expect(s.allocated.getByRequestId(handle.requestId)).toBeUndefined();
  } else {
    expect(idTakenByNewer, `two live requests share ${handle.requestId}`).toBe(false);
    expect(s.allocated.getByRequestId(handle.requestId)).toBe(slot);
    expect(slot.isUsed).toBe(true);
  }
}

function run(ops: Op[], autoAcknowledge: boolean): void {
  const h = new Harness({
    autoAcknowledge,
    timeouts: {
      resourceManagerRequestMs: 10_000,
      resourceManagerAllocationMs: 60_000,
      slotRequestMs: 100_000,
      idleSlotMs: 30_000,
    },
  });
  const tms = Array.from({ length: TM_COUNT }, (_, i) =>
    h.taskManager(`tm-${i}`, `host-${i % 2}`, { register: false }),
  );
  const stranger = h.taskManager("tm-stranger", "host-9", { register: false });
  // three of the four TaskManagers are there from the start; the fourth registers only through an operation
  for (const tm of tms.slice(0, TM_COUNT - 1)) h.pool.registerTaskManager(tm.location.resourceId);
  const requests: Tracked[] = [];
  const offered: Offered[] = [];
  let term = 1;

  const offer = (tm: TestTaskManager, id: AllocationId, profile: ResourceProfile, index: number): void => {
    const s = h.pool.inspect();
    const known = s.allocated.get(id) ?? s.available.get(id);
    const expected =
      s.started &&
      s.registeredTaskManagers.has(tm.location.resourceId) &&
      (known === undefined || (known.location.resourceId === tm.location.resourceId && known.slotIndex === index));
    const accepted = h.pool.offerSlot(tm.location, tm.gateway, { allocationId: id, slotIndex: index, profile });
    expect(accepted).toBe(expected);
    if (accepted && known === undefined) offered.push({ tm, id, index });
  };

  for (const o of ops) {
    switch (o.op) {
      case "register":
        h.pool.registerTaskManager((tms[o.t] as TestTaskManager).location.resourceId);
        break;
      case "offerRequested": {
        // mostly the allocation id of a request the pool waits for; sometimes any id it ever requested
        const waitedFor = [...h.pool.inspect().pending.values()].map((r) => r.allocationId as AllocationId);
        const ids = o.k % 4 === 0 || waitedFor.length === 0 ? h.rm.requests.map((r) => r.allocationId) : waitedFor;
        if (ids.length === 0) break;
        const tm = tms[o.t] as TestTaskManager;
        offer(tm, ids[o.k % ids.length] as AllocationId, SLOT_PROFILES[o.s] as ResourceProfile, tm.nextIndex++);
        break;
      }
      case "offerFresh": {
        const tm = tms[o.t] as TestTaskManager;
        offer(
          tm,
          allocationId(`fresh-${offered.length}-${h.now()}`),
          SLOT_PROFILES[o.s] as ResourceProfile,
          tm.nextIndex++,
        );
        break;
      }
      case "reoffer": {
        if (offered.length === 0) break;
        const was = offered[o.k % offered.length] as Offered;
        const tm = o.sameIndex ? was.tm : (tms[o.t] as TestTaskManager);
        offer(tm, was.id, SLOT_PROFILES[1] as ResourceProfile, o.sameIndex ? was.index : was.index + 100);
        break;
      }
      case "allocate": {
        const prefs = o.prefs.map((i) => (i < TM_COUNT ? (tms[i] as TestTaskManager) : stranger));
        const s = h.pool.inspect();
        const id = o.requestId === undefined ? undefined : slotRequestId(o.requestId);
        const inUse =
          id !== undefined &&
          (s.pending.get(id) ?? s.waitingForResourceManager.get(id) ?? s.allocated.getByRequestId(id)) !== undefined;
        const handle = h.allocate({
          profile: REQUEST_PROFILES[o.p] as ResourceProfile,
          preferredLocations: prefs.map((p) => p.location),
          queued: o.queued,
          ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
          ...(id === undefined ? {} : { requestId: id }),
        });
        if (inUse) {
          // rejected without touching the request that owns the id
          expect(handle.result.result).toMatchObject({ ok: false, error: { code: "INVALID_ARGUMENT" } });
          expect(handle.released.isDone).toBe(true);
          break;
        }
        const immediate = handle.result.result?.ok === true;
        requests.push({ handle, profile: REQUEST_PROFILES[o.p] as ResourceProfile, prefs, immediate });
        if (!h.pool.isStarted)
          expect(handle.result.result).toMatchObject({ ok: false, error: { code: "POOL_NOT_STARTED" } });
        else if (!o.queued && !immediate) {
          expect(handle.result.result).toMatchObject({ ok: false, error: { code: "NO_RESOURCE_AVAILABLE" } });
        }
        break;
      }
      case "release": {
        if (requests.length === 0) break;
        const target = requests[o.k % requests.length] as Tracked;
        const endedBefore = requests.map((r) => r.handle.released.isDone);
        target.handle.release();
        // releasing one handle may serve waiting requests, but never ends another request
        requests.forEach((r, i) => {
          if (r !== target)
            expect(r.handle.released.isDone, `release of ${target.handle.requestId}`).toBe(endedBefore[i]);
        });
        break;
      }
      case "abandon":
        // the holder fails its own result (gives up waiting); a no-op once the result is settled
        if (requests.length > 0)
          (requests[o.k % requests.length] as Tracked).handle.result.fail(new Error("abandoned"));
        break;
      case "failAllocation": {
        const ids = [...h.rm.requests.map((r) => r.allocationId), ...offered.map((x) => x.id)];
        if (ids.length > 0)
          h.pool.failAllocation(ids[o.k % ids.length] as AllocationId, new Error("allocation failed"));
        break;
      }
      case "releaseTaskManager": {
        const tm = tms[o.t] as TestTaskManager;
        h.pool.releaseTaskManager(tm.location.resourceId);
        const s = h.pool.inspect();
        expect(s.available.containsTaskManager(tm.location.resourceId)).toBe(false);
        expect(s.allocated.containsResource(tm.location.resourceId)).toBe(false);
        break;
      }
      case "connect":
        if (h.pool.isStarted) h.pool.connectToResourceManager(h.rm);
        break;
      case "disconnect":
        h.pool.disconnectResourceManager();
        break;
      case "ack":
      case "refuse": {
        const all = h.rm.requests;
        if (all.length === 0) break;
        const id = (all[o.k % all.length] as (typeof all)[number]).allocationId;
        if (o.op === "ack") h.rm.acknowledge(id);
        else h.rm.refuse(id, new Error("no capacity"));
        break;
      }
      case "advance":
        h.advanceBy(o.ms);
        break;
      case "suspend":
        h.pool.suspend();
        break;
      case "start":
        if (!h.pool.isStarted) h.pool.start(jobMasterId(`jm-${++term}`));
        break;
    }
    h.check();
    for (const r of requests) checkRequest(h, r, requests);
  }

  // Every timer fires: nothing may wait forever.
  h.scheduler.flush();
  h.check();
  for (const r of requests) {
    checkRequest(h, r, requests);
    expect(r.handle.result.isDone, `request ${r.handle.requestId} still waits after every timer fired`).toBe(true);
  }
  expect(h.pool.inspect().pending.size + h.pool.inspect().waitingForResourceManager.size).toBe(0);
  expect(h.pool.inspect().available.size).toBe(0); // idle slots were all freed back
}

describe("SlotPool under random operation sequences", () => {
  it("property: invariants hold after every step and every request ends or is legitimately queued", () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 5, maxLength: 60, size: "max" }),
        fc.boolean(),
        (ops, autoAcknowledge) => {
          run(ops, autoAcknowledge);
        },
      ),
      { numRuns: 100 },
    );
  });
});
