import { checkCoLocationInvariants } from "@slotpool/co-location";
import { type AllocatedSlot, type AllocationId, checkSlotPoolInvariants } from "@slotpool/core";
import { checkSharingInvariants, type LogicalSlot, sumKnownProfiles } from "@slotpool/slot-sharing";
import { type FuzzViolation, fromProblems } from "./fuzz-violation.js";
import { FuzzWorld } from "./fuzz-world.js";

/**
 * An extra invariant for {@link checkFuzzInvariants} (e.g. a test's own rule, or a planted one).
 *
 * @example
 * ```ts
 * const noMoreThanTen: FuzzChecker = (world) =>
 *   world.pool.inspect().allocated.size > 10 ? [{ check: "test", rule: "ten", message: "too many" }] : [];
 * ```
 */
export type FuzzChecker = (world: FuzzWorld) => readonly FuzzViolation[];

/**
 * The invariants checked after every fuzz step:
 *
 * - core's `checkSlotPoolInvariants` (reference §4 items 1–10), slot sharing's
 *   `checkSharingInvariants` for every sharing group, with the pool (items 11–17, capacity and
 *   candidate indexes), and co-location's `checkCoLocationInvariants` (item 18);
 * - **global** ones across the packages, from the tasks' side:
 *   - `task-slot-not-allocated`: every running task's slot is held by the pool as allocated (same
 *     TaskManager and slot index), as is every raw lease;
 *   - `vertex-once-per-slot`: no physical slot hosts two subtasks of one vertex;
 *   - `co-located-apart`: running subtasks with the same co-location group and subtask index share
 *     one physical slot;
 *   - `over-committed`: the summed known profiles of a slot's running tasks fit its profile;
 *   - `unshared-task-shares-slot`, `two-sharing-groups-in-slot`, `raw-slot-shared`: a slot of its
 *     own is not shared, and one physical slot carries one sharing group;
 *   - `slot-lost` / `slot-unaccounted`: every slot the pool accepted in an offer is free or
 *     allocated until an event lets it go (freed idle, dropped, its TaskManager released, the pool
 *     suspended), and the pool holds no slot it did not accept;
 * - **slot accounting** against the TaskExecutors, whenever no message is in flight: every slot
 *   the pool holds is active (or offered again) on its running TaskExecutor at that index, and while the pool has
 *   leadership and a resource manager, every slot a TaskExecutor holds active for the job is held
 *   by the pool (except slots the pool was told failed directly, which Flink §2.12 never reports
 *   back to the TaskExecutor);
 * - nothing threw while the resource manager or the connector handled a message.
 *
 * Cost: O(slots + tasks + sharing-tree nodes), plus the cluster when nothing is in flight.
 *
 * @returns every violation found; empty when the stack is consistent.
 * @example
 * ```ts
 * world.apply(step);
 * const violations = checkFuzzInvariants(world);
 * ```
 */
export function checkFuzzInvariants(world: FuzzWorld, extra: readonly FuzzChecker[] = []): FuzzViolation[] {
  const out: FuzzViolation[] = [];
  out.push(...fromProblems("pool", checkSlotPoolInvariants(world.pool)));
  out.push(...fromProblems("sharing", checkSharingInvariants(world.tasks, { pool: world.pool })));
  if (world.coLocationGroups.size > 0) {
    out.push(...fromProblems("co-location", checkCoLocationInvariants(world.coLocationGroups.values(), world.tasks)));
  }
  checkGlobal(world, out);
  if (world.adapterErrors.length > 0) {
    for (const error of world.adapterErrors.splice(0)) {
      out.push({
        check: "adapter",
        rule: "adapter-threw",
        message: `the resource manager or the connector threw while handling a message: ${describe(error)}`,
      });
    }
  }
  if (world.rm.messagesInFlight === 0 && world.scheduler.now() > world.delayedUntil) checkSlotAccounting(world, out);
  for (const check of extra) out.push(...check(world));
  return out;
}

