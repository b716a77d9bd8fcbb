import { describe, expect, it } from "vitest";
import {
  type AllocationId,
  allocationId,
  IllegalStateError,
  PendingRequest,
  PendingRequests,
  ResourceProfile,
  slotRequestId,
} from "../src/index.js";
import { errorOf, Harness, leaseOf } from "./harness.js";

const SMALL = ResourceProfile.of({ cpu: 1, memoryMb: 512 });
const BIG = ResourceProfile.of({ cpu: 4, memoryMb: 4096 });
const GPU = ResourceProfile.of({ cpu: 1, memoryMb: 512, extended: { gpu: 1 } });

function request(id: string, profile: ResourceProfile, alloc?: string): PendingRequest {
  const r = new PendingRequest(slotRequestId(id), profile);
  if (alloc !== undefined) r.allocationId = allocationId(alloc) as AllocationId;
  return r;
}

describe("PendingRequests", () => {
  it("finds requests by request id and by allocation id", () => {
    const q = new PendingRequests();
    const sent = request("r1", SMALL, "a1");
    const stashed = request("r2", BIG);
    q.add(sent);
    q.add(stashed);
    expect(q.size).toBe(2);
    expect(q.get(slotRequestId("r1"))).toBe(sent);
    expect(q.getByAllocationId(allocationId("a1"))).toBe(sent);
    expect(q.getByAllocationId(allocationId("a2"))).toBeUndefined();
    expect([...q.values()]).toEqual([sent, stashed]);
    expect(q.checkConsistency("q")).toEqual([]);
  });

  it("rejects a duplicate request id or allocation id", () => {
    const q = new PendingRequests();
    q.add(request("r1", SMALL, "a1"));
    expect(() => q.add(request("r1", BIG))).toThrow(IllegalStateError);
    expect(() => q.add(request("r2", BIG, "a1"))).toThrow(/allocation a1 is already pending/);
    expect(q.size).toBe(1);
    expect(q.get(slotRequestId("r2"))).toBeUndefined();
    expect(q.checkConsistency("q")).toEqual([]);
  });

  it("pollMatching takes the oldest request the offered profile satisfies, across profiles", () => {
    const q = new PendingRequests();
    const big = request("big", BIG);
    const unknown = request("unknown", ResourceProfile.UNKNOWN);
    const small = request("small", SMALL);
    const gpu = request("gpu", GPU);
    for (const r of [big, unknown, small, gpu]) q.add(r);
    // a small slot cannot serve the big request; the oldest it can serve is the UNKNOWN one
    expect(q.peekMatching(SMALL)).toBe(unknown);
    expect(q.pollMatching(SMALL)).toBe(unknown);
    expect(q.pollMatching(SMALL)).toBe(small);
    expect(q.pollMatching(SMALL)).toBeUndefined();
    // an UNKNOWN slot only serves UNKNOWN requests
    expect(q.pollMatching(ResourceProfile.UNKNOWN)).toBeUndefined();
    expect(q.pollMatching(ResourceProfile.of({ cpu: 8, memoryMb: 8192, extended: { gpu: 2 } }))).toBe(big);
    expect(q.pollMatching(BIG)).toBeUndefined();
    expect(q.pollMatching(GPU)).toBe(gpu);
    expect(q.size).toBe(0);
    expect(q.checkConsistency("q")).toEqual([]);
  });

  it("removes by request id and by allocation id", () => {
    const q = new PendingRequests();
    const r1 = request("r1", SMALL, "a1");
    const r2 = request("r2", SMALL, "a2");
    q.add(r1);
    q.add(r2);
    expect(q.removeByAllocationId(allocationId("a1"))).toBe(r1);
    expect(q.removeByAllocationId(allocationId("a1"))).toBeUndefined();
    expect(q.get(slotRequestId("r1"))).toBeUndefined();
    expect(q.remove(slotRequestId("r2"))).toBe(r2);
    expect(q.remove(slotRequestId("r2"))).toBeUndefined();
    expect(q.getByAllocationId(allocationId("a2"))).toBeUndefined();
    expect(q.pollMatching(BIG)).toBeUndefined();
    expect(q.checkConsistency("q")).toEqual([]);
  });

  it("FIFO is the order requests join, not the order they were made (regression)", () => {
    const q = new PendingRequests();
    const older = request("made-first", SMALL);
    const newer = request("made-second", SMALL);
    q.add(newer);
    q.add(older);
    expect(q.checkConsistency("q")).toEqual([]);
    expect(q.peekMatching(BIG)).toBe(newer);
    // a request that leaves and joins again goes to the back
    q.remove(newer.requestId);
    q.add(newer);
    expect(q.pollMatching(BIG)).toBe(older);
    expect(q.pollMatching(BIG)).toBe(newer);
    expect(q.checkConsistency("q")).toEqual([]);
  });

  it("stays correct while many profiles come and go (empty profile buckets are collected)", () => {
    const q = new PendingRequests();
    const anyRequest = request("any", ResourceProfile.UNKNOWN);
    q.add(anyRequest);
    for (let k = 1; k <= 300; k++) {
      const r = request(`r${k}`, ResourceProfile.of({ cpu: k, memoryMb: 1, extended: { gpu: k % 3 } }), `a${k}`);
      q.add(r);
      // a slot exactly that size serves the UNKNOWN request first, then the sized one
      const slotProfile = ResourceProfile.of({ cpu: k, memoryMb: 1, extended: { gpu: 2 } });
      expect(q.peekMatching(slotProfile)).toBe(anyRequest);
      q.remove(anyRequest.requestId);
      expect(q.pollMatching(ResourceProfile.of({ cpu: k - 1, memoryMb: 1, extended: { gpu: 2 } }))).toBeUndefined();
      expect(q.pollMatching(slotProfile)).toBe(r);
      q.add(anyRequest);
      expect(q.checkConsistency("q")).toEqual([]);
    }
    expect([...q.values()]).toEqual([anyRequest]);
  });

  it("clear returns every request oldest first and leaves their results alone", () => {
    const q = new PendingRequests();
    const rs = [request("r1", SMALL, "a1"), request("r2", BIG), request("r3", SMALL)];
    for (const r of rs) q.add(r);
    expect(q.clear()).toEqual(rs);
    expect(q.size).toBe(0);
    expect(q.getByAllocationId(allocationId("a1"))).toBeUndefined();
    expect(rs.every((r) => !r.result.isDone)).toBe(true);
    // the requests can join another queue afterwards
    const other = new PendingRequests();
    for (const r of rs) other.add(r);
    expect(other.pollMatching(SMALL)).toBe(rs[0]);
    expect(other.checkConsistency("other")).toEqual([]);
  });

  it("checkConsistency reports a completed request that is still queued", () => {
    const q = new PendingRequests();
    const r = request("r1", SMALL);
    q.add(r);
    r.result.fail(new Error("done elsewhere"));
    expect(q.checkConsistency("pending")).toEqual(["pending: request r1 is completed but still queued"]);
  });

  it("checkConsistency reports an allocation-id view that disagrees", () => {
    const q = new PendingRequests();
    const r = request("r1", SMALL, "a1");
    q.add(r);
    r.allocationId = allocationId("changed");
    expect(q.checkConsistency("pending")).toEqual(["pending: request r1 not reachable by its allocation id changed"]);
  });
});

