import {
  Locality,
  type ResourceProfile,
  type SlotAllocationRequest,
  type SlotLease,
  type SlotPool,
  SlotReleasedError,
  type SlotRequestHandle,
  type TaskManagerLocation,
} from "@slotpool/core";
import { buildCluster } from "../fixtures/cluster.js";
import { SLOT_PROFILES } from "../fixtures/profiles.js";
import { seededRandom } from "../fixtures/random.js";
import { formatNumber, shortCount } from "../format.js";
import { measureRounds } from "../harness.js";
import { ratioOf, timingRow } from "../report-rows.js";
import { summarize } from "../statistics.js";
import { Stopwatch } from "../stopwatch.js";
import type { Measurement, Workload } from "../workload.js";

const RATE_TARGET = { comparison: ">=", threshold: 1_000_000, description: "≥ 1M placements/s" } as const;
const FLAT_TARGET = { comparison: "<=", threshold: 1.5, description: "≤ 1.5" } as const;
/** Placements per timed batch; the batch's slots are released (timed separately) before the next. */
const BATCH = 100;
/** Prebuilt requests, used in turn (a power of two). */
const TABLE = 1 << 16;

/**
 * W2: placement with locality and mixed profiles. Batches of 100 requests (sizes small:medium:large
 * = 3:2:1, each naming 1–3 random preferred TaskManagers) are placed on a cluster of N slots, half
 * of them busy (so preferences also miss); the placements are timed, then the batch is released
 * (timed apart, reported in the details). Reports placements per second at 1k…1M slots, the
 * locality mix, and the per-placement cost ratio 1M/1k.
 *
 * @example
 * ```ts
 * const report = await placement.run(ctx);
 * ```
 */
export const placement: Workload = {
  id: "W2",
  title: "placement with locality and mixed profiles",
  summary:
    "Placements per second (allocateSlot with 1–3 preferred TaskManagers, mixed profiles) on clusters of " +
    "1k–1M slots, half busy, in batches of 100 that are then released; the per-placement cost ratio 1M/1k.",
  async run(ctx) {
    const sizes = ctx.smoke ? [1000, 2000] : [1_000, 10_000, 100_000, 1_000_000];
    const cause = new SlotReleasedError("task finished");
    const rows: Measurement[] = [];
    for (const size of sizes) {
      const t0 = performance.now();
      const { pool, locations } = buildCluster({ slots: size });
      const busy = occupy(pool, locations);
      const free = pool.inspect().available.size;
      const buildMs = performance.now() - t0;
      ctx.log(`W2: built ${shortCount(size)} slots (${busy.length} busy) in ${buildMs.toFixed(0)} ms`);
      const requests = makeRequests(TABLE, locations, size);
      const handles: SlotRequestHandle[] = new Array<SlotRequestHandle>(BATCH);
      const localities = new Map<string, number>();
      const releaseNs: number[] = [];
      let next = 0;
      const releases = new Stopwatch();
      const measured = await measureRounds(ctx.harness, { initialOps: ctx.smoke ? 2_000 : 20_000 }, (n, sw) => {
        releases.reset();
        for (let done = 0; done < n; done += BATCH) {
          const batch = Math.min(BATCH, n - done);
          sw.time(() => {
            for (let i = 0; i < batch; i++) handles[i] = pool.allocateSlot(requests[(next + i) & (TABLE - 1)]);
          });
          for (let i = 0; i < batch; i++) countLocality(localities, handles[i]!);
          releases.time(() => {
            for (let i = 0; i < batch; i++) handles[i]!.release(cause);
          });
          next = (next + batch) & (TABLE - 1);
        }
        releaseNs.push(releases.wallNs / n);
      });
      if (pool.inspect().available.size !== free) throw new Error("W2: the pool lost slots while measuring");
      const total = [...localities.values()].reduce((x, y) => x + y, 0);
      const share = (l: string): number => Math.round((1000 * (localities.get(l) ?? 0)) / total) / 10;
      const release = summarize(releaseNs.slice(-measured.nsPerOp.length)).median;
      const row = timingRow({
        name: `${shortCount(size)} slots`,
        measured,
        unit: "ops/s",
        throughputLabel: "placements/s",
        target: RATE_TARGET,
        details: {
          slots: size,
          busySlots: busy.length,
          buildMs: Math.round(buildMs),
          releaseNsPerOp: Math.round(release),
          placeAndReleasePerSecond: Math.round(1e9 / (summarize(measured.nsPerOp).median + release)),
          localPercent: share(Locality.LOCAL),
          hostLocalPercent: share(Locality.HOST_LOCAL),
          nonLocalPercent: share(Locality.NON_LOCAL),
        },
      });
      rows.push(row);
      ctx.log(`W2: ${row.name}: ${formatNumber(row.stats.median)} placements/s`);
    }
    const first = rows[0]!;
    const last = rows.at(-1)!;
    return {
      measurements: rows,
      ratios: [
        ratioOf(
          `per-placement cost(${shortCount(sizes.at(-1)!)})/cost(${shortCount(sizes[0]!)})`,
          last,
          first,
          "cost",
          FLAT_TARGET,
        ),
      ],
      notes: [
        `Batches of ${BATCH}: only the allocateSlot calls are timed; the batch is then released (release cost in details).`,
        `Requests are prebuilt (${TABLE}, used in turn) with a seeded generator: sizes small:medium:large = 3:2:1, 1–3 random preferred TaskManagers.`,
        "TaskManagers have 10 slots (sizes in turn) and share a host in pairs. Half the cluster is busy before measuring " +
          "(every TaskManager of every 4th host, and every 3rd other TaskManager, fully allocated), so preferences also " +
          "miss and LOCAL, HOST_LOCAL and NON_LOCAL placements all occur (shares in details).",
      ],
    };
  },
};

/**
 * Fills about half the cluster, as running tasks would: every TaskManager of every 4th host and
 * every 3rd other TaskManager gets all its slots allocated. Returns the handles (kept alive).
 */
function occupy(pool: SlotPool, locations: readonly TaskManagerLocation[]): SlotRequestHandle[] {
  const held: SlotRequestHandle[] = [];
  locations.forEach((location, tm) => {
    const host = Math.floor(tm / 2);
    if (host % 4 !== 0 && tm % 3 !== 0) return;
    const request: SlotAllocationRequest = { preferredLocations: [location], queued: false };
    for (let n = pool.inspect().available.countOnTaskManager(location.resourceId); n > 0; n--) {
      held.push(pool.allocateSlot(request));
    }
  });
  return held;
}

function makeRequests(count: number, locations: readonly TaskManagerLocation[], seed: number): SlotAllocationRequest[] {
  const rnd = seededRandom(seed ^ 0x5eed);
  const sizes: ResourceProfile[] = [0, 0, 0, 1, 1, 2].map((i) => SLOT_PROFILES[i]!);
  const out: SlotAllocationRequest[] = [];
  for (let i = 0; i < count; i++) {
    const prefs: TaskManagerLocation[] = [];
    const n = 1 + rnd.int(3);
    for (let p = 0; p < n; p++) prefs.push(locations[rnd.int(locations.length)]!);
    out.push({ profile: sizes[rnd.int(sizes.length)]!, preferredLocations: prefs, queued: false });
  }
  return out;
}

function countLocality(counts: Map<string, number>, handle: SlotRequestHandle): void {
  const outcome = handle.result.result;
  const key = outcome === undefined ? "PENDING" : outcome.ok ? (outcome.value as SlotLease).locality : "FAILED";
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
