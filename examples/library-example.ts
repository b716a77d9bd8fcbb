// A job of 6 tasks placed by @slotpool/core on an in-memory resource manager, on virtual time.
// Run: pnpm example
import {
  InMemoryResourceManager,
  InMemoryTaskExecutor,
  jobMasterId,
  ResourceProfile,
  SlotPool,
  taskManagerLocation,
} from "@slotpool/core";
import { VirtualTimeScheduler } from "rxjs";

const scheduler = new VirtualTimeScheduler();
const pool = new SlotPool({ jobId: "example", scheduler });
const rm = new InMemoryResourceManager();
pool.start(jobMasterId("jm-1"));
pool.connectToResourceManager(rm);

// Two TaskManagers with two slots each register; one offers its slots up front.
const slotProfile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });
const tms = [taskManagerLocation("tm-1", "host-a"), taskManagerLocation("tm-2", "host-b")];
const gateways = tms.map((tm) => new InMemoryTaskExecutor(tm.resourceId));
for (const tm of tms) pool.registerTaskManager(tm.resourceId);
pool.offerSlots(tms[0]!, gateways[0]!, [
  { allocationId: "static-1" as never, slotIndex: 0, profile: slotProfile },
  { allocationId: "static-2" as never, slotIndex: 1, profile: slotProfile },
]);

// Six tasks: two prefer tm-1, the rest take what comes (queued until the RM provides slots).
const handles = Array.from({ length: 6 }, (_, i) =>
  pool.allocateSlot({
    profile: { cpu: 0.5, memoryMb: 512 },
    preferredLocations: i < 2 ? [tms[0]!] : [],
    timeoutMs: 5_000,
  }),
);

// The resource manager answers outstanding requests with tm-2's slots, 100 ms later.
let nextIndex = 0;
scheduler.schedule(() => {
  for (const request of rm.outstanding.slice(0, 2)) {
    pool.offerSlot(tms[1]!, gateways[1]!, {
      allocationId: request.allocationId,
      slotIndex: nextIndex++,
      profile: slotProfile,
    });
  }
}, 100);
scheduler.flush();

console.log("task  taskManager  host    slot  locality       outcome");
handles.forEach((h, i) => {
  const o = h.result.result;
  if (o?.ok) {
    const { slot, locality } = o.value;
    console.log(
      `${String(i).padEnd(6)}${slot.location.resourceId.padEnd(13)}${slot.location.host.padEnd(8)}${String(slot.slotIndex).padEnd(6)}${locality.padEnd(15)}placed`,
    );
  } else {
    console.log(
      `${String(i).padEnd(6)}${"-".padEnd(13)}${"-".padEnd(8)}${"-".padEnd(6)}${"-".padEnd(15)}${o?.ok === false ? `${(o.error as { code?: string }).code}: ${o.error.message}` : "pending"}`,
    );
  }
});