/**
 * The "quiet" promise, checked after the run advanced far beyond every timeout with no new step
 * (`quiesce`): every request ended (fulfilled, failed or cancelled), nothing is queued in the pool,
 * no shared slot still waits for its physical slot, and the pool holds no slot of, and no
 * registration for, a TaskManager that no longer exists.
 *
 * @example
 * ```ts
 * world.apply({ op: "quiesce" });
 * expect(checkQuiet(world)).toEqual([]);
 * ```
 */
export function checkQuiet(world: FuzzWorld): FuzzViolation[] {
  world.stats.quietChecks++;
  const out: FuzzViolation[] = [];
  if (world.unfinished.size > 0) {
    const waiting: string[] = [];
    for (const task of world.allTasks()) {
      if (task.handle !== undefined && world.unfinished.has(task.handle.result)) waiting.push(task.key);
    }
    for (const raw of world.rawHandles) if (world.unfinished.has(raw.result)) waiting.push(raw.requestId);
    out.push({
      check: "quiet",
      rule: "request-never-ended",
      message: `${world.unfinished.size} request(s) still wait after ${world.quietMs()} ms with no new step: ${waiting.slice(0, 5).join(", ")}`,
    });
  }
  const s = world.pool.inspect();
  if (s.pending.size + s.waitingForResourceManager.size > 0) {
    out.push({
      check: "quiet",
      rule: "requests-still-queued",
      message: `the pool still has ${s.pending.size} sent and ${s.waitingForResourceManager.size} stashed request(s)`,
    });
  }
  for (const manager of world.tasks.sharingManagers()) {
    const pending = [...manager.unresolvedRoots()];
    if (pending.length > 0) {
      out.push({
        check: "quiet",
        rule: "shared-slot-still-pending",
        message: `[${manager.sharingGroupId}] ${pending.length} shared slot(s) still wait for a physical slot: ${pending[0]}`,
      });
    }
  }
  const alive = new Set<string>(world.rm.inspect().taskExecutors.map((te) => te.resourceId));
  for (const slot of world.poolSlots()) {
    if (!alive.has(slot.location.resourceId)) {
      out.push({
        check: "quiet",
        rule: "slot-on-dead-task-manager",
        message: `the pool still holds ${slot}, but TaskManager ${slot.location.resourceId} is gone`,
      });
    }
  }
  for (const id of s.registeredTaskManagers) {
    if (!alive.has(id)) {
      out.push({
        check: "quiet",
        rule: "dead-task-manager-registered",
        message: `TaskManager ${id} is gone but still registered with the pool`,
      });
    }
  }
  return out;
}

/**
 * The "nothing leaks" promise, checked after {@link FuzzWorld.heal} released every task and the
 * run went quiet again: the pool holds no slot (idle ones were freed back), every TaskExecutor
 * slot is free again (except slots the pool was told failed directly, Flink §2.12), and the
 * resource manager keeps no request of the job.
 *
 * @example
 * ```ts
 * world.heal();
 * world.settle();
 * expect(checkDrained(world)).toEqual([]);
 * ```
 */
export function checkDrained(world: FuzzWorld): FuzzViolation[] {
  const out: FuzzViolation[] = [];
  const s = world.pool.inspect();
  if (s.allocated.size > 0) {
    const first = s.allocated.entries().next().value;
    out.push({
      check: "drain",
      rule: "slot-still-allocated",
      message: `every task was released, yet the pool still has ${s.allocated.size} allocated slot(s), e.g. ${first?.[1]} for ${first?.[0]}`,
    });
  }
  if (s.available.size > 0) {
    out.push({
      check: "drain",
      rule: "free-slot-not-returned",
      message: `${s.available.size} free slot(s) were not freed back after the idle timeout, e.g. ${s.available.values().next().value}`,
    });
  }
  const cluster = world.rm.inspect();
  for (const te of cluster.taskExecutors) {
    for (const slot of te.slots) {
      if (slot.state === "free") continue;
      if (slot.allocationId !== undefined && world.abandoned.has(slot.allocationId)) continue;
      out.push({
        check: "drain",
        rule: "task-executor-slot-leaked",
        message: `${te.resourceId} (${te.state}) slot ${slot.index} is still ${slot.state} for ${slot.allocationId} of job ${slot.jobId} after every task was released`,
      });
    }
  }
  for (const request of cluster.resourceManager.pendingRequests) {
    if (request.jobId === world.config.jobId) {
      out.push({
        check: "drain",
        rule: "resource-manager-request-leaked",
        message: `the resource manager still queues request ${request.allocationId} of the job`,
      });
    }
  }
  return out;
}

