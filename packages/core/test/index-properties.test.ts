import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AllocatedSlot,
  AllocatedSlots,
  type AllocationId,
  AvailableSlots,
  allocationId,
  IllegalStateError,
  InMemoryTaskExecutor,
  PendingRequest,
  PendingRequests,
  type ResourceId,
  ResourceProfile,
  resourceId,
  type SlotRequestId,
  slotRequestId,
  taskManagerLocation,
} from "../src/index.js";

/**
 * Model-based tests: each index is driven by random operation sequences next to a plain array
 * (FIFO, first match wins) that is obviously right; results must be identical and the index must
 * stay internally consistent after every step.
 */

const TMS = 5;
const HOSTS = 3;
const tmId = (t: number): ResourceId => resourceId(`tm-${t}`);
const hostOf = (t: number): string => `host-${t % HOSTS}`;

/** 12 cpu sizes × 3 memory sizes × with/without gpu, plus UNKNOWN: 73 profiles, enough to make the buckets collect. */
const PROFILES: ResourceProfile[] = [ResourceProfile.UNKNOWN];
for (let cpu = 0; cpu < 12; cpu++) {
  for (const memoryMb of [0, 512, 1024]) {
    PROFILES.push(ResourceProfile.of({ cpu: cpu / 2, memoryMb }));
    PROFILES.push(ResourceProfile.of({ cpu: cpu / 2, memoryMb, extended: { gpu: 1 } }));
  }
}
const profileArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROFILES.slice(0, 7)) },
  { weight: 1, arbitrary: fc.constantFrom(...PROFILES) },
);
const queryArb = fc.constantFrom(...PROFILES);

function makeSlots(profiles: ResourceProfile[]): AllocatedSlot[] {
  return profiles.map((profile, i) => {
    const t = i % TMS;
    return new AllocatedSlot(
      allocationId(`s${i}`),
      taskManagerLocation(`tm-${t}`, hostOf(t)),
      Math.floor(i / TMS),
      profile,
      new InMemoryTaskExecutor(tmId(t)),
    );
  });
}

const ids = (xs: Iterable<{ allocationId: AllocationId }>): string[] => [...xs].map((x) => x.allocationId);
const idOf = (x: { allocationId: AllocationId } | undefined): string | undefined => x?.allocationId;

// ------------------------------------------------------------------ AvailableSlots

type AvailableOp =
  | { op: "add"; i: number }
  | { op: "tryRemove"; i: number }
  | { op: "findAny" | "pollAny"; p: ResourceProfile }
  | { op: "findOnTaskManager" | "pollOnTaskManager"; t: number; p: ResourceProfile }
  | { op: "findOnHost"; h: number; p: ResourceProfile }
  | { op: "removeAllForTaskManager"; t: number }
  | { op: "clear" };

function availableOps(n: number): fc.Arbitrary<AvailableOp[]> {
  const i = fc.nat(n - 1);
  const t = fc.nat(TMS - 1);
  const op: fc.Arbitrary<AvailableOp> = fc.oneof(
    { weight: 6, arbitrary: i.map((i) => ({ op: "add" as const, i })) },
    { weight: 2, arbitrary: i.map((i) => ({ op: "tryRemove" as const, i })) },
    { weight: 2, arbitrary: queryArb.map((p) => ({ op: "findAny" as const, p })) },
    { weight: 3, arbitrary: queryArb.map((p) => ({ op: "pollAny" as const, p })) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("findOnTaskManager" as const), t, p: queryArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("pollOnTaskManager" as const), t, p: queryArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("findOnHost" as const), h: fc.nat(HOSTS - 1), p: queryArb }) },
    { weight: 1, arbitrary: t.map((t) => ({ op: "removeAllForTaskManager" as const, t })) },
    { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
  );
  return fc.array(op, { maxLength: 150 });
}