describe("PendingRequest", () => {
  it("cancels its timers", () => {
    const r = request("r1", SMALL);
    let unsubscribed = 0;
    const fakeTimer = { unsubscribe: () => void unsubscribed++ };
    r.phaseTimer = fakeTimer as unknown as PendingRequest["phaseTimer"];
    r.lifetime = fakeTimer as unknown as PendingRequest["lifetime"];
    r.cancelPhaseTimer();
    expect(unsubscribed).toBe(1);
    expect(r.phaseTimer).toBeUndefined();
    r.cancelTimers();
    expect(unsubscribed).toBe(2);
    expect(r.lifetime).toBeUndefined();
  });
});

describe("PendingRequest.result (made on first access)", () => {
  it("reflects how the request ended, whether it was read before or after", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const early = h.allocate();
    const late = h.allocate();
    const pending = h.pool.inspect().pending;
    const earlyRequest = pending.get(early.requestId) as PendingRequest;
    const lateRequest = pending.get(late.requestId) as PendingRequest;
    const earlyResult = earlyRequest.result; // read while waiting
    expect(earlyResult.isDone).toBe(false);
    h.offer(tm, h.requested(0));
    h.offer(tm, h.requested(1));
    expect(earlyRequest.result).toBe(earlyResult);
    expect(earlyResult.result?.ok && earlyResult.result.value).toBe(leaseOf(early).slot);
    // read only after it was served
    expect(lateRequest.result.result?.ok && lateRequest.result.result.value).toBe(leaseOf(late).slot);
    expect(lateRequest.result).toBe(lateRequest.result);
    h.check();
  });

  it("a failed request's result, read afterwards, is rejected with the failure", () => {
    const h = new Harness({ timeouts: { slotRequestMs: 100 } });
    const handle = h.allocate();
    const request = h.pool.inspect().pending.get(handle.requestId) as PendingRequest;
    h.advanceBy(100);
    expect(request.result.result?.ok).toBe(false);
    expect(request.result.result?.ok === false && request.result.result.error).toBe(errorOf(handle));
    h.check();
  });
});
