// The local-process resource manager: every TaskExecutor is a real worker process.
//   node --import tsx --conditions=@slotpool/source packages/resource-manager/examples/local-process.ts
import { assertSlotPoolInvariants, jobMasterId, SlotPool } from "@slotpool/core";
import {
  connectResourceManager,
  LocalProcessResourceManager,
  type TaskExecutorConnection,
} from "@slotpool/resource-manager";
import { firstValueFrom } from "rxjs";

const rm = new LocalProcessResourceManager({ maxWorkers: 2, slotsPerWorker: 2 });
const pool = new SlotPool();
const link = connectResourceManager(pool, rm, { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 1_000 });
link.grantLeadership(jobMasterId("jm-1"));
try {
  // Three slots: the resource manager starts two workers (two slots each) on demand.
  const leases = await Promise.all([0, 1, 2].map(() => pool.allocateSlot({}).result.promise));
  console.log(
    `workers: ${rm
      .inspect()
      .workers.map((w) => `${w.resourceId} (pid ${w.pid})`)
      .join(", ")}`,
  );
  const results = await Promise.all(
    leases.map((lease, i) =>
      firstValueFrom(
        (lease.slot.gateway as TaskExecutorConnection).submitTask(lease.slot.allocationId, {
          kind: "sleep",
          durationMs: 100 * (i + 1),
          result: `task ${i}`,
        }),
      ),
    ),
  );
  for (const r of results) console.log(`${r.taskId} ran ${Math.round(r.durationMs)} ms on ${r.resourceId}: ${r.value}`);
  assertSlotPoolInvariants(pool);
} finally {
  link.close();
  await rm.shutdown(); // no worker process survives
}
console.log(`workers left: ${rm.workerPids().length}`);
