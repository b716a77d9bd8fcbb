import {
  type AllocatedSlot,
  checkPreferredLocations,
  IllegalStateError,
  InvalidArgumentError,
  Locality,
  NoResourceAvailableError,
  type PhysicalSlotProvider,
  ResourceProfile,
  type ResourceSpec,
  type SlotPayload,
  SlotReleasedError,
  type SlotRequestId,
  SlotRequestTimeoutError,
  type TaskManagerLocation,
  toError,
} from "@slotpool/core";
import type { TaskSlot } from "./multi-task-slot.js";
import { type OwnSlotOwner, OwnSlotRequest } from "./own-slot-request.js";
import type { SchedulableTask } from "./schedulable-task.js";
import { allocateCoLocatedMultiTaskSlot, allocateMultiTaskSlot, type RootSearch } from "./shared-slot-allocation.js";
import { SingleTaskSlot } from "./single-task-slot.js";
import { SlotSharingManager } from "./slot-sharing-manager.js";
import type { TaskHandle } from "./task-handle.js";
import type { TaskRequest } from "./task-request.js";

/**
 * Options of {@link TaskScheduler}.
 *
 * @example
 * ```ts
 * new TaskScheduler(pool, { defaultTimeoutMs: 60_000 });
 * ```
 */
export interface TaskSchedulerOptions {
  /** How long a queued task may wait when it gives no `timeoutMs`. Default 300 000 (Flink's 5 min). */
  readonly defaultTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const QUEUED_SEARCH: RootSearch = Object.freeze({ queued: true, joinPending: true, requireLocal: false });
const IMMEDIATE_SEARCH: RootSearch = Object.freeze({ queued: false, joinPending: true, requireLocal: false });
const NO_PREFERENCES: readonly TaskManagerLocation[] = Object.freeze([]);

/**
 * The task-level scheduling facade (Flink's SlotProvider over the slot pool, FLINK-7956): one
 * entry point, {@link TaskScheduler.allocate}, places a task
 *
 * - **without a sharing group** in a physical slot of its own (Flink §2.5 A): a matching free slot
 *   now (with its locality), else — if queued — a new slot from the provider (`UNKNOWN`), else
 *   `NO_RESOURCE_AVAILABLE`;
 * - **with a sharing group** in a shared slot (§2.5 B, §2.5.1, §3): one physical slot runs at most
 *   one subtask of each vertex; an existing shared slot beats a free slot unless the free slot is
 *   TaskManager-local; a new physical request is the last resort; summed known profiles never
 *   exceed the slot's profile;
 * - **with a co-location constraint** (needs a sharing group) in the constraint's co-location node
 *   (§2.5.2): subtask *i* of every co-located vertex shares one slot, locked to its TaskManager.
 *
 * It builds on core's {@link PhysicalSlotProvider} only (`SlotPool` implements it), runs every timer
 * on the provider's scheduler, and completes results synchronously inside the call that decides
 * them. A caller-side timeout or `cancel()` cleans up exactly what the request created.
 *
 * @example
 * ```ts
 * const scheduler = new TaskScheduler(pool);
 * const handle = scheduler.allocate({ vertexId: "map", subtaskIndex: 0, slotSharingGroup: "default" });
 * const slot = await handle.result.promise;
 * console.log(slot.location.resourceId, slot.locality);
 * handle.release();
 * ```
 */
export class TaskScheduler {
  /** Where physical slots come from. */
  readonly provider: PhysicalSlotProvider;
  /** Timeout of a queued task that gives none. */
  readonly defaultTimeoutMs: number;
  private readonly managers = new Map<string, SlotSharingManager>();
  /** Co-location group id → the one sharing group its constraints are used in. */
  private readonly coLocationGroups = new Map<string, string>();
  private readonly profiles = new WeakMap<ResourceSpec, ResourceProfile>();
  private readonly owner: OwnSlotOwner = {
    releaseOwnSlot: (request, cause) => this.releaseOwnSlot(request, cause),
  };
  private readonly hooks = {
    relocate: (children: readonly TaskSlot[], m: SlotSharingManager) => this.relocate(children, m),
    nextNodeId: (kind: "root" | "co-location") => this.nextLocalId(kind === "root" ? "shared-slot" : kind),
  };
  private localIds = 0;

