// The embedded resource manager on virtual time: static and elastic TaskExecutors, a task, a fault.
//   node --import tsx --conditions=@slotpool/source packages/resource-manager/examples/embedded.ts
import { assertSlotPoolInvariants, jobMasterId, type SlotLease, SlotPool } from "@slotpool/core";
import {
  connectResourceManager,
  EmbeddedResourceManager,
  type TaskExecutorConnection,
} from "@slotpool/resource-manager";
import { VirtualTimeScheduler } from "rxjs";

const scheduler = new VirtualTimeScheduler();
/** Runs the virtual clock `ms` further (heartbeats never let a plain flush() end while slots are held). */
const run = (ms: number): void => {
  scheduler.maxFrames = scheduler.now() + ms;
  scheduler.flush();
  scheduler.frame = scheduler.maxFrames;
};

const pool = new SlotPool({ scheduler, timeouts: { idleSlotMs: 5_000 } });
const rm = new EmbeddedResourceManager({
  scheduler,
  taskExecutors: [{ id: "tm-1", host: "host-a", slots: 2 }],
  elastic: { maxTaskExecutors: 2, slotsPerTaskExecutor: 2, startupMs: 500 },
});
const link = connectResourceManager(pool, rm, { heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 5_000 });
link.grantLeadership(jobMasterId("jm-1"));

// Three slots: tm-1 has two, so the resource manager starts an elastic TaskExecutor for the third.
const handles = [pool.allocateSlot({}), pool.allocateSlot({}), pool.allocateSlot({})];
const leases: SlotLease[] = [];
for (const h of handles) h.result.onSettled((o) => o.ok && leases.push(o.value));
run(1_000);
for (const lease of leases) console.log(`${lease.slot} allocated (${lease.locality})`);

// A task sleeps 2 s of virtual time in its slot.
const first = leases[0] as SlotLease;
(first.slot.gateway as TaskExecutorConnection)
  .submitTask(first.slot.allocationId, { kind: "sleep", durationMs: 2_000, result: "done" })
  .subscribe((r) => console.log(`at ${scheduler.now()} ms: ${r.taskId} finished on ${r.resourceId}: ${r.value}`));
run(3_000);

// Fault injection: tm-1 dies; its slots leave the pool with TASK_MANAGER_LOST.
rm.loseTaskExecutor("tm-1");
run(10);
for (const h of handles) {
  const released = h.released.result;
  console.log(`${h.requestId}: ${released?.ok ? `released (${(released.value as { code?: string }).code})` : "held"}`);
}
assertSlotPoolInvariants(pool);
console.log("resource manager:", rm.stats.resourceManager);
link.close();
rm.shutdown();
