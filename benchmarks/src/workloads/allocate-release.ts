import { type SlotAllocationRequest, SlotReleasedError } from "@slotpool/core";
import { buildCluster, type Cluster } from "../fixtures/cluster.js";
import { SLOT_PROFILES } from "../fixtures/profiles.js";
import { seededRandom } from "../fixtures/random.js";
import { formatNumber, shortCount } from "../format.js";
import { measureRounds } from "../harness.js";
import { ratioOf, timingRow } from "../report-rows.js";
import type { Measurement, Ratio, Workload, WorkloadContext } from "../workload.js";

const PAIR_TARGET = { comparison: "<", threshold: 1000, description: "< 1 µs per pair" } as const;
const FLAT_TARGET = { comparison: "<=", threshold: 1.5, description: "≤ 1.5" } as const;
/** Prebuilt requests, used in turn (a power of two). */
const TABLE = 1 << 16;

type Variant = "no preferences" | "1 preferred TM";
const VARIANTS: readonly Variant[] = ["no preferences", "1 preferred TM"];

/**
 * Issue 2's first core benchmark: one `allocateSlot` + `release` pair on a pool of N free slots
 * (10 per TaskManager, 3 slot sizes, requests of the 3 sizes in turn), with no location preference
 * and with one preferred TaskManager drawn at random. Per-pair cost at 1k…1M slots, and the ratio
 * cost(1M)/cost(1k), which stays near 1 only if every index is sublinear.
 *
 * @example
 * ```ts
 * const report = await allocateRelease.run(ctx);
 * ```
 */
export const allocateRelease: Workload = {
  id: "C1",
  title: "core allocate + release pairs",
  summary:
    "Cost of one allocateSlot + release pair on a pool of N free slots (10 per TaskManager, 3 sizes), " +
    "without and with a preferred TaskManager, at 1k–1M slots: the flat-curve proof for the indexes.",
  async run(ctx) {
    const sizes = ctx.smoke ? [1000, 2000] : [1_000, 10_000, 100_000, 1_000_000];
    const rows = new Map<string, Measurement>();
    for (const size of sizes) {
      const t0 = performance.now();
      const cluster = buildCluster({ slots: size });
      const buildMs = performance.now() - t0;
      ctx.log(`C1: built ${shortCount(size)} slots in ${buildMs.toFixed(0)} ms`);
      for (const variant of VARIANTS) {
        const row = await measurePairs(ctx, cluster, variant, buildMs);
        rows.set(`${variant}@${size}`, row);
        ctx.log(`C1: ${row.name}: ${formatNumber(row.stats.median)} ns/pair`);
      }
    }
    const measurements = [...rows.values()];
    measurements.push(await measureDefaultCause(ctx, sizes[0]!));
    const first = sizes[0]!;
    const last = sizes.at(-1)!;
    const ratios: Ratio[] = VARIANTS.map((variant) =>
      ratioOf(
        `${variant}: cost(${shortCount(last)})/cost(${shortCount(first)})`,
        rows.get(`${variant}@${last}`)!,
        rows.get(`${variant}@${first}`)!,
        "cost",
        FLAT_TARGET,
      ),
    );
    return {
      measurements,
      ratios,
      notes: [
        "One pool per size, built once and used by both variants; every pair leaves the pool as it found it.",
        `Requests are prebuilt (${TABLE} of them, used in turn: sizes in turn, a random preferred TaskManager), so only the pool is timed.`,
        "release(cause) gets one shared SlotReleasedError; the info row shows the idiomatic release() with no cause " +
          "(the pool makes that SlotReleasedError only if someone reads it; it used to build one per call).",
      ],
    };
  },
};

async function measurePairs(
  ctx: WorkloadContext,
  cluster: Cluster,
  variant: Variant,
  buildMs: number,
): Promise<Measurement> {
  const { pool, locations, slots } = cluster;
  const rnd = seededRandom(slots);
  const requests: SlotAllocationRequest[] = [];
  for (let i = 0; i < TABLE; i++) {
    const profile = SLOT_PROFILES[i % SLOT_PROFILES.length]!;
    requests.push(
      variant === "no preferences"
        ? { profile }
        : { profile, preferredLocations: [locations[rnd.int(locations.length)]!] },
    );
  }
  const cause = new SlotReleasedError("task finished");
  let next = 0;
  const measured = await measureRounds(ctx.harness, { initialOps: ctx.smoke ? 2_000 : 20_000 }, (n, sw) =>
    sw.time(() => {
      for (let i = 0; i < n; i++) {
        pool.allocateSlot(requests[next]).release(cause);
        next = (next + 1) & (TABLE - 1);
      }
    }),
  );
  if (pool.inspect().available.size !== slots) throw new Error("C1: the pool lost slots while measuring");
  return timingRow({
    name: `${shortCount(slots)} slots, ${variant}`,
    measured,
    unit: "ns/op",
    target: PAIR_TARGET,
    details: { slots, taskManagers: locations.length, buildMs: Math.round(buildMs) },
  });
}

/** The idiomatic `release()` without a cause (no Error is built unless someone reads it): shown for reference. */
async function measureDefaultCause(ctx: WorkloadContext, size: number): Promise<Measurement> {
  const { pool } = buildCluster({ slots: size });
  const requests: SlotAllocationRequest[] = SLOT_PROFILES.map((profile) => ({ profile }));
  let next = 0;
  const measured = await measureRounds(ctx.harness, { initialOps: ctx.smoke ? 2_000 : 20_000 }, (n, sw) =>
    sw.time(() => {
      for (let i = 0; i < n; i++) {
        pool.allocateSlot(requests[next]).release();
        next = next === requests.length - 1 ? 0 : next + 1;
      }
    }),
  );
  return timingRow({
    name: `${shortCount(size)} slots, no preferences, release() without a cause (info)`,
    measured,
    unit: "ns/op",
  });
}
