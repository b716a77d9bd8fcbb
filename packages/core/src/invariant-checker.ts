import { InvariantViolationError } from "./errors.js";
import type { AllocationId } from "./ids.js";
import type { InMemoryResourceManager } from "./in-memory-resource-manager.js";
import type { SlotPool } from "./slot-pool.js";

/**
 * Options of {@link checkSlotPoolInvariants}.
 *
 * @example
 * ```ts
 * checkSlotPoolInvariants(pool, { resourceManager: rm });
 * ```
 */
export interface PoolInvariantOptions {
  /** Also check invariant 9 against this double's record of requests and cancellations. */
  readonly resourceManager?: InMemoryResourceManager;
  /** Skip invariant 6's "allocated slots have a payload" (for callers that assign payloads later). */
  readonly allowUnoccupiedAllocatedSlots?: boolean;
}

/**
 * Checks the pool invariants 1–10 of the Flink reference (§4) that the pool's state can show:
 * (1) an allocation id is free or allocated, not both; (2) the free-slot views agree; (3) the
 * allocated views agree; (4) a request is sent or stashed, not both, stashed ones have no allocation
 * id and sent ones have a unique one; (5) nothing is stashed while a resource manager is connected;
 * (6) free slots have no payload, allocated ones have one; (7) every slot belongs to a registered
 * TaskManager; (8) no completed request is still queued; (9) with a recording resource manager,
 * every cancellation names a request it received, at most once, and no outstanding pending request
 * was cancelled. Invariant 10 (offer acceptance) is a property of calls and is tested directly.
 * Cost: O(slots + requests).
 *
 * @returns one sentence per violation; empty when the pool is consistent.
 * @example
 * ```ts
 * expect(checkSlotPoolInvariants(pool)).toEqual([]);
 * ```
 */
export function checkSlotPoolInvariants(pool: SlotPool, options: PoolInvariantOptions = {}): string[] {
  const s = pool.inspect();
  const problems: string[] = [];
  problems.push(...s.available.checkConsistency());
  problems.push(...s.allocated.checkConsistency());
  problems.push(...s.pending.checkConsistency("pending"));
  problems.push(...s.waitingForResourceManager.checkConsistency("waitingForResourceManager"));

  for (const slot of s.available.values()) {
    if (s.allocated.contains(slot.allocationId)) problems.push(`(1) ${slot} is both free and allocated`);
    if (!s.registeredTaskManagers.has(slot.location.resourceId)) {
      problems.push(`(7) free ${slot} belongs to unregistered TaskManager ${slot.location.resourceId}`);
    }
  }
  for (const [requestId, slot] of s.allocated.entries()) {
    if (!options.allowUnoccupiedAllocatedSlots && !slot.isUsed)
      problems.push(`(6) allocated ${slot} (${requestId}) has no payload`);
    if (!s.registeredTaskManagers.has(slot.location.resourceId)) {
      problems.push(`(7) allocated ${slot} belongs to unregistered TaskManager ${slot.location.resourceId}`);
    }
    if (s.pending.get(requestId) !== undefined || s.waitingForResourceManager.get(requestId) !== undefined) {
      problems.push(`(4) request ${requestId} holds ${slot} and is still queued`);
    }
  }
  for (const r of s.waitingForResourceManager.values()) {
    if (s.pending.get(r.requestId) !== undefined) problems.push(`(4) request ${r.requestId} is both sent and stashed`);
    if (r.allocationId !== undefined)
      problems.push(`(4) stashed request ${r.requestId} has allocation id ${r.allocationId}`);
  }
  for (const r of s.pending.values()) {
    if (r.allocationId === undefined) problems.push(`(4) sent request ${r.requestId} has no allocation id`);
  }
  if (s.resourceManagerConnected && s.waitingForResourceManager.size > 0) {
    problems.push(`(5) ${s.waitingForResourceManager.size} request(s) stashed while a resource manager is connected`);
  }
  if (!s.started && (s.available.size > 0 || s.allocated.size > 0 || s.pending.size > 0)) {
    problems.push("suspended pool still holds slots or sent requests");
  }

  const rm = options.resourceManager;
  if (rm !== undefined) {
    const requested = new Set<AllocationId>(rm.requests.map((r) => r.allocationId));
    const seen = new Set<AllocationId>();
    for (const id of rm.cancelled) {
      if (!requested.has(id)) problems.push(`(9) cancellation of ${id}, which was never requested`);
      if (seen.has(id)) problems.push(`(9) ${id} was cancelled more than once`);
      seen.add(id);
    }
    for (const r of s.pending.values()) {
      if (r.allocationId !== undefined && seen.has(r.allocationId)) {
        problems.push(`(9) pending request ${r.requestId} was cancelled at the resource manager but still waits`);
      }
    }
  }
  return problems;
}

/**
 * {@link checkSlotPoolInvariants}, throwing when anything is wrong. Call it after every step of a
 * multi-step test.
 *
 * @throws InvariantViolationError listing every violation.
 * @example
 * ```ts
 * assertSlotPoolInvariants(pool, { resourceManager: rm });
 * ```
 */
export function assertSlotPoolInvariants(pool: SlotPool, options?: PoolInvariantOptions): void {
  const problems = checkSlotPoolInvariants(pool, options);
  if (problems.length > 0) throw new InvariantViolationError(problems);
}
