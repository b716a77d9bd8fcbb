// The README's example, kept runnable: if this test changes, update README.md (and vice versa).
import {
  allocationId,
  InMemoryTaskExecutor,
  jobMasterId,
  ResourceProfile,
  SlotPool,
  taskManagerLocation,
} from "@slotpool/core";
import { TaskScheduler } from "@slotpool/slot-sharing";
import { VirtualTimeScheduler } from "rxjs";
import { expect, it } from "vitest";
import { assertCoLocationInvariants, CoLocationGroup } from "../src/index.js";

it("runs the README example", () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  // --- README example starts here (console.log → log) ---
  const pool = new SlotPool({ scheduler: new VirtualTimeScheduler() });
  pool.start(jobMasterId("jm-1"));
  const profile = ResourceProfile.of({ cpu: 2, memoryMb: 2048 });
  for (const [id, host] of [
    ["tm-1", "host-a"],
    ["tm-2", "host-b"],
  ] as const) {
    const tm = taskManagerLocation(id, host);
    pool.registerTaskManager(tm.resourceId);
    pool.offerSlots(tm, new InMemoryTaskExecutor(tm.resourceId), [
      { allocationId: allocationId(`${id}-slot`), slotIndex: 0, profile },
    ]);
  }
  const tasks = new TaskScheduler(pool);

  // An iteration: head#i and tail#i must run in the same slot; "map" just shares slots.
  const loop = new CoLocationGroup("loop");
  const place = (vertexId: string, i: number, coLocated: boolean) =>
    tasks.allocate({
      vertexId,
      subtaskIndex: i,
      slotSharingGroup: "default",
      ...(coLocated ? { coLocationConstraint: loop.constraint(i) } : {}),
    });
  const handles = [0, 1].flatMap((i) => [place("head", i, true), place("map", i, false), place("tail", i, true)]);
  for (const h of handles) log(`${h.result.result?.ok ? h.result.result.value : "waiting"}`);
  log(
    `loop[0] locked to ${loop.constraint(0).location?.resourceId}, loop[1] to ${loop.constraint(1).location?.resourceId}`,
  );
  assertCoLocationInvariants(loop, tasks);

  // head#0 fails and restarts: it goes back to its constraint's slot, LOCAL.
  handles[0]?.release();
  const restarted = place("head", 0, true);
  log(`restarted: ${restarted.result.result?.ok ? restarted.result.result.value : "failed"}`);
  // --- README example ends here ---

  expect(lines).toEqual([
    "head#0 → tm-1-slot@tm-1[0] (UNCONSTRAINED)",
    "map#0 → tm-1-slot@tm-1[0] (UNCONSTRAINED)",
    "tail#0 → tm-1-slot@tm-1[0] (LOCAL)",
    "head#1 → tm-2-slot@tm-2[0] (UNCONSTRAINED)",
    "map#1 → tm-2-slot@tm-2[0] (UNCONSTRAINED)",
    "tail#1 → tm-2-slot@tm-2[0] (LOCAL)",
    "loop[0] locked to tm-1, loop[1] to tm-2",
    "restarted: head#0 → tm-1-slot@tm-1[0] (LOCAL)",
  ]);
});