  constructor(provider: PhysicalSlotProvider, options: TaskSchedulerOptions = {}) {
    this.provider = provider;
    const timeout = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
      throw new InvalidArgumentError("defaultTimeoutMs", "a number of milliseconds ≥ 0 (or Infinity)", timeout);
    }
    this.defaultTimeoutMs = timeout;
  }

  /**
   * Places one task (see the class docs for the rules). Never throws: a malformed task gives a
   * handle whose result already failed with `INVALID_ARGUMENT`, and nothing changes.
   *
   * @returns the task's handle; its `result` is already complete when a slot was at hand.
   * @example
   * ```ts
   * const h = scheduler.allocate({
   *   vertexId: "map", subtaskIndex: 2, slotSharingGroup: "default",
   *   profile: { cpu: 0.5, memoryMb: 256 }, preferredLocations: [tm1], timeoutMs: 60_000,
   * });
   * h.result.onSettled((o) => (o.ok ? deploy(o.value) : fail(o.error)));
   * ```
   */
  allocate(task: SchedulableTask): TaskHandle {
    let request: TaskRequest;
    try {
      request = this.createRequest(task);
    } catch (error) {
      const failed = new OwnSlotRequest(
        this.owner,
        this.nextLocalId("task"),
        typeof task?.vertexId === "string" ? task.vertexId : "?",
        typeof task?.subtaskIndex === "number" ? task.subtaskIndex : -1,
        ResourceProfile.UNKNOWN,
        NO_PREFERENCES,
        false,
        0,
      );
      failed.fail(toError(error));
      return failed;
    }
    if (request instanceof SingleTaskSlot) {
      this.allocateShared(request);
      if (!request.result.isDone && request.timeoutMs !== Number.POSITIVE_INFINITY) {
        request.timer = this.provider.scheduler.schedule(() => {
          request.timer = undefined;
          this.timeOut(request);
        }, request.timeoutMs);
      }
    } else {
      this.allocateOwnSlot(request as OwnSlotRequest);
    }
    return request;
  }

  /**
   * The manager of sharing group `groupId`, if any task of it was scheduled.
   *
   * @example
   * ```ts
   * scheduler.sharingManager("default")?.size;
   * ```
   */
  sharingManager(groupId: string): SlotSharingManager | undefined {
    return this.managers.get(groupId);
  }

  /**
   * Every sharing group's manager, in order of first use.
   *
   * @example
   * ```ts
   * for (const m of scheduler.sharingManagers()) console.log(`${m}`);
   * ```
   */
  sharingManagers(): IterableIterator<SlotSharingManager> {
    return this.managers.values();
  }

  // ---------------------------------------------------------------- placement

  /** Flink §2.5 A: a physical slot of its own. */
  private allocateOwnSlot(request: OwnSlotRequest): void {
    const provider = this.provider;
    let selection: ReturnType<PhysicalSlotProvider["allocateAvailableSlot"]>;
    try {
      selection = provider.allocateAvailableSlot(request.requestId, request.profile, request.preferences);
    } catch (error) {
      request.fail(toError(error));
      return;
    }
    if (selection !== undefined) {
      this.occupy(request, selection.slot, selection.locality);
    } else if (request.queued) {
      provider
        .requestNewAllocatedSlot(request.requestId, request.profile, { timeoutMs: request.timeoutMs })
        .onSettled((o) => (o.ok ? this.occupy(request, o.value, Locality.UNKNOWN) : request.fail(o.error)));
    } else {
      request.fail(new NoResourceAvailableError(`Could not allocate a simple slot for ${request}.`));
    }
  }

  private occupy(request: OwnSlotRequest, slot: AllocatedSlot, locality: Locality): void {
    if (request.result.isDone) {
      this.provider.releaseSlot(request.requestId, new SlotReleasedError(`Nobody waits for the slot of ${request}.`));
      return;
    }
    if (!slot.tryAssignPayload(new OwnSlotPayload(request))) {
      const error = new IllegalStateError(`Could not assign payload to allocated slot ${slot}.`);
      this.provider.releaseSlot(request.requestId, error);
      request.fail(error);
      return;
    }
    request.deliver(slot, locality);
  }