describe("AvailableSlots against an array model", () => {
  it("property: identical results and consistent views after every step", () => {
    const N = 80;
    fc.assert(
      fc.property(fc.array(profileArb, { minLength: N, maxLength: N }), availableOps(N), (profiles, ops) => {
        const slots = makeSlots(profiles);
        const free = new AvailableSlots();
        let model: { slot: AllocatedSlot; since: number }[] = [];
        let now = 0;
        const firstMatch = (pred: (s: AllocatedSlot) => boolean): AllocatedSlot | undefined =>
          model.find((e) => pred(e.slot))?.slot;
        const drop = (s: AllocatedSlot): void => {
          model = model.filter((e) => e.slot !== s);
        };
        for (const o of ops) {
          now++;
          switch (o.op) {
            case "add": {
              const s = slots[o.i] as AllocatedSlot;
              if (model.some((e) => e.slot === s)) {
                expect(() => free.add(s, now)).toThrow(IllegalStateError);
              } else {
                free.add(s, now);
                model.push({ slot: s, since: now });
              }
              break;
            }
            case "tryRemove": {
              const s = slots[o.i] as AllocatedSlot;
              const expected = model.some((e) => e.slot === s) ? s : undefined;
              expect(free.tryRemove(s.allocationId)).toBe(expected);
              drop(s);
              break;
            }
            case "findAny":
            case "pollAny": {
              const expected = firstMatch((s) => s.profile.isMatching(o.p));
              const got = free.findAny(o.p);
              expect(idOf(got)).toBe(idOf(expected));
              if (o.op === "pollAny" && got !== undefined) {
                expect(free.tryRemove(got.allocationId)).toBe(got);
                drop(got);
              }
              break;
            }
            case "findOnTaskManager":
            case "pollOnTaskManager": {
              const expected = firstMatch((s) => s.location.resourceId === tmId(o.t) && s.profile.isMatching(o.p));
              const got = free.findOnTaskManager(tmId(o.t), o.p);
              expect(idOf(got)).toBe(idOf(expected));
              if (o.op === "pollOnTaskManager" && got !== undefined) {
                free.tryRemove(got.allocationId);
                drop(got);
              }
              break;
            }
            case "findOnHost": {
              const host = `host-${o.h}`;
              const expected = firstMatch((s) => s.location.host === host && s.profile.isMatching(o.p));
              expect(idOf(free.findOnHost(host, o.p))).toBe(idOf(expected));
              break;
            }
            case "removeAllForTaskManager": {
              const expected = model.filter((e) => e.slot.location.resourceId === tmId(o.t)).map((e) => e.slot);
              expect(ids(free.removeAllForTaskManager(tmId(o.t)))).toEqual(ids(expected));
              for (const s of expected) drop(s);
              break;
            }
            case "clear":
              free.clear();
              model = [];
              break;
          }
          // the whole observable state agrees with the model after every step
          expect(free.checkConsistency()).toEqual([]);
          expect(free.size).toBe(model.length);
          expect(ids(free.values())).toEqual(ids(model.map((e) => e.slot)));
          const oldest = free.oldest();
          expect([idOf(oldest?.slot), oldest?.since]).toEqual([idOf(model[0]?.slot), model[0]?.since]);
          for (let t = 0; t < TMS; t++) {
            const onTm = model.filter((e) => e.slot.location.resourceId === tmId(t)).map((e) => e.slot);
            expect(free.countOnTaskManager(tmId(t))).toBe(onTm.length);
            expect(free.containsTaskManager(tmId(t))).toBe(onTm.length > 0);
            expect(ids(free.slotsOnTaskManager(tmId(t)))).toEqual(ids(onTm));
          }
        }
        for (const probe of [
          ResourceProfile.UNKNOWN,
          PROFILES[3] as ResourceProfile,
          PROFILES[40] as ResourceProfile,
        ]) {
          const expected = model.map((e) => e.slot).filter((s) => s.profile.isMatching(probe));
          expect(new Set(ids(free.matching(probe)))).toEqual(new Set(ids(expected)));
          expect(free.countMatching(probe)).toBe(expected.length);
        }
        const byProfile = new Map<string, number>();
        for (const e of model) byProfile.set(e.slot.profile.key, (byProfile.get(e.slot.profile.key) ?? 0) + 1);
        expect(new Map([...free.profiles()].map(([p, n]) => [p.key, n]))).toEqual(byProfile);
      }),
      { numRuns: 60 },
    );
  });
});

