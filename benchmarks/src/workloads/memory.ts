import {
  jobMasterId,
  type ResourceManagerGateway,
  ResourceProfile,
  SlotPool,
  type SlotPoolTimeouts,
  SlotReleasedError,
  type SlotRequestHandle,
} from "@slotpool/core";
import { of } from "rxjs";
import { buildCluster } from "../fixtures/cluster.js";
import { shortCount } from "../format.js";
import { garbageCollector, settledHeapUsed } from "../gc.js";
import { valueRow } from "../report-rows.js";
import type { Measurement, Workload } from "../workload.js";

const SLOT_TARGET = { comparison: "<=", threshold: 300, description: "≤ 300 bytes/slot" } as const;
const OFF = Number.POSITIVE_INFINITY;

/** A resource manager that acknowledges every request at once and never offers a slot. */
const acknowledgingResourceManager: ResourceManagerGateway = {
  requestSlot: () => of("ack"),
  cancelSlotRequest: () => {},
};

interface PendingVariant {
  readonly name: string;
  readonly timeouts: Partial<SlotPoolTimeouts>;
  readonly resourceManager: boolean;
}

const PENDING_VARIANTS: readonly PendingVariant[] = [
  {
    name: "stashed (no resource manager), no timeouts",
    timeouts: { slotRequestMs: OFF, resourceManagerRequestMs: OFF, idleSlotMs: OFF },
    resourceManager: false,
  },
  {
    name: "sent to the resource manager, no timeouts",
    timeouts: { slotRequestMs: OFF, resourceManagerAllocationMs: OFF, idleSlotMs: OFF },
    resourceManager: true,
  },
  {
    name: "sent to the resource manager, default timeouts",
    timeouts: {},
    resourceManager: true,
  },
];

/**
 * W4: retained heap. Bytes per free slot at 1M slots (everything the pool keeps alive for them:
 * slot objects, index entries, allocation-id strings, TaskManager locations and gateways), and
 * bytes per pending request at 100k queued requests (handle, result, request and its queue
 * entries; with default timeouts also its two rxjs timer actions). Measured as the growth of
 * `process.memoryUsage().heapUsed` between settled full collections (`--expose-gc`), while a reference to
 * the pool is kept.
 *
 * @example
 * ```ts
 * const report = await memory.run(ctx);
 * ```
 */
export const memory: Workload = {
  id: "W4",
  title: "retained memory per slot and per pending request",
  summary:
    "Retained heap bytes per free slot at 1M slots and per pending request at 100k queued requests: " +
    "heapUsed growth between repeated full GCs (--expose-gc), holding a reference to the pool.",
  async run(ctx) {
    const slots = ctx.smoke ? 10_000 : 1_000_000;
    const requests = ctx.smoke ? 2_000 : 100_000;
    const rounds = ctx.smoke ? 1 : 3;
    const notes: string[] = [];
    if (garbageCollector() === null) notes.push("No garbage collector could be reached: values include garbage.");
    const measurements: Measurement[] = [];

    const perSlot: number[] = [];
    for (let r = 0; r < rounds; r++) {
      perSlot.push(measureSlots(slots));
      ctx.log(`W4: ${shortCount(slots)} free slots: ${perSlot.at(-1)?.toFixed(1)} bytes/slot`);
    }
    measurements.push(
      valueRow({
        name: `${shortCount(slots)} free slots`,
        unit: "bytes/slot",
        values: perSlot,
        target: SLOT_TARGET,
        details: { slots, slotsPerTaskManager: 10 },
      }),
    );

    for (const variant of PENDING_VARIANTS) {
      const perRequest: number[] = [];
      for (let r = 0; r < rounds; r++) perRequest.push(measurePending(variant, requests));
      const row = valueRow({
        name: `${shortCount(requests)} pending requests, ${variant.name}`,
        unit: "bytes/request",
        values: perRequest,
        details: { requests },
      });
      measurements.push(row);
      ctx.log(`W4: ${row.name}: ${row.stats.median.toFixed(1)} bytes/request`);
    }
    notes.push(
      "Per slot: growth of heapUsed from an empty heap to a started pool holding the free slots, divided by the slots.",
      "Per request: a pool with no slots; allocateSlot({ profile, queued: true }) handles kept in a preallocated array.",
      "Default timeouts run on rxjs asyncScheduler: each waiting request then holds two timer actions (Node timers).",
    );
    return { measurements, notes };
  },
};

/** In its own (synchronous) frame, so nothing of one round is still reachable in the next. */
function measureSlots(slots: number): number {
  const before = settledHeapUsed();
  const cluster = buildCluster({ slots });
  const after = settledHeapUsed();
  if (cluster.pool.inspect().available.size !== slots) throw new Error("W4: cluster lost slots");
  return (after - before) / slots;
}

function measurePending(variant: PendingVariant, count: number): number {
  const handles: (SlotRequestHandle | undefined)[] = new Array<SlotRequestHandle | undefined>(count).fill(undefined);
  const profile = ResourceProfile.of({ cpu: 1, memoryMb: 1024 });
  const before = settledHeapUsed();
  const pool = new SlotPool({ timeouts: variant.timeouts });
  pool.start(jobMasterId("bench"));
  if (variant.resourceManager) pool.connectToResourceManager(acknowledgingResourceManager);
  for (let i = 0; i < count; i++) handles[i] = pool.allocateSlot({ profile, queued: true });
  const after = settledHeapUsed();
  const state = pool.inspect();
  const waiting = state.pending.size + state.waitingForResourceManager.size;
  const cause = new SlotReleasedError("benchmark done");
  for (const handle of handles) handle?.release(cause);
  if (waiting !== count) throw new Error(`W4: expected ${count} waiting requests, found ${waiting}`);
  return (after - before) / count;
}
