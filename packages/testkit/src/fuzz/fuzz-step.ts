import type { ResourceSpec } from "@slotpool/core";

/**
 * A preferred location in a fuzz step: a TaskManager by id, or a host by name.
 *
 * @example
 * ```ts
 * const prefer: FuzzLocationRef[] = [{ taskManager: "tm-1" }, { host: "host-b" }];
 * ```
 */
export type FuzzLocationRef = { readonly taskManager: string } | { readonly host: string };

/**
 * What kind of hostile TaskExecutor message a `staleMessage` step sends.
 *
 * @example
 * ```ts
 * const kind: StaleMessageKind = "offer";
 * ```
 */
export type StaleMessageKind = "offer" | "lost" | "registered";

/**
 * One step of a fuzz run, as plain JSON: a replay is a config and a list of these. Steps name what
 * they act on (a task key `vertex#subtask`, a TaskManager id) or pick by index (`pick`, taken modulo
 * the number of candidates at that moment), so any sub-list of a recorded run still replays
 * deterministically: a step whose target does not exist at that point does nothing.
 *
 * - `submit` a task (`task` = `v1#2`) with optional preferences, `queued` and caller timeout;
 *   `finish` a placed task (release its slot); `cancel` a waiting task (`handle.cancel()`);
 *   `withdraw` a waiting task (`handle.release(cause)`).
 * - `advance` virtual time; `quiesce`: advance far beyond every timeout and check that every
 *   request ended.
 * - Cluster faults: `loseTaskManager`, `freezeTaskManager`, `thawTaskManager`, `addTaskManager`,
 *   `disconnectResourceManager`, `reconnectResourceManager`, `failSlot` (the TaskExecutor frees a
 *   slot the pool holds), `failAllocation` (the pool is told an allocation failed), `offerFault`
 *   (drop / duplicate / delay the next offers).
 * - Leadership: `grantLeadership` (a new fencing token: suspend, then TaskExecutors re-offer),
 *   `revokeLeadership`.
 * - Hostile messages, each of which must be rejected and leave the pool unchanged: `staleMessage`
 *   (an old term's token), `foreignOffer` (an allocation id known from another TaskManager or slot
 *   index), `unregisteredOffer` (from a TaskManager the pool does not know); and `duplicateOffer`
 *   (a known slot again, accepted without change).
 * - `allocateRaw` / `releaseRaw`: physical slots asked of the pool directly (`pool.allocateSlot`).
 *
 * @example
 * ```ts
 * const steps: FuzzStep[] = [
 *   { op: "submit", task: "v0#1", prefer: [{ taskManager: "tm-2" }], timeoutMs: 5_000 },
 *   { op: "advance", ms: 40 },
 *   { op: "loseTaskManager", tm: "tm-2" },
 * ];
 * ```
 */
export type FuzzStep =
  | {
      readonly op: "submit";
      readonly task: string;
      readonly prefer?: readonly FuzzLocationRef[];
      readonly queued?: boolean;
      readonly timeoutMs?: number;
    }
  | { readonly op: "finish"; readonly task: string }
  | { readonly op: "cancel"; readonly task: string }
  | { readonly op: "withdraw"; readonly task: string }
  | { readonly op: "advance"; readonly ms: number }
  | { readonly op: "quiesce" }
  | { readonly op: "loseTaskManager"; readonly tm: string }
  | { readonly op: "freezeTaskManager"; readonly tm: string }
  | { readonly op: "thawTaskManager"; readonly tm: string }
  | {
      readonly op: "addTaskManager";
      readonly tm: string;
      readonly host: string;
      readonly slots: number;
      readonly slotProfile: ResourceSpec;
    }
  | { readonly op: "disconnectResourceManager" }
  | { readonly op: "reconnectResourceManager" }
  | { readonly op: "failSlot"; readonly pick: number }
  | {
      readonly op: "failAllocation";
      readonly target: "pending" | "available" | "allocated" | "unknown";
      readonly pick: number;
    }
  | {
      readonly op: "offerFault";
      readonly kind: "drop" | "duplicate" | "delay";
      readonly times: number;
      readonly delayMs?: number;
      readonly tm?: string;
    }
  | { readonly op: "grantLeadership" }
  | { readonly op: "revokeLeadership" }
  | { readonly op: "staleMessage"; readonly kind: StaleMessageKind; readonly pick: number }
  | { readonly op: "foreignOffer"; readonly pick: number; readonly other: number }
  | { readonly op: "unregisteredOffer"; readonly pick: number; readonly known: boolean }
  | { readonly op: "duplicateOffer"; readonly pick: number }
  | {
      readonly op: "allocateRaw";
      readonly profile: ResourceSpec | null;
      readonly queued: boolean;
      readonly timeoutMs: number;
      readonly prefer?: readonly FuzzLocationRef[];
    }
  | { readonly op: "releaseRaw"; readonly pick: number };

/**
 * The `op` of a {@link FuzzStep}.
 *
 * @example
 * ```ts
 * const op: FuzzStepOp = "advance";
 * ```
 */
export type FuzzStepOp = FuzzStep["op"];

/**
 * Every {@link FuzzStepOp}, in a fixed order (for statistics and validation).
 *
 * @example
 * ```ts
 * FUZZ_STEP_OPS.includes("submit"); // true
 * ```
 */
export const FUZZ_STEP_OPS: readonly FuzzStepOp[] = Object.freeze([
  "submit",
  "finish",
  "cancel",
  "withdraw",
  "advance",
  "quiesce",
  "loseTaskManager",
  "freezeTaskManager",
  "thawTaskManager",
  "addTaskManager",
  "disconnectResourceManager",
  "reconnectResourceManager",
  "failSlot",
  "failAllocation",
  "offerFault",
  "grantLeadership",
  "revokeLeadership",
  "staleMessage",
  "foreignOffer",
  "unregisteredOffer",
  "duplicateOffer",
  "allocateRaw",
  "releaseRaw",
] as const);

/**
 * A one-line, human-readable form of a step (the compact JSON without the quotes on keys).
 *
 * @example
 * ```ts
 * formatFuzzStep({ op: "advance", ms: 40 }); // "advance ms=40"
 * ```
 */
export function formatFuzzStep(step: FuzzStep): string {
  const parts: string[] = [step.op];
  for (const [key, value] of Object.entries(step)) {
    if (key === "op" || value === undefined) continue;
    parts.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  return parts.join(" ");
}
