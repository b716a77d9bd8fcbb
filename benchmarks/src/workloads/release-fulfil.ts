import {
  type ResourceManagerGateway,
  type ResourceProfile,
  type SlotPool,
  SlotReleasedError,
  type SlotRequestHandle,
} from "@slotpool/core";
import { of } from "rxjs";
import { buildCluster } from "../fixtures/cluster.js";
import { distinctRequestProfiles } from "../fixtures/profiles.js";
import { type SeededRandom, seededRandom } from "../fixtures/random.js";
import { formatNumber, shortCount } from "../format.js";
import { measureRounds } from "../harness.js";
import { timingRow } from "../report-rows.js";
import type { Workload } from "../workload.js";

const OFF = Number.POSITIVE_INFINITY;

/** Acknowledges every request at once; slots come only from releases. */
const acknowledgingResourceManager: ResourceManagerGateway = {
  requestSlot: () => of("ack"),
  cancelSlotRequest: () => {},
};

/** A FIFO ring of the handles that currently hold a slot. */
class Holders {
  private items: (SlotRequestHandle | undefined)[];
  private head = 0;
  private count = 0;
  constructor(capacity: number) {
    this.items = new Array<SlotRequestHandle | undefined>(capacity).fill(undefined);
  }
  get size(): number {
    return this.count;
  }
  push(handle: SlotRequestHandle): void {
    if (this.count === this.items.length) throw new Error("W5: holder ring overflow");
    this.items[(this.head + this.count++) % this.items.length] = handle;
  }
  shift(): SlotRequestHandle {
    const handle = this.items[this.head];
    if (handle === undefined || this.count === 0) throw new Error("W5: no slot holder left");
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    return handle;
  }
}

/**
 * W5: returned slots meet waiting requests. 100,000 requests over 100 distinct profiles wait
 * (sent to an acknowledging resource manager); 30 slots (3 sizes) circulate: a holder releases its
 * slot, the pool hands it to the oldest waiting request it fits (and withdraws that request's
 * resource-manager request, FLINK-8934), that request's holder is next to release, and so on.
 * Release → fulfil operations per second; each round then tops the queue back up (untimed).
 * Dec-2017 Flink scans every waiting request per returned slot; slotpool looks only at the heads
 * of the profile buckets the slot can serve.
 *
 * @example
 * ```ts
 * const report = await releaseFulfil.run(ctx);
 * ```
 */
export const releaseFulfil: Workload = {
  id: "W5",
  title: "returned slots meet waiting requests",
  summary:
    "Release → fulfil operations per second with 100,000 waiting requests over 100 distinct profiles: " +
    "each released slot goes to the oldest waiting request it fits, whose holder releases next.",
  async run(ctx) {
    const waiting = ctx.smoke ? 1_000 : 100_000;
    const maxOps = ctx.smoke ? 200 : 20_000;
    const profiles = distinctRequestProfiles(100);
    const { pool } = buildCluster({
      slots: 30,
      pool: {
        timeouts: {
          slotRequestMs: OFF,
          resourceManagerAllocationMs: OFF,
          resourceManagerRequestMs: OFF,
          idleSlotMs: OFF,
        },
      },
    });
    pool.connectToResourceManager(acknowledgingResourceManager);
    const holders = new Holders(64);
    for (let i = 0; i < 30; i++) holders.push(pool.allocateSlot({ queued: false }));
    const rnd = seededRandom(5);
    enqueue(pool, waiting, profiles, rnd, holders);
    const cause = new SlotReleasedError("task finished");
    const measured = await measureRounds(ctx.harness, { initialOps: maxOps / 10, maxOps }, (n, sw) => {
      sw.time(() => {
        for (let i = 0; i < n; i++) holders.shift().release(cause);
      });
      enqueue(pool, n, profiles, rnd, holders);
    });
    const state = pool.inspect();
    if (state.pending.size !== waiting || holders.size !== 30 || state.available.size !== 0) {
      throw new Error(`W5: unexpected state (${state.pending.size} waiting, ${holders.size} holders)`);
    }
    const row = timingRow({
      name: `${shortCount(waiting)} waiting requests, 100 profiles`,
      measured,
      unit: "ops/s",
      throughputLabel: "fulfils/s",
      details: { waitingRequests: waiting, distinctProfiles: profiles.length, circulatingSlots: 30 },
    });
    ctx.log(`W5: ${row.name}: ${formatNumber(row.stats.median)} fulfils/s`);
    for (const request of [...state.pending.values()]) pool.releaseSlot(request.requestId, cause);
    return {
      measurements: [row],
      notes: [
        `Each round times up to ${maxOps} release → fulfil steps (the queue shrinks by that much), then refills it untimed.`,
        "Requests are sent to a resource manager that acknowledges at once; timeouts are off so no timer runs.",
        "30 circulating slots: 10 each of 1 cpu/1 GiB, 2 cpu/4 GiB, 4 cpu/8 GiB, serving 16, 80 and 100 of the profiles.",
      ],
    };
  },
};

function enqueue(
  pool: SlotPool,
  count: number,
  profiles: readonly ResourceProfile[],
  rnd: SeededRandom,
  holders: Holders,
): void {
  for (let i = 0; i < count; i++) {
    const handle = pool.allocateSlot({ profile: profiles[rnd.int(profiles.length)]!, queued: true });
    handle.result.onSettled((o) => {
      if (o.ok) holders.push(handle);
    });
  }
}