  private releaseOwnSlot(request: OwnSlotRequest, cause: Error | undefined): void {
    const error =
      cause ??
      new SlotReleasedError(`Slot of task ${request.vertexId}#${request.subtaskIndex} was released by its holder.`);
    if (!request.result.isDone) request.fail(error);
    this.provider.releaseSlot(request.requestId, error);
  }

  /** Flink §2.5 B: a leaf in a shared slot of the group. */
  private allocateShared(leaf: SingleTaskSlot): void {
    const manager = this.managers.get(leaf.sharingGroup) as SlotSharingManager;
    const constraint = leaf.coLocationConstraint;
    const vertexKey = leaf.group;
    const coLocationGroup = constraint === undefined ? null : constraint.groupId;
    if (vertexKey.boundCoLocationGroup === undefined) {
      vertexKey.boundCoLocationGroup = coLocationGroup;
    } else if (vertexKey.boundCoLocationGroup !== coLocationGroup) {
      leaf.fail(
        new InvalidArgumentError(
          "coLocationConstraint",
          vertexKey.boundCoLocationGroup === null
            ? `none: vertex ${leaf.vertexId} is not co-located`
            : `a constraint of co-location group ${vertexKey.boundCoLocationGroup}, like vertex ${leaf.vertexId}'s other tasks`,
          coLocationGroup,
        ),
      );
      return;
    }
    if (constraint !== undefined) {
      const bound = this.coLocationGroups.get(constraint.groupId);
      if (bound === undefined) this.coLocationGroups.set(constraint.groupId, manager.sharingGroupId);
      else if (bound !== manager.sharingGroupId) {
        leaf.fail(
          new InvalidArgumentError(
            "slotSharingGroup",
            `${bound}: co-location group ${constraint.groupId} is used in that sharing group`,
            manager.sharingGroupId,
          ),
        );
        return;
      }
    }
    let choice: ReturnType<typeof allocateMultiTaskSlot>;
    try {
      choice =
        constraint === undefined
          ? allocateMultiTaskSlot(
              manager,
              vertexKey,
              leaf.profile,
              leaf.preferences,
              leaf.queued ? QUEUED_SEARCH : IMMEDIATE_SEARCH,
            )
          : allocateCoLocatedMultiTaskSlot(manager, constraint, leaf.profile, leaf.preferences, leaf.queued);
    } catch (error) {
      leaf.fail(toError(error));
      return;
    }
    if (choice === undefined) {
      leaf.fail(
        new NoResourceAvailableError(`Could not allocate a shared slot for ${leaf.vertexId}#${leaf.subtaskIndex}.`),
      );
      return;
    }
    const node = choice.root;
    try {
      node.attachLeaf(leaf, choice.locality);
    } catch (error) {
      const cause = toError(error);
      // Clean up what this call created: a fresh node has no children.
      if (node.children.size === 0) node.release(cause);
      leaf.fail(cause);
    }
  }

  /** Children that did not fit their root's slot on arrival move to another root (never to a pending one). */
  private relocate(children: readonly TaskSlot[], manager: SlotSharingManager): void {
    for (const child of children) {
      if (child.isReleased) continue;
      try {
        const key = child.group as NonNullable<TaskSlot["group"]>;
        let profile: ResourceProfile;
        let preferences: readonly TaskManagerLocation[];
        let requireLocal = false;
        if (child.kind === "single") {
          profile = child.profile;
          preferences = child.preferences;
        } else {
          profile = child.reserved();
          const locked = child.constraint?.location;
          const first = child.leaves().next();
          preferences = locked !== undefined ? [locked] : first.done ? NO_PREFERENCES : first.value.preferences;
          requireLocal = locked !== undefined;
        }
        const choice = allocateMultiTaskSlot(manager, key, profile, preferences, {
          queued: true,
          joinPending: false,
          requireLocal,
        });
        if (choice === undefined) {
          throw new NoResourceAvailableError(`Could not find another shared slot for ${child} after it did not fit.`);
        }
        choice.root.adoptChild(child, choice.locality);
      } catch (error) {
        child.release(toError(error));
      }
    }
  }

