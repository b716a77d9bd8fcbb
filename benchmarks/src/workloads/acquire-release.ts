import { asyncSemaContender } from "../contenders/async-sema-contender.js";
import type { Contender, ContenderFactory } from "../contenders/contender.js";
import { genericPoolContender } from "../contenders/generic-pool-contender.js";
import { slotpoolContender } from "../contenders/slotpool-contender.js";
import { tarnContender } from "../contenders/tarn-contender.js";
import { formatNumber } from "../format.js";
import { measureRounds } from "../harness.js";
import { ratioOf, timingRow } from "../report-rows.js";
import type { Measurement, Ratio, Workload } from "../workload.js";

const CONTENDERS: readonly ContenderFactory[] = [
  slotpoolContender,
  genericPoolContender,
  tarnContender,
  asyncSemaContender,
];

const VS_GENERIC_POOL = { comparison: ">=", threshold: 2, description: "≥ 2× generic-pool" } as const;

interface Shape {
  readonly name: string;
  readonly size: number;
  readonly borrowers: number;
  readonly pause: boolean;
}

/**
 * W1: plain acquire/release with one profile, slotpool side by side with generic-pool 3.9.0,
 * tarn 3.1.2 and async-sema 3.1.1 in the same run, each through its own promise API: (a) one
 * borrower acquiring and releasing in sequence on pools of 10 and 10,000, (b) 100 concurrent
 * borrowers on 10 slots, each awaiting a microtask while holding. Throughput in pairs/s, and
 * slotpool's throughput relative to each library.
 *
 * @example
 * ```ts
 * const report = await acquireRelease.run(ctx);
 * ```
 */
export const acquireRelease: Workload = {
  id: "W1",
  title: "plain acquire/release vs generic-pool, tarn, async-sema",
  summary:
    "Acquire/release pairs per second with one profile: one borrower in sequence on pools of 10 and " +
    "10,000, and 100 borrowers (holding for one microtask) on 10 slots; slotpool next to generic-pool, " +
    "tarn and async-sema, each used through its documented promise API.",
  async run(ctx) {
    const shapes: Shape[] = [
      { name: "pool 10, 1 borrower", size: 10, borrowers: 1, pause: false },
      {
        name: `pool ${ctx.smoke ? "1,000" : "10,000"}, 1 borrower`,
        size: ctx.smoke ? 1000 : 10_000,
        borrowers: 1,
        pause: false,
      },
      { name: "pool 10, 100 borrowers", size: 10, borrowers: 100, pause: true },
    ];
    const measurements: Measurement[] = [];
    const ratios: Ratio[] = [];
    for (const shape of shapes) {
      const rows = new Map<string, Measurement>();
      for (const factory of CONTENDERS) {
        const contender: Contender = await factory(shape.size);
        try {
          const measured = await measureRounds(ctx.harness, { initialOps: ctx.smoke ? 500 : 5_000 }, (n, sw) =>
            sw.timeAsync(() => contender.run({ remaining: n }, shape.borrowers, shape.pause)),
          );
          const row = timingRow({
            name: `${shape.name}: ${contender.name}`,
            measured,
            unit: "ops/s",
            throughputLabel: "pairs/s",
            details: { poolSize: shape.size, borrowers: shape.borrowers, microtaskWhileHolding: shape.pause },
          });
          rows.set(contender.name, row);
          measurements.push(row);
          ctx.log(`W1: ${row.name}: ${formatNumber(row.stats.median)} pairs/s`);
        } finally {
          await contender.close();
        }
      }
      const ours = rows.get("slotpool")!;
      for (const [name, row] of rows) {
        if (name === "slotpool") continue;
        const target = name.startsWith("generic-pool") ? VS_GENERIC_POOL : undefined;
        ratios.push(ratioOf(`${shape.name}: slotpool / ${name}`, ours, row, "value", target));
      }
    }
    return {
      measurements,
      ratios,
      notes: [
        "Each library is created untimed with all resources ready, then driven by identical borrower loops.",
        "slotpool has no resource manager and no request timeout here (generic-pool's defaults have none either): " +
          "a borrower that finds no free slot is a queued request, served FIFO when a slot is released.",
        "Ratios compare throughput (pairs/s medians).",
      ],
    };
  },
};