function checkGlobal(world: FuzzWorld, out: FuzzViolation[]): void {
  const s = world.pool.inspect();
  const bySlot = new Map<AllocationId, LogicalSlot[]>();
  const coLocated = new Map<string, { key: string; allocationId: AllocationId }>();
  for (const task of world.allTasks()) {
    const slot = FuzzWorld.slotOf(task);
    if (slot === undefined) continue;
    const physical = s.allocated.get(slot.allocationId);
    if (physical === undefined) {
      out.push({
        check: "global",
        rule: "task-slot-not-allocated",
        message: `${task.key} runs on ${slot.allocationId}@${slot.location.resourceId}[${slot.slotIndex}], which the pool does not hold as allocated`,
      });
    } else if (physical.location.resourceId !== slot.location.resourceId || physical.slotIndex !== slot.slotIndex) {
      out.push({
        check: "global",
        rule: "task-slot-not-allocated",
        message: `${task.key} runs on ${slot.allocationId}@${slot.location.resourceId}[${slot.slotIndex}], but the pool holds ${physical}`,
      });
    }
    const list = bySlot.get(slot.allocationId);
    if (list === undefined) bySlot.set(slot.allocationId, [slot]);
    else list.push(slot);
    const group = task.vertex.coLocationGroup;
    if (group !== null) {
      const key = `${group}[${task.subtask}]`;
      const other = coLocated.get(key);
      if (other === undefined) coLocated.set(key, { key: task.key, allocationId: slot.allocationId });
      else if (other.allocationId !== slot.allocationId) {
        out.push({
          check: "global",
          rule: "co-located-apart",
          message: `${other.key} and ${task.key} of co-location constraint ${key} run on different slots (${other.allocationId}, ${slot.allocationId})`,
        });
      }
    }
  }
  const rawSlots = new Set<AllocationId>();
  for (const raw of world.rawHandles) {
    const outcome = raw.result.result;
    if (outcome === undefined || !outcome.ok || raw.released.isDone) continue;
    const lease = outcome.value;
    if (s.allocated.getByRequestId(lease.requestId) !== lease.slot) {
      out.push({
        check: "global",
        rule: "task-slot-not-allocated",
        message: `raw request ${lease.requestId} holds ${lease.slot}, which the pool does not hold for it`,
      });
    }
    rawSlots.add(lease.slot.allocationId);
  }
  for (const [id, slots] of bySlot) {
    if (rawSlots.has(id)) {
      out.push({
        check: "global",
        rule: "raw-slot-shared",
        message: `${id} is a raw request's own slot, yet ${slots.map(taskName).join(", ")} run in it`,
      });
    }
    if (slots.length > 1) {
      const vertices = new Set<string>();
      const groups = new Set<string | undefined>();
      for (const l of slots) {
        if (vertices.has(l.vertexId)) {
          out.push({
            check: "global",
            rule: "vertex-once-per-slot",
            message: `${id} hosts two subtasks of vertex ${l.vertexId}: ${slots
              .filter((x) => x.vertexId === l.vertexId)
              .map(taskName)
              .join(", ")}`,
          });
        }
        vertices.add(l.vertexId);
        groups.add(l.sharingGroup);
      }
      if (groups.has(undefined)) {
        out.push({
          check: "global",
          rule: "unshared-task-shares-slot",
          message: `${id} is a task's own slot, yet ${slots.map(taskName).join(", ")} run in it`,
        });
      } else if (groups.size > 1) {
        out.push({
          check: "global",
          rule: "two-sharing-groups-in-slot",
          message: `${id} carries tasks of sharing groups ${[...groups].join(", ")}`,
        });
      }
    }
    const physical = s.allocated.get(id);
    if (physical === undefined) continue;
    const sum = sumKnownProfiles(slots.map((l) => l.profile));
    if (!sum.isUnknown && (physical.profile.isUnknown || !physical.profile.isMatching(sum))) {
      out.push({
        check: "global",
        rule: "over-committed",
        message: `${physical} offers ${physical.profile} but its tasks ${slots.map(taskName).join(", ")} need ${sum}`,
      });
    }
  }
  const ledger = world.ledger;
  for (const [id, tm] of ledger) {
    const slot = s.allocated.get(id) ?? s.available.get(id);
    if (slot === undefined) {
      out.push({
        check: "global",
        rule: "slot-lost",
        message: `the pool accepted ${id} from ${tm} and never freed, dropped or released it, but holds it no more`,
      });
    } else if (slot.location.resourceId !== tm) {
      out.push({
        check: "global",
        rule: "slot-lost",
        message: `the pool accepted ${id} from ${tm} but now holds it as ${slot}`,
      });
    }
  }
  if (ledger.size !== s.allocated.size + s.available.size) {
    for (const slot of world.poolSlots()) {
      if (!ledger.has(slot.allocationId)) {
        out.push({
          check: "global",
          rule: "slot-unaccounted",
          message: `the pool holds ${slot}, which it never accepted in an offer (or let go of before)`,
        });
      }
    }
  }
}

