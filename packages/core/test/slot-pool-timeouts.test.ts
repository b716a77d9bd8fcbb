import { Observable } from "rxjs";
import { describe, expect, it } from "vitest";
import { NoResourceAvailableError, type SlotRequest, SlotRequestTimeoutError } from "../src/index.js";
import { errorOf, Harness, leaseOf } from "./harness.js";

const RM_REQUEST = 10_000;
const RM_ALLOCATION = 600_000;
const SLOT_REQUEST = 300_000;

describe("resourceManagerRequestMs (§2.2): the RPC timeout of a resource-manager request", () => {
  it("an RM that never answers: the request fails NO_RESOURCE_AVAILABLE at exactly the timeout and is cancelled", () => {
    const h = new Harness({ autoAcknowledge: false });
    const handle = h.allocate();
    h.check();
    h.advanceTo(RM_REQUEST - 1);
    expect(handle.result.isDone).toBe(false);
    h.check();
    h.advanceTo(RM_REQUEST);
    const error = errorOf(handle);
    expect(error).toBeInstanceOf(NoResourceAvailableError);
    expect(error.message).toBe("No pooled slot available and request to ResourceManager for new slot failed.");
    expect(error.cause).toBeInstanceOf(SlotRequestTimeoutError);
    expect((error.cause as SlotRequestTimeoutError).code).toBe("TIMEOUT");
    expect(h.pool.inspect().pending.size).toBe(0);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
    // a late acknowledgement changes nothing
    h.rm.acknowledge(h.requested(0));
    h.scheduler.flush();
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });

  it("the stash: a request waiting for a resource manager fails NO_RESOURCE_AVAILABLE after the timeout", () => {
    const h = new Harness({ connect: false });
    const handle = h.allocate();
    h.advanceTo(RM_REQUEST - 1);
    expect(handle.result.isDone).toBe(false);
    h.advanceTo(RM_REQUEST);
    const error = errorOf(handle);
    expect(error.code).toBe("NO_RESOURCE_AVAILABLE");
    expect(error.message).toBe("No slot available and no connection to Resource Manager established.");
    expect(h.pool.inspect().waitingForResourceManager.size).toBe(0);
    expect(h.rm.cancelled).toEqual([]);
    h.check();
  });

  it("connecting ends the stash timer; the RM-request timer starts from the connection", () => {
    const h = new Harness({ connect: false, autoAcknowledge: false });
    const handle = h.allocate();
    h.advanceTo(4000);
    h.pool.connectToResourceManager(h.rm);
    h.advanceTo(RM_REQUEST);
    expect(handle.result.isDone).toBe(false);
    h.check();
    h.advanceTo(4000 + RM_REQUEST - 1);
    expect(handle.result.isDone).toBe(false);
    h.advanceTo(4000 + RM_REQUEST);
    expect(errorOf(handle).code).toBe("NO_RESOURCE_AVAILABLE");
    h.check();
  });

  it("an acknowledgement ends the RM-request timer", () => {
    const h = new Harness({ autoAcknowledge: false });
    const handle = h.allocate();
    h.advanceTo(9000);
    expect(h.rm.acknowledge(h.requested(0))).toBe(true);
    h.advanceTo(RM_REQUEST + 1000);
    expect(handle.result.isDone).toBe(false);
    expect(h.pool.inspect().pending.size).toBe(1);
    h.check();
  });

  it("a refusal fails the request NO_RESOURCE_AVAILABLE with the refusal as cause, and withdraws it", () => {
    const h = new Harness({ autoAcknowledge: false });
    const handle = h.allocate();
    const other = h.allocate();
    const refusal = new Error("no capacity");
    h.advanceTo(100);
    expect(h.rm.refuse(h.requested(0), refusal)).toBe(true);
    const error = errorOf(handle);
    expect(error.code).toBe("NO_RESOURCE_AVAILABLE");
    expect(error.cause).toBe(refusal);
    expect(other.result.isDone).toBe(false);
    expect(h.pool.inspect().pending.size).toBe(1);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });

  it("an error after the acknowledgement is ignored", () => {
    const h = new Harness();
    let fail: ((e: Error) => void) | undefined;
    const rm = {
      requestSlot: (_r: SlotRequest) =>
        new Observable<unknown>((sub) => {
          sub.next("ack");
          fail = (e) => sub.error(e);
        }),
      cancelSlotRequest: () => {},
    };
    h.pool.disconnectResourceManager();
    h.pool.connectToResourceManager(rm);
    const handle = h.allocate();
    fail?.(new Error("too late"));
    expect(handle.result.isDone).toBe(false);
    expect(h.pool.inspect().pending.size).toBe(1);
    h.check();
  });

  it("a resource manager that throws synchronously fails the request at once", () => {
    const h = new Harness();
    h.pool.disconnectResourceManager();
    const boom = new Error("rm down");
    h.pool.connectToResourceManager({
      requestSlot: () => {
        throw boom;
      },
      cancelSlotRequest: () => {},
    });
    const handle = h.allocate();
    expect(errorOf(handle).cause).toBe(boom);
    expect(h.pool.inspect().pending.size).toBe(0);
    h.check();
  });

  it("Infinity disables it", () => {
    const h = new Harness({
      autoAcknowledge: false,
      timeouts: { resourceManagerRequestMs: Number.POSITIVE_INFINITY, slotRequestMs: Number.POSITIVE_INFINITY },
    });
    const sent = h.allocate();
    h.pool.disconnectResourceManager();
    const stashed = h.allocate();
    h.scheduler.flush();
    expect(h.now()).toBe(0);
    expect(sent.result.isDone).toBe(false);
    expect(stashed.result.isDone).toBe(false);
    h.check();
  });
});

