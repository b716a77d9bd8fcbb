import type { Workload } from "./workload.js";
import { acquireRelease } from "./workloads/acquire-release.js";
import { allocateRelease } from "./workloads/allocate-release.js";
import { flinkShaped } from "./workloads/flink-shaped.js";
import { memory } from "./workloads/memory.js";
import { placement } from "./workloads/placement.js";
import { releaseFulfil } from "./workloads/release-fulfil.js";
import { simulation } from "./workloads/simulation.js";

/**
 * Every workload of the suite, in run order. To add one: write `src/workloads/<name>.ts`
 * exporting a {@link Workload}, and add one line here.
 *
 * @example
 * ```ts
 * for (const w of WORKLOADS) console.log(w.id, w.title);
 * ```
 */
export const WORKLOADS: readonly Workload[] = [
  allocateRelease, // C1 (issue 2): allocate + release pairs, 1k–1M slots
  acquireRelease, // W1: vs generic-pool, tarn, async-sema
  placement, // W2: placement with locality and mixed profiles, 1k–1M slots
  flinkShaped, // W3: Flink-shaped jobs: slot matching (128 TMs × 8); 10 × 4,000 shared, co-located
  memory, // W4: bytes per slot and per pending request
  releaseFulfil, // W5: returned slots meet 100k waiting requests
  simulation, // W6: end to end, simulate() on examples/large.yaml
];
