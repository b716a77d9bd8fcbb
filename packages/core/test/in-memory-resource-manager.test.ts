import { lastValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  allocationId,
  InMemoryResourceManager,
  InMemoryTaskExecutor,
  jobMasterId,
  ResourceProfile,
  resourceId,
  type SlotRequest,
} from "../src/index.js";

const request = (id: string): SlotRequest => ({
  jobMasterId: jobMasterId("jm"),
  jobId: "job",
  allocationId: allocationId(id),
  profile: ResourceProfile.UNKNOWN,
});

describe("InMemoryResourceManager", () => {
  it("records requests on subscribe and acknowledges them at once by default", () => {
    const rm = new InMemoryResourceManager();
    const call = rm.requestSlot(request("a1"));
    expect(rm.requests).toEqual([]); // cold: nothing happens before subscribe
    const seen: unknown[] = [];
    let completed = false;
    call.subscribe({ next: (v) => seen.push(v), complete: () => (completed = true) });
    expect(seen).toEqual(["ack"]);
    expect(completed).toBe(true);
    expect(rm.requests.map((r) => r.allocationId)).toEqual(["a1"]);
    expect(rm.acknowledge(allocationId("a1"))).toBe(false);
  });

  it("with autoAcknowledge false, answers only when told", () => {
    const rm = new InMemoryResourceManager({ autoAcknowledge: false });
    const acks: string[] = [];
    const errors: Error[] = [];
    for (const id of ["a1", "a2", "a3"]) {
      rm.requestSlot(request(id)).subscribe({ next: () => acks.push(id), error: (e: Error) => errors.push(e) });
    }
    expect(acks).toEqual([]);
    expect(rm.acknowledge(allocationId("a2"))).toBe(true);
    expect(rm.acknowledge(allocationId("a2"))).toBe(false);
    const refusal = new Error("no capacity");
    expect(rm.refuse(allocationId("a3"), refusal)).toBe(true);
    expect(rm.refuse(allocationId("a3"), refusal)).toBe(false);
    expect(rm.acknowledge(allocationId("unknown"))).toBe(false);
    expect(acks).toEqual(["a2"]);
    expect(errors).toEqual([refusal]);
    rm.cancelSlotRequest(allocationId("a1"));
    expect(rm.cancelled).toEqual(["a1"]);
    expect(rm.outstanding.map((r) => r.allocationId)).toEqual(["a2"]);
  });
});

describe("InMemoryTaskExecutor", () => {
  it("records freed slots; with failFree the free call errors", async () => {
    const ok = new InMemoryTaskExecutor(resourceId("tm-1"));
    await expect(lastValueFrom(ok.freeSlot(allocationId("s1"), new Error("idle")))).resolves.toBe("ack");
    expect(ok.freed).toEqual(["s1"]);
    const failing = new InMemoryTaskExecutor(resourceId("tm-2"), { failFree: true });
    await expect(lastValueFrom(failing.freeSlot(allocationId("s2"), new Error("idle")))).rejects.toThrow(
      "free of s2 failed",
    );
    expect(failing.freed).toEqual(["s2"]);
    expect(failing.resourceId).toBe("tm-2");
  });
});
