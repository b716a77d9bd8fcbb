import type { SeededRandom } from "../simulation/random.js";
import { FUZZ_SLOT_PROFILES, FUZZ_TASK_PROFILES, MAX_OFFER_DELAY_MS, MAX_TASK_TIMEOUT_MS } from "./fuzz-config.js";
import type { FuzzLocationRef, FuzzStep, FuzzStepOp } from "./fuzz-step.js";
import { FuzzWorld } from "./fuzz-world.js";

/** Relative weights of the step kinds (state-dependent ones are adjusted in `next`). */
const WEIGHTS: readonly (readonly [FuzzStepOp, number])[] = [
  ["submit", 26],
  ["finish", 12],
  ["cancel", 3],
  ["withdraw", 1.5],
  ["advance", 24],
  ["quiesce", 0.1],
  ["loseTaskManager", 1.2],
  ["freezeTaskManager", 1.2],
  ["thawTaskManager", 1.5],
  ["addTaskManager", 0.5],
  ["disconnectResourceManager", 0.8],
  ["reconnectResourceManager", 1.2],
  ["failSlot", 2],
  ["failAllocation", 2],
  ["offerFault", 1.5],
  ["grantLeadership", 0.6],
  ["revokeLeadership", 0.3],
  ["staleMessage", 1.5],
  ["foreignOffer", 1.5],
  ["unregisteredOffer", 1.5],
  ["duplicateOffer", 1],
  ["allocateRaw", 2.5],
  ["releaseRaw", 2],
];

/**
 * The offer faults an `offerFault` step may inject (see the embedded resource manager's `injectOfferFault`).
 *
 * @example
 * ```ts
 * const kinds: OfferFaultKind[] = ["drop", "duplicate"];
 * ```
 */
export type OfferFaultKind = "drop" | "duplicate" | "delay";

const OFFER_FAULT_KINDS: readonly OfferFaultKind[] = Object.freeze(["drop", "duplicate", "delay"] as const);

/**
 * Relative weights of the step kinds a {@link FuzzStepGenerator} draws from; override some to
 * focus a run (e.g. `{ revokeLeadership: 0 }` while a known bug there is being fixed).
 *
 * @example
 * ```ts
 * new FuzzStepGenerator(rng, { offerFault: 0, quiesce: 1 });
 * ```
 */
export const DEFAULT_FUZZ_WEIGHTS: Readonly<Record<FuzzStepOp, number>> = Object.freeze(
  Object.fromEntries(WEIGHTS),
) as Readonly<Record<FuzzStepOp, number>>;

/**
 * Draws the next step of a fuzz run from a seeded generator and the world's current state (which
 * tasks wait or run, which TaskManagers exist), so that most steps do something. The same seed
 * and the same world give the same steps.
 *
 * @example
 * ```ts
 * const generator = new FuzzStepGenerator(new SeededRandom(1));
 * const step = generator.next(world);
 * world.apply(step);
 * ```
 */
export class FuzzStepGenerator {
  private readonly rng: SeededRandom;
  private readonly weights: readonly (readonly [FuzzStepOp, number])[];
  private readonly total: number;
  private readonly offerFaults: readonly OfferFaultKind[];
  private added = 0;

  /**
   * @param rng - the run's step generator (forked from its seed).
   * @param weights - overrides of {@link DEFAULT_FUZZ_WEIGHTS} (0 disables a step kind).
   * @param offerFaults - the offer faults `offerFault` steps inject (default all three; none disables them).
   */
  constructor(
    rng: SeededRandom,
    weights: Partial<Record<FuzzStepOp, number>> = {},
    offerFaults: readonly OfferFaultKind[] = OFFER_FAULT_KINDS,
  ) {
    this.rng = rng;
    this.offerFaults = offerFaults.length === 0 ? OFFER_FAULT_KINDS : offerFaults;
    this.weights = WEIGHTS.map(([op, w]) => {
      const weight = op === "offerFault" && offerFaults.length === 0 ? 0 : Math.max(0, weights[op] ?? w);
      return [op, weight] as const;
    });
    this.total = this.weights.reduce((n, [, w]) => n + w, 0);
  }

  /**
   * The next step for `world`.
   *
   * @example
   * ```ts
   * generator.next(world).op; // e.g. "submit"
   * ```
   */
  next(world: FuzzWorld): FuzzStep {
    const rng = this.rng;
    if (!world.pool.isStarted && rng.chance(0.3)) return { op: "grantLeadership" };
    if (!world.pool.isResourceManagerConnected && rng.chance(0.05)) return { op: "reconnectResourceManager" };
    let x = rng.next() * this.total;
    let op: FuzzStepOp = "advance";
    for (const [candidate, weight] of this.weights) {
      x -= weight;
      if (x < 0) {
        op = candidate;
        break;
      }
    }
    return this.make(op, world) ?? this.advance(world);
  }

