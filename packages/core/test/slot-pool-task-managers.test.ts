import { describe, expect, it } from "vitest";
import {
  allocationId,
  InvalidArgumentError,
  resourceId,
  type TaskManagerLocation,
  TaskManagerLostError,
  taskManagerLocation,
} from "../src/index.js";
import { Harness, leaseOf, SLOT } from "./harness.js";

describe("SlotPool.registerTaskManager / releaseTaskManager (§2.13)", () => {
  it("registers once; rejects an empty id", () => {
    const h = new Harness();
    expect(h.pool.registerTaskManager(resourceId("tm-1"))).toBe(true);
    expect(h.pool.registerTaskManager(resourceId("tm-1"))).toBe(false);
    expect(h.pool.isTaskManagerRegistered(resourceId("tm-1"))).toBe(true);
    expect(h.pool.isTaskManagerRegistered(resourceId("tm-2"))).toBe(false);
    expect(() => h.pool.registerTaskManager("" as never)).toThrow(InvalidArgumentError);
    expect(h.eventsOf("taskManagerRegistered").map((e) => e.resourceId)).toEqual(["tm-1"]);
    h.check();
  });

  it("release drops its free slots, releases its allocated slots with TASK_MANAGER_LOST and does not reuse them", () => {
    const h = new Harness();
    const lost = h.taskManager("tm-lost", "host-1");
    const kept = h.taskManager("tm-kept", "host-1");
    h.offer(lost, "lost-free");
    h.offer(lost, "lost-held");
    h.offer(kept, "kept-free");
    const held = h.pool.allocateSlot({ preferredLocations: [lost.location] });
    expect(leaseOf(held).slot.allocationId).toBe("lost-free");
    const held2 = h.pool.allocateSlot({ preferredLocations: [lost.location] });
    expect(leaseOf(held2).slot.allocationId).toBe("lost-held");
    const waiting = h.allocate({ profile: { cpu: 64, memoryMb: 1 } });
    h.check();

    expect(h.pool.releaseTaskManager(lost.location.resourceId)).toBe(true);
    for (const handle of [held, held2]) {
      const cause = handle.released.result;
      expect(cause?.ok && cause.value).toBeInstanceOf(TaskManagerLostError);
      expect(cause?.ok && (cause.value as TaskManagerLostError).code).toBe("TASK_MANAGER_LOST");
      expect(cause?.ok && cause.value.message).toBe("TaskManager tm-lost was released.");
    }
    expect(h.pool.isTaskManagerRegistered(lost.location.resourceId)).toBe(false);
    expect(h.snapshot()).toMatchObject({ available: 1, allocated: 0, pending: 1 });
    expect(h.pool.inspect().available.contains(allocationId("kept-free"))).toBe(true);
    expect(waiting.result.isDone).toBe(false);
    h.check();
    // their holders returning them is ignored
    held.release();
    expect(h.snapshot()).toMatchObject({ available: 1, allocated: 0 });
    // its offers are rejected until it registers again
    expect(h.offer(lost, "lost-again")).toBe(false);
    expect(h.pool.releaseTaskManager(lost.location.resourceId)).toBe(false);
    h.check();
  });

  it("release passes the caller's cause to the payloads and leaves pending and stashed requests alone", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    const slotHolder = h.allocate();
    h.offer(tm, h.requested(0));
    const pending = h.allocate();
    h.pool.disconnectResourceManager();
    const stashed = h.allocate();
    const cause = new TaskManagerLostError("heartbeat of tm-1 timed out");
    h.pool.releaseTaskManager(tm.location.resourceId, cause);
    expect(slotHolder.released.result).toEqual({ ok: true, value: cause });
    expect(pending.result.isDone).toBe(false);
    expect(stashed.result.isDone).toBe(false);
    expect(h.eventsOf("taskManagerReleased")).toEqual([
      { type: "taskManagerReleased", atMs: 0, resourceId: "tm-1", cause },
    ]);
    h.check();
  });

  it("unknown TaskManagers are a no-op", () => {
    const h = new Harness();
    const tm = h.taskManager("tm-1");
    h.offer(tm, "s1");
    const before = h.snapshot();
    expect(h.pool.releaseTaskManager(resourceId("tm-404"))).toBe(false);
    expect(h.snapshot()).toEqual(before);
    expect(h.eventsOf("taskManagerReleased")).toEqual([]);
    h.check();
  });

  it("costs O(its slots): the slots of other TaskManagers are not even looked at", () => {
    // explicit checks only: an automatic check would read every location
    const h = new Harness({ autoCheck: "off" });
    let reads = 0;
    const watched = (id: string): TaskManagerLocation => {
      const plain = taskManagerLocation(id, "host-others");
      return new Proxy(plain, {
        get(target, key, receiver) {
          reads++;
          return Reflect.get(target, key, receiver);
        },
      });
    };
    const victim = h.taskManager("tm-victim", "host-victim");
    h.offer(victim, "v-free");
    h.offer(victim, "v-held");
    const victimLease = h.pool.allocateSlot({ preferredLocations: [victim.location] });
    for (let t = 0; t < 50; t++) {
      const location = watched(`tm-${t}`);
      h.pool.registerTaskManager(location.resourceId);
      for (let i = 0; i < 4; i++) {
        const accepted = h.pool.offerSlot(location, victim.gateway, {
          allocationId: allocationId(`tm-${t}-${i}`),
          slotIndex: i,
          profile: SLOT,
        });
        expect(accepted).toBe(true);
      }
    }
    const othersHeld = Array.from({ length: 100 }, () => h.allocate({ preferredLocations: [victim.location] }));
    expect(othersHeld.every((x) => x.result.result?.ok)).toBe(true);
    h.check();
    const before = h.snapshot();
    expect(before).toMatchObject({ available: 101, allocated: 101 });
    expect(h.pool.inspect().allocated.getSlotsForTaskManager(victim.location.resourceId)).toHaveLength(2);
    reads = 0;
    h.pool.releaseTaskManager(victim.location.resourceId);
    expect(reads).toBe(0);
    expect(victimLease.released.isDone).toBe(true);
    expect(othersHeld.filter((x) => x.released.isDone)).toHaveLength(1); // the one that got v-held
    expect(h.snapshot()).toMatchObject({ available: 101, allocated: 99 });
    h.check();
  });
});