function checkSlotAccounting(world: FuzzWorld, out: FuzzViolation[]): void {
  world.stats.settledChecks++;
  const cluster = world.rm.inspect();
  const executors = new Map<string, (typeof cluster.taskExecutors)[number]>();
  for (const te of cluster.taskExecutors) executors.set(te.resourceId, te);
  const s = world.pool.inspect();
  const check = (slot: AllocatedSlot, where: string): void => {
    const te = executors.get(slot.location.resourceId);
    if (te === undefined || te.state === "frozen") return;
    const own = te.slots[slot.slotIndex];
    // "offered": the TaskExecutor offered the slot again (a new term, or a lost answer) and waits for the answer.
    if (
      own === undefined ||
      own.allocationId !== slot.allocationId ||
      (own.state !== "active" && own.state !== "offered")
    ) {
      out.push({
        check: "global",
        rule: "pool-slot-not-on-task-executor",
        message: `the pool holds ${where} ${slot}, but ${te.resourceId}'s slot ${slot.slotIndex} is ${own === undefined ? "missing" : `${own.state}${own.allocationId === undefined ? "" : ` for ${own.allocationId}`}`} (no message in flight)`,
      });
    }
  };
  for (const slot of s.available.values()) check(slot, "free");
  for (const [, slot] of s.allocated.entries()) check(slot, "allocated");
  if (!s.started || !s.resourceManagerConnected) return;
  for (const te of cluster.taskExecutors) {
    if (te.state !== "running") continue;
    for (const own of te.slots) {
      const id = own.allocationId;
      if (own.state !== "active" || id === undefined || own.jobId !== world.config.jobId || world.abandoned.has(id)) {
        continue;
      }
      const slot = s.allocated.get(id) ?? s.available.get(id);
      if (slot === undefined || slot.location.resourceId !== te.resourceId || slot.slotIndex !== own.index) {
        out.push({
          check: "global",
          rule: "task-executor-slot-unknown-to-pool",
          message: `${te.resourceId}'s slot ${own.index} is active for ${id} of the job, but the pool ${slot === undefined ? "does not hold it" : `holds it as ${slot}`} (no message in flight)`,
        });
      }
    }
  }
}

function taskName(slot: LogicalSlot): string {
  return `${slot.vertexId}#${slot.subtaskIndex}`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frames = (error.stack ?? "").split("\n").slice(1, 4).join("\n");
  return `${error.name}: ${error.message}${frames.length > 0 ? `\n${frames}` : ""}`;
}
