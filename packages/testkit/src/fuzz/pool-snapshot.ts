import type { SlotPool } from "@slotpool/core";

/**
 * A plain-JSON picture of everything a slot pool holds, in the pool's own iteration orders: two
 * snapshots are equal exactly when an operation changed nothing the pool tracks.
 *
 * @example
 * ```ts
 * const before = snapshotSlotPool(pool);
 * pool.offerSlot(ghost, gateway, offer); // rejected
 * expect(snapshotSlotPool(pool)).toEqual(before);
 * ```
 */
export interface SlotPoolSnapshot {
  readonly started: boolean;
  readonly jobMasterId: string | null;
  readonly resourceManagerConnected: boolean;
  readonly registeredTaskManagers: readonly string[];
  /** Free slots as `allocationId@taskManager[index]`. */
  readonly available: readonly string[];
  /** Allocated slots as `requestId → allocationId@taskManager[index]` (`+` when occupied). */
  readonly allocated: readonly string[];
  /** Requests sent to the resource manager as `requestId:allocationId`. */
  readonly pending: readonly string[];
  /** Requests stashed while no resource manager is connected. */
  readonly waitingForResourceManager: readonly string[];
}

/**
 * Takes a {@link SlotPoolSnapshot} of `pool`. Cost: O(slots + requests).
 *
 * @example
 * ```ts
 * expect(snapshotSlotPool(pool).available).toEqual(["alloc-1@tm-1[0]"]);
 * ```
 */
export function snapshotSlotPool(pool: SlotPool): SlotPoolSnapshot {
  const s = pool.inspect();
  const available: string[] = [];
  for (const slot of s.available.values()) available.push(`${slot}`);
  const allocated: string[] = [];
  for (const [requestId, slot] of s.allocated.entries()) {
    allocated.push(`${requestId} → ${slot}${slot.isUsed ? "+" : ""}`);
  }
  const pending: string[] = [];
  for (const r of s.pending.values()) pending.push(`${r.requestId}:${r.allocationId ?? "-"}`);
  const waiting: string[] = [];
  for (const r of s.waitingForResourceManager.values()) waiting.push(`${r.requestId}`);
  return {
    started: s.started,
    jobMasterId: s.jobMasterId ?? null,
    resourceManagerConnected: s.resourceManagerConnected,
    registeredTaskManagers: [...s.registeredTaskManagers],
    available,
    allocated,
    pending,
    waitingForResourceManager: waiting,
  };
}
