import { z } from "zod";
import { firstControlCharacter } from "./control-characters.js";
import { SCENARIO_LIMITS as L } from "./scenario-limits.js";
import { formatLimit } from "./scenario-path.js";
import type {
  WrittenAddedTaskManager,
  WrittenElastic,
  WrittenLocation,
  WrittenResources,
  WrittenScenario,
  WrittenTaskManager,
  WrittenVertex,
} from "./written-scenario.js";

// The zod schemas of the *written* scenario format (before defaults). Optional fields are
// `.nullish()`: an empty YAML value (`elastic:`) or an explicit null means "not set".
// Every leaf is described ("what was expected"); problems quote the description.
// Lists whose entries need custom rules (preferredLocations, events) are checked elsewhere.

const RESOURCE_NAME = /^[A-Za-z][A-Za-z0-9._/-]*$/;

function text(what: string): z.ZodString {
  return z
    .string()
    .min(1)
    .max(L.stringLength)
    .refine((s) => firstControlCharacter(s, false) < 0, {
      params: { code: "INVALID_VALUE", reason: "it contains control characters" },
    })
    .describe(`${what} (a non-empty string of at most ${L.stringLength} characters)`);
}

function integer(min: number, max: number, what: string): z.ZodInt {
  return z
    .int()
    .min(min)
    .max(max)
    .describe(`${what} (an integer from ${min} to ${formatLimit(max)})`);
}

function milliseconds(what: string): z.ZodInt {
  return integer(0, L.timeMs, `${what} in milliseconds`);
}

const amount: z.ZodNumber = z
  .number()
  .min(0)
  .max(L.resourceAmount)
  .describe(`a finite number from 0 to ${formatLimit(L.resourceAmount)}`);

/**
 * A resource profile as written: `{ cpu, memoryMb, extended? }`.
 *
 * @internal
 */
export const resourcesSchema: z.ZodType<WrittenResources> = z
  .strictObject({
    cpu: amount.describe(`CPU cores (a finite number from 0 to ${formatLimit(L.resourceAmount)})`),
    memoryMb: amount.describe(`memory in MiB (a finite number from 0 to ${formatLimit(L.resourceAmount)})`),
    extended: z
      .record(
        z.string(),
        amount.describe(`a resource quantity (a finite number from 0 to ${formatLimit(L.resourceAmount)})`),
      )
      .superRefine((record, ctx) => {
        const names = Object.keys(record);
        if (names.length > L.extendedResources) {
          ctx.addIssue({
            code: "custom",
            params: {
              code: "LIMIT",
              message: `${names.length} extended resources are over the documented limit of ${L.extendedResources} per profile`,
            },
          });
        }
        for (const name of names) {
          if (!RESOURCE_NAME.test(name) || name.length > L.stringLength) {
            ctx.addIssue({
              code: "custom",
              path: [name],
              params: {
                code: "INVALID_VALUE",
                message: `${JSON.stringify(name.slice(0, 60))} is not a valid resource name: expected a letter followed by letters, digits, '.', '_', '/' or '-' (at most ${L.stringLength} characters)`,
              },
            });
          }
        }
      })
      .nullish()
      .describe("extended resources (a mapping from resource name to quantity, e.g. { gpu: 1 })"),
  })
  .describe("a resource profile (a mapping with cpu, memoryMb and optionally extended)");

const taskManagerFields = {
  id: text("a TaskManager id"),
  host: text("a host name").nullish(),
  slots: integer(1, L.slotsPerTaskManager, "a number of slots").nullish(),
  slotProfile: resourcesSchema.nullish(),
};

/**
 * A static TaskManager as written.
 *
 * @internal
 */
export const taskManagerSchema: z.ZodType<WrittenTaskManager> = z
  .strictObject({ ...taskManagerFields, registerAtMs: milliseconds("a registration time").nullish() })
  .describe("a TaskManager (a mapping with at least an id)");

/**
 * The TaskManager of an `addTaskManager` event (it registers at the event's time).
 *
 * @internal
 */
export const addedTaskManagerSchema: z.ZodType<WrittenAddedTaskManager> = z
  .strictObject(taskManagerFields)
  .describe("a TaskManager to add (a mapping with at least an id; it registers at the event's atMs)");

/**
 * The elastic part of the cluster as written.
 *
 * @internal
 */
export const elasticSchema: z.ZodType<WrittenElastic> = z
  .strictObject({
    maxTaskManagers: integer(1, L.taskManagers, "the most elastic TaskManagers"),
    slotsPerTaskManager: integer(1, L.slotsPerTaskManager, "slots per elastic TaskManager").nullish(),
    slotProfile: resourcesSchema.nullish(),
    startupMs: milliseconds("a startup time").nullish(),
    idleTimeoutMs: milliseconds("an idle timeout").nullish(),
    idPrefix: text("an id prefix").nullish(),
    hostPrefix: text("a host prefix").nullish(),
    host: text("a host name").nullish(),
  })
  .describe("the elastic cluster settings (a mapping with at least maxTaskManagers)");

/**
 * The names accepted for `cluster.slotSelection`.
 *
 * @internal
 */
export const SLOT_SELECTION_NAMES: readonly ["locality-first", "spread-out"] = ["locality-first", "spread-out"];

