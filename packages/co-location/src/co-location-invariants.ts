import { InvariantViolationError, type TaskManagerLocation } from "@slotpool/core";
import type { MultiTaskSlot, SlotSharingManager, TaskScheduler } from "@slotpool/slot-sharing";
import type { CoLocationConstraint } from "./co-location-constraint.js";
import type { CoLocationGroup } from "./co-location-group.js";

/** Every locked location a check has seen, so a change between two checks is reported. */
const seenLocations = new WeakMap<CoLocationConstraint, TaskManagerLocation>();

/**
 * Checks invariant 18 of the Flink reference (§4) for co-location groups scheduled by `scheduler`:
 *
 * - a constraint's locked location never changes (checked against every earlier check);
 * - its `slotRequestId` is stale (no node has it) or names a co-location node of the same group, in
 *   the one sharing group the group's constraints use, holding that very constraint;
 * - a co-location node whose slot is known belongs to a constraint locked to that slot's TaskManager;
 * - every live co-location node of the group is its constraint's current node;
 * - two constraints of one group never share a physical slot.
 *
 * Cost: O(constraints + nodes of the sharing groups); meant for tests and simulations.
 *
 * @returns one sentence per violation; empty when consistent.
 * @example
 * ```ts
 * expect(checkCoLocationInvariants(loop, scheduler)).toEqual([]);
 * ```
 */
export function checkCoLocationInvariants(
  groups: CoLocationGroup | Iterable<CoLocationGroup>,
  scheduler: TaskScheduler,
): string[] {
  const problems: string[] = [];
  const list = isGroup(groups) ? [groups] : [...groups];
  const managers = [...scheduler.sharingManagers()];
  for (const group of list) checkGroup(group, managers, problems);
  return problems;
}

/**
 * {@link checkCoLocationInvariants}, throwing when anything is wrong.
 *
 * @throws InvariantViolationError listing every violation.
 * @example
 * ```ts
 * assertCoLocationInvariants(loop, scheduler);
 * ```
 */
export function assertCoLocationInvariants(
  groups: CoLocationGroup | Iterable<CoLocationGroup>,
  scheduler: TaskScheduler,
): void {
  const problems = checkCoLocationInvariants(groups, scheduler);
  if (problems.length > 0) throw new InvariantViolationError(problems);
}

function checkGroup(group: CoLocationGroup, managers: SlotSharingManager[], problems: string[]): void {
  const g = `[${group.id}]`;
  const usedIn = new Set<string>();
  const slotOf = new Map<string, CoLocationConstraint>();
  for (const c of group.constraints()) {
    const location = c.location;
    if (location !== undefined) {
      const before = seenLocations.get(c);
      if (before !== undefined && (before.resourceId !== location.resourceId || before.host !== location.host)) {
        problems.push(`${g} (18) ${c} moved from ${before.resourceId} to ${location.resourceId}`);
      }
      seenLocations.set(c, location);
    }
    const id = c.slotRequestId;
    if (id === undefined) continue;
    for (const m of managers) {
      const node = m.getTaskSlot(id);
      if (node === undefined) continue;
      usedIn.add(m.sharingGroupId);
      if (node.kind !== "multi" || node.group?.kind !== "co-location" || node.isRoot) {
        problems.push(`${g} (18) ${c} points at ${node}, which is not a co-location node`);
        continue;
      }
      if (node.group.id !== group.id) problems.push(`${g} (18) ${c} points at ${node} of another group`);
      if (node.constraint !== c) problems.push(`${g} (18) ${c} points at ${node}, which holds another constraint`);
      const slot = node.slot;
      if (slot === undefined) continue;
      if (location === undefined) problems.push(`${g} (18) ${c} is not locked although ${node} runs on ${slot}`);
      else if (location.resourceId !== slot.location.resourceId) {
        problems.push(`${g} (18) ${c} is locked to ${location.resourceId} but its node runs on ${slot}`);
      }
      const other = slotOf.get(slot.allocationId);
      if (other !== undefined) problems.push(`${g} ${c} and ${other} share physical slot ${slot}`);
      slotOf.set(slot.allocationId, c);
    }
  }
  if (usedIn.size > 1)
    problems.push(`${g} (18) constraints of one group live in sharing groups ${[...usedIn].join(", ")}`);
  for (const m of managers) {
    for (const [, node] of m.taskSlots()) {
      if (node.kind !== "multi" || node.group?.kind !== "co-location" || node.group.id !== group.id) continue;
      const c = (node as MultiTaskSlot).constraint;
      if (c === undefined || c.slotRequestId !== node.requestId) {
        problems.push(`${g} (18) ${node} is not the current node of its constraint ${String(c)}`);
      }
    }
  }
}

function isGroup(value: CoLocationGroup | Iterable<CoLocationGroup>): value is CoLocationGroup {
  return typeof (value as CoLocationGroup).constraint === "function";
}