// ------------------------------------------------------------------ AllocatedSlots

type AllocatedOp =
  | { op: "add"; r: number; i: number }
  | { op: "remove"; i: number }
  | { op: "removeByRequestId"; r: number }
  | { op: "removeSlotsForTaskManager"; t: number }
  | { op: "clear" };

describe("AllocatedSlots against an array model", () => {
  it("property: identical results and consistent views after every step", () => {
    const N = 30;
    const R = 30;
    const i = fc.nat(N - 1);
    const r = fc.nat(R - 1);
    const op: fc.Arbitrary<AllocatedOp> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant("add" as const), r, i }) },
      { weight: 2, arbitrary: i.map((i) => ({ op: "remove" as const, i })) },
      { weight: 2, arbitrary: r.map((r) => ({ op: "removeByRequestId" as const, r })) },
      { weight: 1, arbitrary: fc.nat(TMS - 1).map((t) => ({ op: "removeSlotsForTaskManager" as const, t })) },
      { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
    );
    const req = (k: number): SlotRequestId => slotRequestId(`r${k}`);
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const slots = makeSlots(Array.from({ length: N }, () => ResourceProfile.UNKNOWN));
        const used = new AllocatedSlots();
        let model: { requestId: SlotRequestId; slot: AllocatedSlot }[] = [];
        for (const o of ops) {
          switch (o.op) {
            case "add": {
              const s = slots[o.i] as AllocatedSlot;
              const clash = model.some((e) => e.slot === s || e.requestId === req(o.r));
              if (clash) {
                expect(() => used.add(req(o.r), s)).toThrow(IllegalStateError);
              } else {
                used.add(req(o.r), s);
                model.push({ requestId: req(o.r), slot: s });
              }
              break;
            }
            case "remove": {
              const s = slots[o.i] as AllocatedSlot;
              expect(used.remove(s.allocationId)).toBe(model.find((e) => e.slot === s)?.slot);
              model = model.filter((e) => e.slot !== s);
              break;
            }
            case "removeByRequestId": {
              const expected = model.find((e) => e.requestId === req(o.r))?.slot;
              expect(used.removeByRequestId(req(o.r))).toBe(expected);
              model = model.filter((e) => e.requestId !== req(o.r));
              break;
            }
            case "removeSlotsForTaskManager": {
              const expected = model.filter((e) => e.slot.location.resourceId === tmId(o.t)).map((e) => e.slot);
              expect(ids(used.removeSlotsForTaskManager(tmId(o.t)))).toEqual(ids(expected));
              model = model.filter((e) => e.slot.location.resourceId !== tmId(o.t));
              break;
            }
            case "clear":
              used.clear();
              model = [];
              break;
          }
          expect(used.checkConsistency()).toEqual([]);
          expect(used.size).toBe(model.length);
          expect([...used.entries()].map(([rq, s]) => `${rq}:${s.allocationId}`)).toEqual(
            model.map((e) => `${e.requestId}:${e.slot.allocationId}`),
          );
          for (const s of slots) {
            const e = model.find((x) => x.slot === s);
            expect(used.get(s.allocationId)).toBe(e?.slot);
            expect(used.contains(s.allocationId)).toBe(e !== undefined);
            expect(used.requestIdOf(s.allocationId)).toBe(e?.requestId);
          }
          for (let k = 0; k < R; k++) {
            expect(used.getByRequestId(req(k))).toBe(model.find((x) => x.requestId === req(k))?.slot);
          }
          for (let t = 0; t < TMS; t++) {
            const onTm = model.filter((e) => e.slot.location.resourceId === tmId(t)).map((e) => e.slot);
            expect(ids(used.getSlotsForTaskManager(tmId(t)))).toEqual(ids(onTm));
            expect(used.containsResource(tmId(t))).toBe(onTm.length > 0);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

// ------------------------------------------------------------------ PendingRequests

type PendingOp =
  | { op: "add"; i: number }
  | { op: "remove"; i: number }
  | { op: "removeByAllocationId"; i: number }
  | { op: "pollMatching" | "peekMatching"; p: ResourceProfile }
  | { op: "clear" };

describe("PendingRequests against an array model", () => {
  it("property: FIFO first-match polling, identical results and consistent views after every step", () => {
    const N = 60;
    const i = fc.nat(N - 1);
    const op: fc.Arbitrary<PendingOp> = fc.oneof(
      { weight: 6, arbitrary: i.map((i) => ({ op: "add" as const, i })) },
      { weight: 2, arbitrary: i.map((i) => ({ op: "remove" as const, i })) },
      { weight: 2, arbitrary: i.map((i) => ({ op: "removeByAllocationId" as const, i })) },
      { weight: 4, arbitrary: queryArb.map((p) => ({ op: "pollMatching" as const, p })) },
      { weight: 2, arbitrary: queryArb.map((p) => ({ op: "peekMatching" as const, p })) },
      { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
    );
    const spec = fc.record({ profile: profileArb, sent: fc.boolean() });
    fc.assert(
      fc.property(fc.array(spec, { minLength: N, maxLength: N }), fc.array(op, { maxLength: 150 }), (specs, ops) => {
        // every request is made up front, so joining order differs from construction order
        const requests = specs.map((s, k) => {
          const r = new PendingRequest(slotRequestId(`r${k}`), s.profile);
          if (s.sent) r.allocationId = allocationId(`a${k}`);
          return r;
        });
        const q = new PendingRequests();
        let model: PendingRequest[] = [];
        for (const o of ops) {
          switch (o.op) {
            case "add": {
              const r = requests[o.i] as PendingRequest;
              if (model.includes(r)) {
                expect(() => q.add(r)).toThrow(IllegalStateError);
              } else {
                q.add(r);
                model.push(r);
              }
              break;
            }
            case "remove": {
              const r = requests[o.i] as PendingRequest;
              expect(q.remove(r.requestId)).toBe(model.includes(r) ? r : undefined);
              model = model.filter((x) => x !== r);
              break;
            }
            case "removeByAllocationId": {
              const r = requests[o.i] as PendingRequest;
              const id = allocationId(`a${o.i}`);
              const expected = r.allocationId !== undefined && model.includes(r) ? r : undefined;
              expect(q.removeByAllocationId(id)).toBe(expected);
              if (expected !== undefined) model = model.filter((x) => x !== r);
              break;
            }
            case "pollMatching":
            case "peekMatching": {
              const expected = model.find((r) => o.p.isMatching(r.profile));
              const got = o.op === "pollMatching" ? q.pollMatching(o.p) : q.peekMatching(o.p);
              expect(got?.requestId).toBe(expected?.requestId);
              if (o.op === "pollMatching") model = model.filter((x) => x !== expected);
              break;
            }
            case "clear":
              expect(q.clear()).toEqual(model);
              model = [];
              break;
          }
          expect(q.checkConsistency("q")).toEqual([]);
          expect(q.size).toBe(model.length);
          expect([...q.values()]).toEqual(model);
          for (const r of requests) {
            expect(q.get(r.requestId)).toBe(model.includes(r) ? r : undefined);
            if (r.allocationId !== undefined) {
              expect(q.getByAllocationId(r.allocationId)).toBe(model.includes(r) ? r : undefined);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