const clusterSchema = z
  .strictObject({
    offerAllSlots: z.boolean().describe("true or false").nullish(),
    slotSelection: z
      .enum(SLOT_SELECTION_NAMES)
      .describe(`a slot selection strategy (one of ${SLOT_SELECTION_NAMES.map((s) => `"${s}"`).join(", ")})`)
      .nullish(),
    taskManagers: z
      .array(z.unknown())
      .max(L.taskManagers)
      .describe(`a list of at most ${formatLimit(L.taskManagers)} TaskManagers`)
      .nullish(),
    elastic: elasticSchema.nullish(),
  })
  .describe("the cluster (a mapping with taskManagers and/or elastic)");

/**
 * A job vertex as written (its `preferredLocations` entries are checked separately).
 *
 * @internal
 */
export const vertexSchema: z.ZodType<WrittenVertex> = z
  .strictObject({
    id: text("a vertex id"),
    parallelism: integer(1, L.parallelism, "a parallelism"),
    profile: resourcesSchema.nullish(),
    slotSharingGroup: text("a slot sharing group name").nullish(),
    coLocationGroup: text("a co-location group name").nullish(),
    preferredLocations: z
      .array(z.unknown())
      .max(L.parallelism)
      .describe(
        "preferred locations (a list of TaskManager ids, { taskManager: id } or { host: name }, or a list of such lists, one per subtask)",
      )
      .nullish(),
    durationMs: milliseconds("a task duration").nullish(),
    timeoutMs: milliseconds("a slot request timeout").nullish(),
  })
  .describe("a job vertex (a mapping with at least id and parallelism)");

const jobSchema = z
  .strictObject({
    queued: z.boolean().describe("true or false").nullish(),
    submitAtMs: milliseconds("a submission time").nullish(),
    vertices: z
      .array(vertexSchema)
      .min(1)
      .max(L.vertices)
      .describe(`a list of 1 to ${formatLimit(L.vertices)} vertices`),
  })
  .describe("the job (a mapping with vertices)");

const timeoutsSchema = z
  .strictObject({
    resourceManagerRequestMs: milliseconds("a timeout").nullish(),
    allocationMs: milliseconds("a timeout").nullish(),
    idleSlotMs: milliseconds("a timeout").nullish(),
    resourceManagerAllocationMs: milliseconds("a timeout").nullish(),
  })
  .describe("the timeouts (a mapping of timeout names to milliseconds)");

/**
 * The whole scenario as written; `events` entries are checked separately.
 *
 * @internal
 */
export const scenarioSchema: z.ZodType<WrittenScenario> = z
  .strictObject({
    name: text("a scenario name").nullish(),
    seed: integer(0, L.seed, "a seed").nullish(),
    cluster: clusterSchema,
    job: jobSchema,
    timeouts: timeoutsSchema.nullish(),
    events: z
      .array(z.unknown())
      .max(L.events)
      .describe(`a list of at most ${formatLimit(L.events)} events`)
      .nullish(),
  })
  .describe("a scenario (a mapping with cluster and job)");

const timeAt: z.ZodInt = milliseconds("an event time");
const tmRef: z.ZodString = text("a TaskManager id");
const signal: z.ZodLiteral<true> = z.literal(true).describe("true");

/**
 * The actions an event may carry (exactly one per event).
 *
 * @internal
 */
export type EventAction =
  | "loseTaskManager"
  | "addTaskManager"
  | "disconnectResourceManager"
  | "connectResourceManager"
  | "freezeTaskManager"
  | "unfreezeTaskManager"
  | "failAllocation"
  | "suspendJobMaster"
  | "resumeJobMaster";

/**
 * The action keys of an event and the schema of each event kind (`atMs` plus its one action).
 *
 * @internal
 */
export const EVENT_SCHEMAS: Readonly<Record<EventAction, z.ZodType>> = {
  loseTaskManager: z.strictObject({ atMs: timeAt, loseTaskManager: tmRef }),
  addTaskManager: z.strictObject({ atMs: timeAt, addTaskManager: addedTaskManagerSchema }),
  disconnectResourceManager: z.strictObject({ atMs: timeAt, disconnectResourceManager: signal }),
  connectResourceManager: z.strictObject({ atMs: timeAt, connectResourceManager: signal }),
  freezeTaskManager: z.strictObject({ atMs: timeAt, freezeTaskManager: tmRef }),
  unfreezeTaskManager: z.strictObject({ atMs: timeAt, unfreezeTaskManager: tmRef }),
  failAllocation: z.strictObject({
    atMs: timeAt,
    failAllocation: z
      .strictObject({
        taskManager: tmRef,
        slotIndex: integer(0, L.slotsPerTaskManager - 1, "a slot index"),
      })
      .describe("the slot whose allocation fails (a mapping with taskManager and slotIndex)"),
  }),
  suspendJobMaster: z.strictObject({ atMs: timeAt, suspendJobMaster: signal }),
  resumeJobMaster: z.strictObject({ atMs: timeAt, resumeJobMaster: signal }),
};

/**
 * Every event action name.
 *
 * @internal
 */
export const EVENT_ACTIONS: readonly EventAction[] = Object.keys(EVENT_SCHEMAS) as EventAction[];

/**
 * A preferred location written as a mapping.
 *
 * @internal
 */
export const locationObjectSchema: z.ZodType<WrittenLocation> = z
  .strictObject({
    taskManager: tmRef.nullish(),
    host: text("a host name").nullish(),
  })
  .describe("a preferred location ({ taskManager: id } or { host: name })");

/**
 * A preferred location written as a bare string (a TaskManager id).
 *
 * @internal
 */
export const locationIdSchema: z.ZodType<string> = tmRef;

/**
 * Just the time of an event (checked when the event's action is missing or ambiguous).
 *
 * @internal
 */
export const eventTimeSchema: z.ZodType<{ atMs: number }> = z.object({ atMs: timeAt });