describe("resourceManagerAllocationMs (§2.2): after the acknowledgement, until the slot is offered", () => {
  it("fails TIMEOUT at ack time + resourceManagerAllocationMs, and cancels the request", () => {
    const h = new Harness({ autoAcknowledge: false, timeouts: { slotRequestMs: Number.POSITIVE_INFINITY } });
    const handle = h.allocate();
    h.advanceTo(3000);
    h.rm.acknowledge(h.requested(0));
    h.advanceTo(3000 + RM_ALLOCATION - 1);
    expect(handle.result.isDone).toBe(false);
    h.check();
    h.advanceTo(3000 + RM_ALLOCATION);
    const error = errorOf(handle);
    expect(error).toBeInstanceOf(SlotRequestTimeoutError);
    expect(error.message).toBe(`Slot allocation request ${h.requested(0)} timed out after ${RM_ALLOCATION} ms.`);
    expect(h.pool.inspect().pending.size).toBe(0);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });
});

describe("slotRequestMs (FLINK-8653): a queued request's own timeout", () => {
  it("a request sent to the RM fails TIMEOUT, leaves the pool and is cancelled at the RM", () => {
    const h = new Harness();
    const handle = h.allocate();
    h.advanceTo(SLOT_REQUEST - 1);
    expect(handle.result.isDone).toBe(false);
    h.advanceTo(SLOT_REQUEST);
    const error = errorOf(handle);
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toBe(`Slot request ${handle.requestId} timed out after ${SLOT_REQUEST} ms.`);
    expect(h.pool.inspect().pending.size).toBe(0);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    expect(handle.released.isDone).toBe(true);
    h.check();
  });

  it("a stashed request fails TIMEOUT and leaves the stash", () => {
    const h = new Harness({
      connect: false,
      timeouts: { slotRequestMs: 500, resourceManagerRequestMs: 10_000 },
    });
    const handle = h.allocate();
    h.advanceTo(500);
    expect(errorOf(handle).code).toBe("TIMEOUT");
    expect(h.pool.inspect().waitingForResourceManager.size).toBe(0);
    h.check();
    h.pool.connectToResourceManager(h.rm);
    expect(h.rm.requests).toEqual([]);
  });

  it("the request's timeoutMs overrides the pool's; Infinity waits forever", () => {
    const h = new Harness({ timeouts: { resourceManagerAllocationMs: Number.POSITIVE_INFINITY } });
    const quick = h.allocate({ timeoutMs: 50 });
    const patient = h.allocate({ timeoutMs: Number.POSITIVE_INFINITY });
    h.advanceTo(50);
    expect(errorOf(quick).code).toBe("TIMEOUT");
    expect(patient.result.isDone).toBe(false);
    h.scheduler.flush();
    expect(patient.result.isDone).toBe(false);
    h.check();
  });

  it("requests time out independently, in the order of their deadlines", () => {
    const h = new Harness();
    const order: string[] = [];
    const a = h.allocate({ timeoutMs: 300 });
    const b = h.allocate({ timeoutMs: 100 });
    const c = h.allocate({ timeoutMs: 200 });
    for (const [name, x] of [
      ["a", a],
      ["b", b],
      ["c", c],
    ] as const) {
      x.result.onSettled(() => order.push(`${name}@${h.now()}`));
    }
    h.advanceTo(300);
    expect(order).toEqual(["b@100", "c@200", "a@300"]);
    expect(h.rm.cancelled).toEqual([h.requested(1), h.requested(2), h.requested(0)]);
    h.check();
  });
});

