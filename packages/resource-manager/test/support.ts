import { assertSlotPoolInvariants, jobMasterId, SlotPool, type SlotPoolTimeouts } from "@slotpool/core";
import { VirtualTimeScheduler } from "rxjs";
import {
  type ConnectResourceManagerOptions,
  connectResourceManager,
  EmbeddedResourceManager,
  type EmbeddedResourceManagerOptions,
  type ResourceManagerLink,
} from "../src/index.js";

/** Runs the virtual clock up to `now + ms` (running everything due by then) and stops there. */
export function advance(scheduler: VirtualTimeScheduler, ms: number): void {
  const target = scheduler.now() + ms;
  scheduler.maxFrames = target;
  scheduler.flush();
  scheduler.frame = target;
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
}

/** Runs the virtual clock up to absolute time `at`. */
export function advanceTo(scheduler: VirtualTimeScheduler, at: number): void {
  advance(scheduler, Math.max(0, at - scheduler.now()));
}

export interface EmbeddedCluster {
  readonly scheduler: VirtualTimeScheduler;
  readonly pool: SlotPool;
  readonly rm: EmbeddedResourceManager;
  readonly link: ResourceManagerLink;
  /** Asserts the pool's invariants (call after every step). */
  check(): void;
}

/** A pool started as `jm-1`, connected to an embedded resource manager, all on one virtual clock. */
export function embeddedCluster(
  rmOptions: Omit<EmbeddedResourceManagerOptions, "scheduler"> = {},
  poolTimeouts: Partial<SlotPoolTimeouts> = {},
  linkOptions: ConnectResourceManagerOptions = {},
): EmbeddedCluster {
  const scheduler = new VirtualTimeScheduler();
  const pool = new SlotPool({ scheduler, timeouts: poolTimeouts });
  const rm = new EmbeddedResourceManager({
    ...rmOptions,
    scheduler,
    onError: (error) => {
      throw error;
    },
  });
  const link = connectResourceManager(pool, rm, linkOptions);
  link.grantLeadership(jobMasterId("jm-1"));
  return { scheduler, pool, rm, link, check: () => assertSlotPoolInvariants(pool) };
}

/** True while a process with that pid exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
