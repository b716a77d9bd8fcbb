import { DEFAULT_TIMEOUTS } from "@slotpool/core";
import type { ScenarioResources, ScenarioTimeouts, SlotSelectionName } from "./scenario.js";

/**
 * Every default a scenario file may leave out (those of DESIGN.md plus those of the extensions).
 * Defaults that depend on other fields: a TaskManager's `host` is its `id`; an elastic
 * `hostPrefix` is its `idPrefix`; a vertex's `timeoutMs` is `timeouts.allocationMs`; the `name`
 * is the file name without extension.
 *
 * @example
 * ```ts
 * SCENARIO_DEFAULTS.timeouts.allocationMs; // 300000
 * ```
 */
export const SCENARIO_DEFAULTS: {
  readonly name: string;
  readonly seed: number;
  readonly offerAllSlots: boolean;
  readonly slotSelection: SlotSelectionName;
  readonly slots: number;
  readonly slotProfile: ScenarioResources;
  readonly registerAtMs: number;
  readonly elastic: {
    readonly slotsPerTaskManager: number;
    readonly startupMs: number;
    readonly idleTimeoutMs: null;
    readonly idPrefix: string;
    readonly host: null;
  };
  readonly queued: boolean;
  readonly submitAtMs: number;
  readonly timeouts: ScenarioTimeouts;
} = Object.freeze({
  name: "scenario",
  seed: 0,
  offerAllSlots: false,
  slotSelection: "locality-first",
  slots: 1,
  slotProfile: Object.freeze({ cpu: 1, memoryMb: 1024, extended: Object.freeze({}) }),
  registerAtMs: 0,
  elastic: Object.freeze({
    slotsPerTaskManager: 1,
    startupMs: 0,
    idleTimeoutMs: null,
    idPrefix: "elastic-",
    host: null,
  }),
  queued: true,
  submitAtMs: 0,
  timeouts: Object.freeze({
    resourceManagerRequestMs: DEFAULT_TIMEOUTS.resourceManagerRequestMs,
    allocationMs: DEFAULT_TIMEOUTS.slotRequestMs,
    idleSlotMs: DEFAULT_TIMEOUTS.idleSlotMs,
    resourceManagerAllocationMs: DEFAULT_TIMEOUTS.resourceManagerAllocationMs,
  }),
});
