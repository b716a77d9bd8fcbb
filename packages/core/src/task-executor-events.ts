import type { Observable, Subscription } from "rxjs";
import type { JobMasterId, ResourceId } from "./ids.js";
import type { SlotOffer, TaskExecutorGateway } from "./resource-manager-gateway.js";
import type { SlotPool } from "./slot-pool.js";
import type { TaskManagerLocation } from "./task-manager-location.js";

/**
 * What TaskExecutors (through a resource-manager adapter) tell the pool. Every message carries the
 * fencing token of the leadership term it was addressed to; a message with another token is stale
 * and is never applied.
 *
 * @example
 * ```ts
 * const e: TaskExecutorEvent = { type: "registered", jobMasterId, location, gateway };
 * ```
 */
export type TaskExecutorEvent =
  | {
      readonly type: "registered";
      readonly jobMasterId: JobMasterId;
      readonly location: TaskManagerLocation;
      readonly gateway: TaskExecutorGateway;
    }
  | {
      readonly type: "offer";
      readonly jobMasterId: JobMasterId;
      readonly location: TaskManagerLocation;
      readonly gateway: TaskExecutorGateway;
      readonly offers: readonly SlotOffer[];
    }
  | {
      readonly type: "lost";
      readonly jobMasterId: JobMasterId;
      readonly resourceId: ResourceId;
      readonly cause: Error;
    };

/**
 * What applying one {@link TaskExecutorEvent} did.
 *
 * @example
 * ```ts
 * if (outcome.status === "stale") staleCount++;
 * ```
 */
export type TaskExecutorEventOutcome =
  | { readonly status: "applied"; readonly accepted?: readonly SlotOffer[] }
  | { readonly status: "stale"; readonly expected: JobMasterId | undefined; readonly received: unknown }
  | { readonly status: "invalid"; readonly reason: string };

/**
 * Applies one TaskExecutor message to the pool, after checking its fencing token: `registered`
 * registers the TaskManager, `offer` offers its slots, `lost` releases it with the given cause.
 * Malformed messages are reported as `invalid`, never thrown.
 *
 * @example
 * ```ts
 * const outcome = applyTaskExecutorEvent(pool, { type: "lost", jobMasterId, resourceId, cause });
 * ```
 */
export function applyTaskExecutorEvent(pool: SlotPool, event: TaskExecutorEvent): TaskExecutorEventOutcome {
  if (event === null || typeof event !== "object") return { status: "invalid", reason: "not an object" };
  if (pool.jobMasterId === undefined || event.jobMasterId !== pool.jobMasterId) {
    return { status: "stale", expected: pool.jobMasterId, received: event.jobMasterId };
  }
  switch (event.type) {
    case "registered":
      if (typeof event.location?.resourceId !== "string" || event.location.resourceId.length === 0)
        return { status: "invalid", reason: "location.resourceId missing" };
      pool.registerTaskManager(event.location.resourceId);
      return { status: "applied" };
    case "offer":
      if (typeof event.location?.resourceId !== "string" || event.location.resourceId.length === 0)
        return { status: "invalid", reason: "location.resourceId missing" };
      if (!Array.isArray(event.offers)) return { status: "invalid", reason: "offers is not an array" };
      return { status: "applied", accepted: pool.offerSlots(event.location, event.gateway, event.offers) };
    case "lost":
      if (typeof event.resourceId !== "string" || event.resourceId.length === 0)
        return { status: "invalid", reason: "resourceId missing" };
      pool.releaseTaskManager(event.resourceId, event.cause);
      return { status: "applied" };
    default:
      return {
        status: "invalid",
        reason: `unknown message type ${JSON.stringify((event as { type?: unknown }).type)}`,
      };
  }
}

/**
 * Counters of {@link connectTaskExecutorEvents}.
 *
 * @example
 * ```ts
 * const link = connectTaskExecutorEvents(pool, rm.taskExecutorEvents$);
 * link.stats.stale; // messages rejected for a wrong fencing token
 * ```
 */
export interface TaskExecutorLinkStats {
  applied: number;
  stale: number;
  invalid: number;
}

/**
 * Feeds a stream of {@link TaskExecutorEvent}s into the pool, counting stale (wrong fencing token)
 * and invalid messages instead of applying them. Unsubscribe to disconnect.
 *
 * @example
 * ```ts
 * const link = connectTaskExecutorEvents(pool, events$);
 * // later
 * link.subscription.unsubscribe();
 * ```
 */
export function connectTaskExecutorEvents(
  pool: SlotPool,
  events$: Observable<TaskExecutorEvent>,
): { readonly subscription: Subscription; readonly stats: Readonly<TaskExecutorLinkStats> } {
  const stats: TaskExecutorLinkStats = { applied: 0, stale: 0, invalid: 0 };
  const subscription = events$.subscribe((event) => {
    const outcome = applyTaskExecutorEvent(pool, event);
    stats[outcome.status]++;
  });
  return { subscription, stats };
}