describe("remove if still there, then fail: timers never touch a request that already ended", () => {
  it("a request served by its offer before any timer fires is left alone by all of them", () => {
    const h = new Harness({ autoAcknowledge: false });
    const tm = h.taskManager("tm-1");
    const handle = h.allocate();
    h.advanceTo(5000);
    h.offer(tm, h.requested(0));
    const lease = leaseOf(handle);
    h.scheduler.flush();
    expect(h.now()).toBe(5000); // no timer of the request was left behind
    expect(handle.result.result).toEqual({ ok: true, value: lease });
    expect(handle.released.isDone).toBe(false);
    expect(h.eventsOf("requestFailed")).toEqual([]);
    expect(h.rm.cancelled).toEqual([]);
    h.check();
  });

  it("a request served after the acknowledgement is not failed by the allocation timer", () => {
    const h = new Harness({ timeouts: { slotRequestMs: Number.POSITIVE_INFINITY } });
    const tm = h.taskManager("tm-1");
    const handle = h.allocate();
    h.advanceTo(RM_ALLOCATION - 1);
    h.offer(tm, h.requested(0));
    h.advanceTo(RM_ALLOCATION * 2);
    expect(handle.result.result?.ok).toBe(true);
    expect(handle.released.isDone).toBe(false);
    expect(h.eventsOf("requestFailed")).toEqual([]);
    h.check();
  });

  it("a stashed request served by a returned slot is not failed by the stash or request timers", () => {
    const h = new Harness({ connect: false });
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const holder = h.allocate();
    const stashed = h.allocate();
    h.advanceTo(RM_REQUEST - 1);
    holder.release();
    expect(leaseOf(stashed).slot.allocationId).toBe("s1");
    h.advanceTo(SLOT_REQUEST * 2);
    expect(stashed.result.result?.ok).toBe(true);
    expect(stashed.released.isDone).toBe(false);
    expect(h.eventsOf("requestFailed")).toEqual([]);
    h.check();
  });

  it("a request released before its timers fire is failed once, by the release", () => {
    const h = new Harness({ autoAcknowledge: false });
    const handle = h.allocate();
    const outcomes: string[] = [];
    handle.result.onSettled((o) => outcomes.push(o.ok ? "ok" : (o.error as Error & { code: string }).code));
    h.advanceTo(10);
    handle.release();
    h.scheduler.flush();
    expect(outcomes).toEqual(["SLOT_RELEASED"]);
    expect(h.rm.cancelled).toEqual([h.requested(0)]);
    h.check();
  });
});
