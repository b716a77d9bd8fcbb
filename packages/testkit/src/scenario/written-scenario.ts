// The shapes of a scenario *as written* (before defaults), as the zod schemas in
// scenario-schema.ts accept them. Optional fields may be absent or null.

/**
 * A resource profile as written.
 *
 * @internal
 */
export interface WrittenResources {
  readonly cpu: number;
  readonly memoryMb: number;
  readonly extended?: Readonly<Record<string, number>> | null | undefined;
}

/**
 * The TaskManager of an `addTaskManager` event as written.
 *
 * @internal
 */
export interface WrittenAddedTaskManager {
  readonly id: string;
  readonly host?: string | null | undefined;
  readonly slots?: number | null | undefined;
  readonly slotProfile?: WrittenResources | null | undefined;
}

/**
 * A static TaskManager as written.
 *
 * @internal
 */
export interface WrittenTaskManager extends WrittenAddedTaskManager {
  readonly registerAtMs?: number | null | undefined;
}

/**
 * The elastic cluster settings as written.
 *
 * @internal
 */
export interface WrittenElastic {
  readonly maxTaskManagers: number;
  readonly slotsPerTaskManager?: number | null | undefined;
  readonly slotProfile?: WrittenResources | null | undefined;
  readonly startupMs?: number | null | undefined;
  readonly idleTimeoutMs?: number | null | undefined;
  readonly idPrefix?: string | null | undefined;
  readonly hostPrefix?: string | null | undefined;
  readonly host?: string | null | undefined;
}

/**
 * The cluster as written.
 *
 * @internal
 */
export interface WrittenCluster {
  readonly offerAllSlots?: boolean | null | undefined;
  readonly slotSelection?: "locality-first" | "spread-out" | null | undefined;
  /** Entries are checked one by one (see validateList). */
  readonly taskManagers?: readonly unknown[] | null | undefined;
  readonly elastic?: WrittenElastic | null | undefined;
}

/**
 * A vertex as written; `preferredLocations` entries are checked by hand.
 *
 * @internal
 */
export interface WrittenVertex {
  readonly id: string;
  readonly parallelism: number;
  readonly profile?: WrittenResources | null | undefined;
  readonly slotSharingGroup?: string | null | undefined;
  readonly coLocationGroup?: string | null | undefined;
  readonly preferredLocations?: readonly unknown[] | null | undefined;
  readonly durationMs?: number | null | undefined;
  readonly timeoutMs?: number | null | undefined;
}

/**
 * The job as written.
 *
 * @internal
 */
export interface WrittenJob {
  readonly queued?: boolean | null | undefined;
  readonly submitAtMs?: number | null | undefined;
  readonly vertices: readonly WrittenVertex[];
}

/**
 * The timeouts as written.
 *
 * @internal
 */
export interface WrittenTimeouts {
  readonly resourceManagerRequestMs?: number | null | undefined;
  readonly allocationMs?: number | null | undefined;
  readonly idleSlotMs?: number | null | undefined;
  readonly resourceManagerAllocationMs?: number | null | undefined;
}

/**
 * The whole scenario as written; `events` entries are checked by hand.
 *
 * @internal
 */
export interface WrittenScenario {
  readonly name?: string | null | undefined;
  readonly seed?: number | null | undefined;
  readonly cluster: WrittenCluster;
  readonly job: WrittenJob;
  readonly timeouts?: WrittenTimeouts | null | undefined;
  readonly events?: readonly unknown[] | null | undefined;
}

/**
 * A preferred location written as a mapping.
 *
 * @internal
 */
export interface WrittenLocation {
  readonly taskManager?: string | null | undefined;
  readonly host?: string | null | undefined;
}

/**
 * The target of a `failAllocation` event as written.
 *
 * @internal
 */
export interface WrittenSlotRef {
  readonly taskManager: string;
  readonly slotIndex: number;
}