  private make(op: FuzzStepOp, world: FuzzWorld): FuzzStep | undefined {
    const rng = this.rng;
    switch (op) {
      case "submit": {
        const task = this.findTask(world, "idle");
        if (task === undefined) return undefined;
        const timeoutMs = rng.chance(0.6)
          ? undefined
          : rng.chance(0.1)
            ? rng.int(0, 50)
            : rng.int(0, MAX_TASK_TIMEOUT_MS);
        const prefer = rng.chance(0.6) ? undefined : this.preferences(world);
        const queued = rng.chance(0.92) ? undefined : false;
        return {
          op,
          task,
          ...(prefer === undefined ? {} : { prefer }),
          ...(queued === undefined ? {} : { queued }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        };
      }
      case "finish": {
        const task = this.findTask(world, "running");
        return task === undefined ? undefined : { op, task };
      }
      case "cancel":
      case "withdraw": {
        const task = this.findTask(world, "waiting");
        return task === undefined ? undefined : { op, task };
      }
      case "advance":
        return this.advance(world);
      case "quiesce":
        return { op };
      case "loseTaskManager":
      case "freezeTaskManager":
      case "thawTaskManager":
        return { op, tm: rng.pick(world.knownTaskManagers) };
      case "addTaskManager":
        return {
          op,
          tm: `tm-x${++this.added}`,
          host: rng.pick(["host-a", "host-b", "host-c", "host-d"]),
          slots: rng.int(1, 3),
          slotProfile: rng.pick(FUZZ_SLOT_PROFILES),
        };
      case "disconnectResourceManager":
      case "reconnectResourceManager":
      case "grantLeadership":
      case "revokeLeadership":
        return { op };
      case "failSlot":
      case "duplicateOffer":
      case "releaseRaw":
        return { op, pick: rng.int(0, 1_000) };
      case "failAllocation": {
        const r = rng.next();
        const target = r < 0.45 ? "pending" : r < 0.6 ? "unknown" : r < 0.8 ? "available" : "allocated";
        return { op, target, pick: rng.int(0, 1_000) };
      }
      case "offerFault": {
        const kind = rng.pick(this.offerFaults);
        const tm = rng.chance(0.5) ? rng.pick(world.knownTaskManagers) : undefined;
        return {
          op,
          kind,
          times: rng.int(1, 3),
          ...(kind === "delay" ? { delayMs: rng.int(1, MAX_OFFER_DELAY_MS) } : {}),
          ...(tm === undefined ? {} : { tm }),
        };
      }
      case "staleMessage":
        return { op, kind: rng.pick(["offer", "lost", "registered"] as const), pick: rng.int(0, 1_000) };
      case "foreignOffer":
        return { op, pick: rng.int(0, 1_000), other: rng.int(0, 1_000) };
      case "unregisteredOffer":
        return { op, pick: rng.int(0, 1_000), known: rng.chance(0.5) };
      case "allocateRaw": {
        const prefer = rng.chance(0.7) ? undefined : this.preferences(world);
        return {
          op,
          profile: rng.pick(FUZZ_TASK_PROFILES),
          queued: rng.chance(0.85),
          timeoutMs: rng.int(0, MAX_TASK_TIMEOUT_MS),
          ...(prefer === undefined ? {} : { prefer }),
        };
      }
    }
  }

  private advance(world: FuzzWorld): FuzzStep {
    const rng = this.rng;
    const r = rng.next();
    const ms =
      r < 0.3
        ? rng.int(0, 2)
        : r < 0.6
          ? rng.int(3, 100)
          : r < 0.88
            ? rng.int(100, 5_000)
            : rng.int(5_000, world.horizonMs);
    return { op: "advance", ms };
  }

  private preferences(world: FuzzWorld): FuzzLocationRef[] {
    const rng = this.rng;
    const refs: FuzzLocationRef[] = [];
    for (let n = rng.int(1, 2); n > 0; n--) {
      refs.push(
        rng.chance(0.7)
          ? { taskManager: rng.pick(world.knownTaskManagers) }
          : { host: rng.pick(["host-a", "host-b", "host-c", "host-z"]) },
      );
    }
    return refs;
  }

  /** A task key in `state`, found by a few random probes (the job is small). */
  private findTask(world: FuzzWorld, state: "idle" | "waiting" | "running"): string | undefined {
    const keys = world.taskKeys;
    for (let attempt = 0; attempt < 6; attempt++) {
      const key = this.rng.pick(keys);
      const task = world.task(key);
      if (task !== undefined && FuzzWorld.stateOf(task) === state) return key;
    }
    return undefined;
  }
}