  private timeOut(leaf: SingleTaskSlot): void {
    if (leaf.result.isDone) return;
    leaf.release(new SlotRequestTimeoutError(`Task ${leaf} was not placed within ${leaf.timeoutMs} ms.`));
  }

  // ---------------------------------------------------------------- validation

  /** Ids of shared tasks and tree nodes: the scheduler's own sequence (`task-7`, `shared-slot-8`, …). */
  private nextLocalId(prefix: string): SlotRequestId {
    return `${prefix}-${++this.localIds}` as SlotRequestId;
  }

  private createRequest(task: SchedulableTask): TaskRequest {
    if (task === null || typeof task !== "object") throw new InvalidArgumentError("task", "an object", task);
    const { vertexId, subtaskIndex, slotSharingGroup, coLocationConstraint, queued, timeoutMs } = task;
    if (typeof vertexId !== "string" || vertexId.length === 0) {
      throw new InvalidArgumentError("vertexId", "a non-empty string", vertexId);
    }
    if (!Number.isSafeInteger(subtaskIndex) || subtaskIndex < 0) {
      throw new InvalidArgumentError("subtaskIndex", "an integer ≥ 0", subtaskIndex);
    }
    if (slotSharingGroup !== undefined && (typeof slotSharingGroup !== "string" || slotSharingGroup.length === 0)) {
      throw new InvalidArgumentError("slotSharingGroup", "a non-empty string", slotSharingGroup);
    }
    if (coLocationConstraint !== undefined) {
      if (
        coLocationConstraint === null ||
        typeof coLocationConstraint !== "object" ||
        typeof coLocationConstraint.groupId !== "string" ||
        coLocationConstraint.groupId.length === 0 ||
        typeof coLocationConstraint.lockLocation !== "function"
      ) {
        throw new InvalidArgumentError("coLocationConstraint", "a co-location constraint", coLocationConstraint);
      }
      if (slotSharingGroup === undefined) {
        throw new InvalidArgumentError("slotSharingGroup", "a sharing group (co-location needs one)", slotSharingGroup);
      }
    }
    if (queued !== undefined && typeof queued !== "boolean") {
      throw new InvalidArgumentError("queued", "a boolean", queued);
    }
    if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs < 0)) {
      throw new InvalidArgumentError("timeoutMs", "a number of milliseconds ≥ 0 (or Infinity)", timeoutMs);
    }
    const profile = this.profileOf(task.profile);
    const preferences = checkPreferredLocations(task.preferredLocations);
    const timeout = timeoutMs ?? this.defaultTimeoutMs;
    if (slotSharingGroup === undefined) {
      return new OwnSlotRequest(
        this.owner,
        this.provider.nextSlotRequestId(),
        vertexId,
        subtaskIndex,
        profile,
        preferences,
        queued ?? true,
        timeout,
      );
    }
    let manager = this.managers.get(slotSharingGroup);
    if (manager === undefined) {
      manager = new SlotSharingManager(slotSharingGroup, this.provider, this.hooks);
      this.managers.set(slotSharingGroup, manager);
    }
    return new SingleTaskSlot(
      slotSharingGroup,
      this.nextLocalId("task"),
      subtaskIndex,
      manager.vertexKey(vertexId),
      coLocationConstraint,
      profile,
      preferences,
      queued ?? true,
      timeout,
    );
  }

  /** Profiles given as plain specs are converted once per spec object (jobs reuse one per vertex). */
  private profileOf(spec: ResourceProfile | ResourceSpec | undefined): ResourceProfile {
    if (spec === undefined) return ResourceProfile.UNKNOWN;
    if (spec instanceof ResourceProfile) return spec;
    let profile = this.profiles.get(spec);
    if (profile === undefined) {
      profile = ResourceProfile.of(spec);
      // Only a frozen spec can be remembered: an unfrozen one might be changed and reused.
      if (Object.isFrozen(spec) && (spec.extended === undefined || Object.isFrozen(spec.extended))) {
        this.profiles.set(spec, profile);
      }
    }
    return profile;
  }
}

/** The payload of a task's own physical slot: tells the task when the slot is taken away. */
class OwnSlotPayload implements SlotPayload {
  constructor(private readonly request: OwnSlotRequest) {}
  release(cause: Error): void {
    this.request.slotReleased(cause);
  }
}
