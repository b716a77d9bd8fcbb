// The README's example, kept runnable: if this test changes, update README.md (and vice versa).
import {
  allocationId,
  InMemoryResourceManager,
  InMemoryTaskExecutor,
  isSlotPoolError,
  jobMasterId,
  ResourceProfile,
  SlotPool,
  taskManagerLocation,
} from "@slotpool/core";
import { VirtualTimeScheduler } from "rxjs";
import { expect, it } from "vitest";
import { type LogicalSlot, type SchedulableTask, TaskScheduler } from "../src/index.js";

it("runs the README example", () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  // --- README example starts here (console.log → log) ---
  const clock = new VirtualTimeScheduler();
  const pool = new SlotPool({ scheduler: clock });
  const rm = new InMemoryResourceManager();
  pool.start(jobMasterId("jm-1"));
  pool.connectToResourceManager(rm);

  // One TaskManager offers two slots of 1 cpu / 1 GiB up front.
  const tm1 = taskManagerLocation("tm-1", "host-a");
  const slotProfile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });
  pool.registerTaskManager(tm1.resourceId);
  pool.offerSlots(tm1, new InMemoryTaskExecutor(tm1.resourceId), [
    { allocationId: allocationId("a-1"), slotIndex: 0, profile: slotProfile },
    { allocationId: allocationId("a-2"), slotIndex: 1, profile: slotProfile },
  ]);

  // Three vertices in one sharing group; the third subtask of each must wait for a new slot.
  const tasks = new TaskScheduler(pool);
  const profile = Object.freeze({ cpu: 0.25, memoryMb: 256 });
  const handles = ["source", "map", "sink"].flatMap((vertexId) =>
    [0, 1, 2].map((subtaskIndex) =>
      tasks.allocate({ vertexId, subtaskIndex, slotSharingGroup: "default", profile, timeoutMs: 60_000 }),
    ),
  );
  for (const h of handles) {
    h.result.onSettled((o) => log(o.ok ? `${o.value}` : `${h.vertexId}#${h.subtaskIndex} failed: ${o.error.message}`));
  }
  log(`waiting: ${handles.filter((h) => !h.result.isDone).length}, asked the RM for ${rm.requests.length} slot(s)`);

  // 100 ms later the resource manager's TaskManager offers the slot it was asked for.
  clock.schedule(() => {
    const tm2 = taskManagerLocation("tm-2", "host-b");
    pool.registerTaskManager(tm2.resourceId);
    const request = rm.requests[0];
    if (request !== undefined) {
      pool.offerSlot(tm2, new InMemoryTaskExecutor(tm2.resourceId), {
        allocationId: request.allocationId,
        slotIndex: 0,
        profile: slotProfile,
      });
    }
  }, 100);
  clock.flush();

  // The job finished: give every slot back.
  for (const h of handles) h.release();
  log(`free slots: ${pool.inspect().available.size}`);
  // --- README example ends here ---

  expect(lines).toEqual([
    "source#0 → a-1@tm-1[0] (UNCONSTRAINED)",
    "source#1 → a-2@tm-1[1] (UNCONSTRAINED)",
    "map#0 → a-1@tm-1[0] (UNCONSTRAINED)",
    "map#1 → a-2@tm-1[1] (UNCONSTRAINED)",
    "sink#0 → a-1@tm-1[0] (UNCONSTRAINED)",
    "sink#1 → a-2@tm-1[1] (UNCONSTRAINED)",
    "waiting: 3, asked the RM for 1 slot(s)",
    "source#2 → alloc-1@tm-2[0] (UNKNOWN)",
    "map#2 → alloc-1@tm-2[0] (UNKNOWN)",
    "sink#2 → alloc-1@tm-2[0] (UNKNOWN)",
    "free slots: 3",
  ]);
});

// The README's "writing a task-level scheduler" sketch, kept compiling and correct.
function scheduleJob(tasks: TaskScheduler, vertices: { id: string; parallelism: number }[]) {
  const placed = new Map<string, LogicalSlot>(); // "vertex#i" → slot
  vertices.forEach((vertex, v) => {
    for (let i = 0; i < vertex.parallelism; i++) {
      const upstream = v > 0 ? placed.get(`${vertices[v - 1]!.id}#${i}`) : undefined;
      const task: SchedulableTask = {
        vertexId: vertex.id,
        subtaskIndex: i,
        slotSharingGroup: "default",
        ...(upstream ? { preferredLocations: [upstream.location] } : {}),
      };
      const handle = tasks.allocate(task);
      handle.result.onSettled((o) => {
        if (o.ok)
          placed.set(`${vertex.id}#${i}`, o.value); // deploy(o.value.gateway, …)
        else if (isSlotPoolError(o.error, "TIMEOUT")) console.warn(`${vertex.id}#${i} gave up waiting`);
      });
      handle.released.onSettled((o) => {
        if (o.ok && !isSlotPoolError(o.value, "SLOT_RELEASED")) {
          // The slot was taken away (TaskManager lost…): restart the task; it gets a new handle.
        }
      });
    }
  });
  return placed;
}

it("runs the README's job scheduler sketch", () => {
  const pool = new SlotPool({ scheduler: new VirtualTimeScheduler() });
  pool.start(jobMasterId("jm-1"));
  const profile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });
  for (let t = 0; t < 3; t++) {
    const tm = taskManagerLocation(`tm-${t}`);
    pool.registerTaskManager(tm.resourceId);
    pool.offerSlots(tm, new InMemoryTaskExecutor(tm.resourceId), [
      { allocationId: allocationId(`s-${t}`), slotIndex: 0, profile },
    ]);
  }
  const placed = scheduleJob(new TaskScheduler(pool), [
    { id: "source", parallelism: 3 },
    { id: "map", parallelism: 3 },
    { id: "sink", parallelism: 3 },
  ]);
  expect(placed.size).toBe(9);
  for (let i = 0; i < 3; i++) {
    expect(placed.get(`map#${i}`)?.allocationId).toBe(placed.get(`source#${i}`)?.allocationId);
    expect(placed.get(`sink#${i}`)?.locality).toBe("LOCAL");
  }
});
