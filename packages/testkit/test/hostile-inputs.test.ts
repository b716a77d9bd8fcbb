// The hostile-input corpus, API half (issue 5, item 4): malformed API calls and adapter messages,
// table-driven. Every entry names the call, the input, and the expected typed error code or
// rejection reason; the test asserts the rejection, that the pool's state is unchanged (a
// `snapshotSlotPool` before and after), that every invariant still holds, that the pool emitted
// nothing but rejection events, and that nothing polluted `Object.prototype`.
import { CoLocationGroup } from "@slotpool/co-location";
import {
  allocationId,
  applyTaskExecutorEvent,
  assertSlotPoolInvariants,
  InMemoryResourceManager,
  InMemoryTaskExecutor,
  jobMasterId,
  type OfferRejectionReason,
  ResourceProfile,
  type ResourceSpec,
  type SlotOffer,
  SlotPool,
  type SlotPoolEvent,
  type SlotRequestHandle,
  type TaskExecutorEvent,
  taskManagerLocation,
  VirtualScheduler,
} from "@slotpool/core";
import { parseTaskExecutorInbound, parseTaskExecutorMessage } from "@slotpool/resource-manager";
import { checkSharingInvariants, type TaskHandle, TaskScheduler } from "@slotpool/slot-sharing";
import { snapshotSlotPool } from "@slotpool/testkit";
import { describe, expect, it } from "vitest";

/** A started pool with two TaskManagers, a shared task and a raw request placed, and one request pending at the RM. */
function fixture() {
  const scheduler = new VirtualScheduler();
  const rm = new InMemoryResourceManager();
  const pool = new SlotPool({ jobId: "job", scheduler });
  pool.start(jobMasterId("jm-1"));
  pool.connectToResourceManager(rm);
  const tm1 = taskManagerLocation("tm-1", "host-a");
  const tm2 = taskManagerLocation("tm-2", "host-b");
  const te1 = new InMemoryTaskExecutor(tm1.resourceId);
  const te2 = new InMemoryTaskExecutor(tm2.resourceId);
  pool.registerTaskManager(tm1.resourceId);
  pool.registerTaskManager(tm2.resourceId);
  const profile = ResourceProfile.of({ cpu: 2, memoryMb: 2048 });
  pool.offerSlots(tm1, te1, [
    { allocationId: allocationId("a-1"), slotIndex: 0, profile },
    { allocationId: allocationId("a-2"), slotIndex: 1, profile },
    { allocationId: allocationId("a-3"), slotIndex: 2, profile },
  ]);
  const tasks = new TaskScheduler(pool);
  const loop = new CoLocationGroup("loop");
  const shared = tasks.allocate({
    vertexId: "map",
    subtaskIndex: 0,
    slotSharingGroup: "g",
    coLocationConstraint: loop.constraint(0),
  });
  const raw = pool.allocateSlot({});
  const pending = pool.allocateSlot({ profile: { cpu: 64, memoryMb: 1 } });
  const events: SlotPoolEvent[] = [];
  pool.events$.subscribe((e) => events.push(e));
  return { scheduler, pool, rm, tm1, tm2, te1, te2, tasks, loop, shared, raw, pending, events, profile };
}
type Fixture = ReturnType<typeof fixture>;

type Expectation =
  /** Throws synchronously a SlotPoolError with this code (and path, for INVALID_ARGUMENT). */
  | { readonly throws: string; readonly path?: string }
  /** Returns a handle whose result already failed with this code (and path). */
  | { readonly fails: string; readonly path?: string }
  /** `offerSlot` returns false, and the pool reports `offerRejected` with this reason. */
  | { readonly rejected: OfferRejectionReason }
  /** `offerSlots` accepts nothing; each offer rejected with these reasons (in order). */
  | { readonly rejectedAll: readonly OfferRejectionReason[] }
  /** `applyTaskExecutorEvent` reports this outcome (and reason fragment, or accepted count). */
  | { readonly outcome: "stale" | "invalid" | "applied"; readonly reason?: string; readonly accepted?: number }
  /** A protocol validator answers `ok: false` with an error containing this (the field path and what was expected). */
  | { readonly parseError: string };

interface Entry {
  readonly name: string;
  readonly act: (f: Fixture) => unknown;
  readonly expect: Expectation;
  /** Runs before the "before" snapshot (e.g. suspend the pool). */
  readonly setup?: (f: Fixture) => void;
}

const cast = <T>(value: unknown): T => value as T;
const spec = (value: unknown) => cast<ResourceSpec>(value);
const gatewayOf = (id: string) => new InMemoryTaskExecutor(cast(id));
const offer = (f: Fixture, o: Partial<Record<keyof SlotOffer, unknown>>): SlotOffer =>
  cast({ allocationId: allocationId("a-new"), slotIndex: 5, profile: f.profile, ...o });
const huge = (n: number): string => "x".repeat(n);
const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

const POOL_ALLOCATE: readonly Entry[] = [
  {
    name: "profile.cpu NaN",
    act: (f) => f.pool.allocateSlot({ profile: spec({ cpu: Number.NaN, memoryMb: 1 }) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.cpu" },
  },
  {
    name: "profile.cpu Infinity",
    act: (f) => f.pool.allocateSlot({ profile: spec({ cpu: Number.POSITIVE_INFINITY, memoryMb: 1 }) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.cpu" },
  },
  {
    name: "profile.cpu negative",
    act: (f) => f.pool.allocateSlot({ profile: spec({ cpu: -1, memoryMb: 1 }) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.cpu" },
  },
  {
    name: "profile.memoryMb a string",
    act: (f) => f.pool.allocateSlot({ profile: spec({ cpu: 1, memoryMb: "512" }) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.memoryMb" },
  },
  {
    name: "profile.memoryMb missing",
    act: (f) => f.pool.allocateSlot({ profile: spec({ cpu: 1 }) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.memoryMb" },
  },
  {
    name: "profile null",
    act: (f) => f.pool.allocateSlot({ profile: spec(null) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile" },
  },
  {
    name: "profile a number",
    act: (f) => f.pool.allocateSlot({ profile: spec(3) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile" },
  },
  {
    name: "extended amount negative",
    act: (f) => f.pool.allocateSlot({ profile: spec({ cpu: 1, memoryMb: 1, extended: { gpu: -1 } }) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.extended.gpu" },
  },
  {
    name: "extended an array",
    act: (f) => f.pool.allocateSlot({ profile: spec({ cpu: 1, memoryMb: 1, extended: [1] }) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.extended" },
  },
  {
    name: "extended with an empty name",
    act: (f) => f.pool.allocateSlot({ profile: spec({ cpu: 1, memoryMb: 1, extended: { "": 1 } }) }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.extended" },
  },
  {
    name: "timeoutMs negative",
    act: (f) => f.pool.allocateSlot({ timeoutMs: -5 }),
    expect: { fails: "INVALID_ARGUMENT", path: "timeoutMs" },
  },
  {
    name: "timeoutMs NaN",
    act: (f) => f.pool.allocateSlot({ timeoutMs: Number.NaN }),
    expect: { fails: "INVALID_ARGUMENT", path: "timeoutMs" },
  },
  {
    name: "timeoutMs a string",
    act: (f) => f.pool.allocateSlot({ timeoutMs: cast("10s") }),
    expect: { fails: "INVALID_ARGUMENT", path: "timeoutMs" },
  },
  {
    name: "preferredLocations not an array",
    act: (f) => f.pool.allocateSlot({ preferredLocations: cast("tm-1") }),
    expect: { fails: "INVALID_ARGUMENT", path: "preferredLocations" },
  },
  {
    name: "preferredLocations holding null",
    act: (f) => f.pool.allocateSlot({ preferredLocations: cast([null]) }),
    expect: { fails: "INVALID_ARGUMENT", path: "preferredLocations[0]" },
  },
  {
    name: "preferred location with a numeric id",
    act: (f) => f.pool.allocateSlot({ preferredLocations: cast([f.tm1, { resourceId: 7, host: "h" }]) }),
    expect: { fails: "INVALID_ARGUMENT", path: "preferredLocations[1]" },
  },
  {
    name: "a request id in use by a placed request",
    act: (f) => f.pool.allocateSlot({ requestId: f.raw.requestId }),
    expect: { fails: "INVALID_ARGUMENT", path: "requestId" },
  },
  {
    name: "a request id in use by a pending request",
    act: (f) => f.pool.allocateSlot({ requestId: f.pending.requestId }),
    expect: { fails: "INVALID_ARGUMENT", path: "requestId" },
  },
  {
    name: "a pool that is not started",
    setup: (f) => f.pool.suspend(),
    act: (f) => f.pool.allocateSlot({}),
    expect: { fails: "POOL_NOT_STARTED" },
  },
  {
    name: "__proto__ smuggling an object as an extended amount",
    act: (f) =>
      f.pool.allocateSlot({
        profile: spec(JSON.parse('{"cpu":1,"memoryMb":1,"extended":{"__proto__":{"polluted":1}}}')),
      }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.extended.__proto__" },
  },
];

const RESOURCE_PROFILE: readonly Entry[] = [
  {
    name: "cpu NaN",
    act: () => ResourceProfile.of(spec({ cpu: Number.NaN, memoryMb: 1 })),
    expect: { throws: "INVALID_ARGUMENT", path: "profile.cpu" },
  },
  {
    name: "cpu -0.5",
    act: () => ResourceProfile.of(spec({ cpu: -0.5, memoryMb: 1 })),
    expect: { throws: "INVALID_ARGUMENT", path: "profile.cpu" },
  },
  {
    name: "memoryMb Infinity",
    act: () => ResourceProfile.of(spec({ cpu: 1, memoryMb: Number.POSITIVE_INFINITY })),
    expect: { throws: "INVALID_ARGUMENT", path: "profile.memoryMb" },
  },
  {
    name: "memoryMb -Infinity",
    act: () => ResourceProfile.of(spec({ cpu: 1, memoryMb: Number.NEGATIVE_INFINITY })),
    expect: { throws: "INVALID_ARGUMENT", path: "profile.memoryMb" },
  },
  {
    name: "a string spec",
    act: () => ResourceProfile.of(spec("cpu=1")),
    expect: { throws: "INVALID_ARGUMENT", path: "profile" },
  },
  {
    name: "a bigint cpu",
    act: () => ResourceProfile.of(spec({ cpu: 1n, memoryMb: 1 })),
    expect: { throws: "INVALID_ARGUMENT", path: "profile.cpu" },
  },
  {
    name: "a boolean memoryMb",
    act: () => ResourceProfile.of(spec({ cpu: 1, memoryMb: true })),
    expect: { throws: "INVALID_ARGUMENT", path: "profile.memoryMb" },
  },
  {
    name: "extended amount NaN",
    act: () => ResourceProfile.of(spec({ cpu: 1, memoryMb: 1, extended: { gpu: Number.NaN } })),
    expect: { throws: "INVALID_ARGUMENT", path: "profile.extended.gpu" },
  },
  {
    name: "extended null",
    act: () => ResourceProfile.of(spec({ cpu: 1, memoryMb: 1, extended: null })),
    expect: { throws: "INVALID_ARGUMENT", path: "profile.extended" },
  },
  {
    name: "extended amount a string",
    act: () => ResourceProfile.of(spec({ cpu: 1, memoryMb: 1, extended: { fpga: "2" } })),
    expect: { throws: "INVALID_ARGUMENT", path: "profile.extended.fpga" },
  },
  {
    name: "a custom path in the error",
    act: () => ResourceProfile.of(spec({ cpu: -1, memoryMb: 1 }), "taskManagers[3].slotProfile"),
    expect: { throws: "INVALID_ARGUMENT", path: "taskManagers[3].slotProfile.cpu" },
  },
];

const SCHEDULER_ALLOCATE: readonly Entry[] = [
  { name: "task null", act: (f) => f.tasks.allocate(cast(null)), expect: { fails: "INVALID_ARGUMENT", path: "task" } },
  {
    name: "vertexId empty",
    act: (f) => f.tasks.allocate({ vertexId: "", subtaskIndex: 0 }),
    expect: { fails: "INVALID_ARGUMENT", path: "vertexId" },
  },
  {
    name: "vertexId a number",
    act: (f) => f.tasks.allocate(cast({ vertexId: 42, subtaskIndex: 0 })),
    expect: { fails: "INVALID_ARGUMENT", path: "vertexId" },
  },
  {
    name: "subtaskIndex negative",
    act: (f) => f.tasks.allocate({ vertexId: "v", subtaskIndex: -1 }),
    expect: { fails: "INVALID_ARGUMENT", path: "subtaskIndex" },
  },
  {
    name: "subtaskIndex fractional",
    act: (f) => f.tasks.allocate({ vertexId: "v", subtaskIndex: 1.5 }),
    expect: { fails: "INVALID_ARGUMENT", path: "subtaskIndex" },
  },
  {
    name: "subtaskIndex NaN",
    act: (f) => f.tasks.allocate({ vertexId: "v", subtaskIndex: Number.NaN }),
    expect: { fails: "INVALID_ARGUMENT", path: "subtaskIndex" },
  },
  {
    name: "subtaskIndex Infinity",
    act: (f) => f.tasks.allocate({ vertexId: "v", subtaskIndex: Number.POSITIVE_INFINITY }),
    expect: { fails: "INVALID_ARGUMENT", path: "subtaskIndex" },
  },
  {
    name: "slotSharingGroup empty",
    act: (f) => f.tasks.allocate({ vertexId: "v", subtaskIndex: 0, slotSharingGroup: "" }),
    expect: { fails: "INVALID_ARGUMENT", path: "slotSharingGroup" },
  },
  {
    name: "co-location without a sharing group",
    act: (f) => f.tasks.allocate({ vertexId: "v", subtaskIndex: 0, coLocationConstraint: f.loop.constraint(0) }),
    expect: { fails: "INVALID_ARGUMENT", path: "slotSharingGroup" },
  },
  {
    name: "a malformed co-location constraint",
    act: (f) =>
      f.tasks.allocate({
        vertexId: "v",
        subtaskIndex: 0,
        slotSharingGroup: "g",
        coLocationConstraint: cast({ groupId: "" }),
      }),
    expect: { fails: "INVALID_ARGUMENT", path: "coLocationConstraint" },
  },
  {
    name: "a co-location group used in a second sharing group",
    act: (f) =>
      f.tasks.allocate({
        vertexId: "tail",
        subtaskIndex: 0,
        slotSharingGroup: "other",
        coLocationConstraint: f.loop.constraint(0),
      }),
    expect: { fails: "INVALID_ARGUMENT", path: "slotSharingGroup" },
  },
  {
    name: "queued a string",
    act: (f) => f.tasks.allocate({ vertexId: "v", subtaskIndex: 0, queued: cast("yes") }),
    expect: { fails: "INVALID_ARGUMENT", path: "queued" },
  },
  {
    name: "timeoutMs negative",
    act: (f) => f.tasks.allocate({ vertexId: "v", subtaskIndex: 0, timeoutMs: -1 }),
    expect: { fails: "INVALID_ARGUMENT", path: "timeoutMs" },
  },
  {
    name: "profile with a negative cpu",
    act: (f) =>
      f.tasks.allocate({ vertexId: "v", subtaskIndex: 0, slotSharingGroup: "g", profile: { cpu: -1, memoryMb: 1 } }),
    expect: { fails: "INVALID_ARGUMENT", path: "profile.cpu" },
  },
  {
    name: "preferredLocations a string",
    act: (f) => f.tasks.allocate({ vertexId: "v", subtaskIndex: 0, preferredLocations: cast("tm-1") }),
    expect: { fails: "INVALID_ARGUMENT", path: "preferredLocations" },
  },
  {
    name: "__proto__ cannot smuggle a missing subtaskIndex",
    act: (f) => f.tasks.allocate(cast(JSON.parse('{"vertexId":"v","__proto__":{"subtaskIndex":0}}'))),
    expect: { fails: "INVALID_ARGUMENT", path: "subtaskIndex" },
  },
];

const OFFERS: readonly Entry[] = [
  {
    name: "negative slot index",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, { slotIndex: -1 })),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "fractional slot index",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, { slotIndex: 0.5 })),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "NaN slot index",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, { slotIndex: Number.NaN })),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "slot index beyond safe integers",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, { slotIndex: 2 ** 60 })),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "missing profile",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, { profile: undefined })),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "a plain-object profile",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, { profile: { cpu: 1, memoryMb: 1 } })),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "empty allocation id",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, { allocationId: "" })),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "numeric allocation id",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, { allocationId: 17 })),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "the offer null",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, cast(null)),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "the location null",
    act: (f) => f.pool.offerSlot(cast(null), f.te1, offer(f, {})),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "a location without a host",
    act: (f) => f.pool.offerSlot(cast({ resourceId: "tm-1" }), f.te1, offer(f, {})),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "the gateway missing",
    act: (f) => f.pool.offerSlot(f.tm1, cast(undefined), offer(f, {})),
    expect: { rejected: "INVALID_OFFER" },
  },
  {
    name: "an unregistered TaskManager",
    act: (f) => f.pool.offerSlot(taskManagerLocation("tm-ghost"), gatewayOf("tm-ghost"), offer(f, {})),
    expect: { rejected: "UNKNOWN_TASK_MANAGER" },
  },
  {
    name: "an unregistered TaskManager offering a known allocation",
    act: (f) =>
      f.pool.offerSlot(
        taskManagerLocation("tm-ghost"),
        gatewayOf("tm-ghost"),
        offer(f, { allocationId: "a-1", slotIndex: 0 }),
      ),
    expect: { rejected: "UNKNOWN_TASK_MANAGER" },
  },
  {
    name: "another TaskManager's allocation id (allocated there)",
    act: (f) => f.pool.offerSlot(f.tm2, f.te2, offer(f, { allocationId: "a-1", slotIndex: 0 })),
    expect: { rejected: "CONFLICTING_ALLOCATION" },
  },
  {
    name: "another TaskManager's allocation id (free there)",
    act: (f) => f.pool.offerSlot(f.tm2, f.te2, offer(f, { allocationId: "a-3", slotIndex: 2 })),
    expect: { rejected: "CONFLICTING_ALLOCATION" },
  },
  {
    name: "a known allocation id at another slot index",
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, { allocationId: "a-2", slotIndex: 7 })),
    expect: { rejected: "CONFLICTING_ALLOCATION" },
  },
  {
    name: "a pool that is not started",
    setup: (f) => f.pool.suspend(),
    act: (f) => f.pool.offerSlot(f.tm1, f.te1, offer(f, {})),
    expect: { rejected: "POOL_NOT_STARTED" },
  },
  {
    name: "an oversized (1 MiB) allocation id from an unregistered TaskManager",
    act: (f) =>
      f.pool.offerSlot(
        taskManagerLocation("tm-ghost"),
        gatewayOf("tm-ghost"),
        offer(f, { allocationId: huge(1 << 20) }),
      ),
    expect: { rejected: "UNKNOWN_TASK_MANAGER" },
  },
  {
    name: "offerSlots with a non-array",
    act: (f) => f.pool.offerSlots(f.tm1, f.te1, cast("a-9")),
    expect: { rejectedAll: [] },
  },
  {
    name: "offerSlots where every offer is bad",
    act: (f) =>
      f.pool.offerSlots(f.tm1, f.te1, [
        offer(f, { slotIndex: -2 }),
        offer(f, { allocationId: "a-1", slotIndex: 1 }),
        offer(f, { profile: null }),
      ]),
    expect: { rejectedAll: ["INVALID_OFFER", "CONFLICTING_ALLOCATION", "INVALID_OFFER"] },
  },
];

const lostEvent = (token: string, id = "tm-1"): TaskExecutorEvent =>
  cast({ type: "lost", jobMasterId: token, resourceId: id, cause: new Error("lost") });
const TE_EVENTS: readonly Entry[] = [
  {
    name: "an offer with another term's token",
    act: (f) =>
      applyTaskExecutorEvent(f.pool, {
        type: "offer",
        jobMasterId: jobMasterId("jm-0"),
        location: f.tm1,
        gateway: f.te1,
        offers: [offer(f, {})],
      }),
    expect: { outcome: "stale" },
  },
  {
    name: "a loss with another term's token",
    act: (f) => applyTaskExecutorEvent(f.pool, lostEvent("jm-0")),
    expect: { outcome: "stale" },
  },
  {
    name: "a registration with another term's token",
    act: (f) =>
      applyTaskExecutorEvent(f.pool, {
        type: "registered",
        jobMasterId: jobMasterId("jm-9"),
        location: taskManagerLocation("tm-9"),
        gateway: gatewayOf("tm-9"),
      }),
    expect: { outcome: "stale" },
  },
  {
    name: "a message without a token",
    act: (f) => applyTaskExecutorEvent(f.pool, cast({ type: "lost", resourceId: "tm-1", cause: new Error("x") })),
    expect: { outcome: "stale" },
  },
  {
    name: "a numeric token",
    act: (f) => applyTaskExecutorEvent(f.pool, lostEvent(cast(1))),
    expect: { outcome: "stale" },
  },
  {
    name: "any message while not started",
    setup: (f) => f.pool.suspend(),
    act: (f) => applyTaskExecutorEvent(f.pool, lostEvent("jm-1")),
    expect: { outcome: "stale" },
  },
  {
    name: "an unknown message type",
    act: (f) => applyTaskExecutorEvent(f.pool, cast({ type: "explode", jobMasterId: "jm-1" })),
    expect: { outcome: "invalid", reason: 'unknown message type "explode"' },
  },
  {
    name: "an offer without a location",
    act: (f) =>
      applyTaskExecutorEvent(f.pool, cast({ type: "offer", jobMasterId: "jm-1", gateway: f.te1, offers: [] })),
    expect: { outcome: "invalid", reason: "location.resourceId missing" },
  },
  {
    name: "an offer whose offers are not an array",
    act: (f) =>
      applyTaskExecutorEvent(
        f.pool,
        cast({ type: "offer", jobMasterId: "jm-1", location: f.tm1, gateway: f.te1, offers: {} }),
      ),
    expect: { outcome: "invalid", reason: "offers is not an array" },
  },
  {
    name: "a loss without a resource id",
    act: (f) => applyTaskExecutorEvent(f.pool, cast({ type: "lost", jobMasterId: "jm-1", cause: new Error("x") })),
    expect: { outcome: "invalid", reason: "resourceId missing" },
  },
  {
    name: "a registration with an empty resource id",
    act: (f) =>
      applyTaskExecutorEvent(
        f.pool,
        cast({ type: "registered", jobMasterId: "jm-1", location: { resourceId: "", host: "h" }, gateway: f.te1 }),
      ),
    expect: { outcome: "invalid", reason: "location.resourceId missing" },
  },
  {
    name: "null",
    act: (f) => applyTaskExecutorEvent(f.pool, cast(null)),
    expect: { outcome: "invalid", reason: "not an object" },
  },
  {
    name: "a string",
    act: (f) => applyTaskExecutorEvent(f.pool, cast("offer")),
    expect: { outcome: "invalid", reason: "not an object" },
  },
  {
    name: "__proto__ carrying the fields of a loss",
    act: (f) =>
      applyTaskExecutorEvent(
        f.pool,
        cast(JSON.parse('{"__proto__":{"type":"lost","jobMasterId":"jm-1","resourceId":"tm-1"}}')),
      ),
    expect: { outcome: "stale" },
  },
  {
    name: "an offer from an unregistered TaskManager (current term)",
    act: (f) =>
      applyTaskExecutorEvent(f.pool, {
        type: "offer",
        jobMasterId: jobMasterId("jm-1"),
        location: taskManagerLocation("tm-ghost"),
        gateway: gatewayOf("tm-ghost"),
        offers: [offer(f, {})],
      }),
    expect: { outcome: "applied", accepted: 0 },
  },
  {
    name: "an oversized offer: 100 000 offers of another TaskManager's allocation",
    act: (f) =>
      applyTaskExecutorEvent(f.pool, {
        type: "offer",
        jobMasterId: jobMasterId("jm-1"),
        location: f.tm2,
        gateway: f.te2,
        offers: Array.from({ length: 100_000 }, (_, i) => offer(f, { allocationId: "a-1", slotIndex: i })),
      }),
    expect: { outcome: "applied", accepted: 0 },
  },
];

const v = 1;
const wireOffer = { allocationId: "a", slotIndex: 0, profile: { cpu: 1, memoryMb: 1 } };
const offerSlots = (o: Record<string, unknown>) => ({
  v,
  type: "offerSlots",
  jobMasterId: "jm",
  jobId: "j",
  resourceId: "tm",
  offerId: 1,
  offers: [wireOffer],
  ...o,
});
const submitTask = (task: unknown) => ({
  v,
  type: "submitTask",
  jobMasterId: "jm",
  allocationId: "a",
  taskId: "t",
  task,
});
const FROM_WORKER: readonly Entry[] = [
  {
    name: "wrong protocol version",
    act: () => parseTaskExecutorMessage({ ...offerSlots({}), v: 2 }),
    expect: { parseError: "message.v: expected protocol version 1, got 2" },
  },
  {
    name: "no protocol version",
    act: () => parseTaskExecutorMessage({ type: "heartbeat", jobMasterId: "jm", resourceId: "tm", activeSlots: 0 }),
    expect: { parseError: "message.v: expected protocol version 1" },
  },
  {
    name: "an array",
    act: () => parseTaskExecutorMessage([1, 2]),
    expect: { parseError: "message: expected an object" },
  },
  {
    name: "a string",
    act: () => parseTaskExecutorMessage("heartbeat"),
    expect: { parseError: "message: expected an object" },
  },
  {
    name: "an unknown kind",
    act: () => parseTaskExecutorMessage({ v, type: "rootShell" }),
    expect: { parseError: "message.type: expected a TaskExecutor message type" },
  },
  {
    name: "a numeric type",
    act: () => parseTaskExecutorMessage({ v, type: 3 }),
    expect: { parseError: "message.type: expected a message type" },
  },
  {
    name: "an offer with a negative slot index",
    act: () => parseTaskExecutorMessage(offerSlots({ offers: [{ ...wireOffer, slotIndex: -1 }] })),
    expect: { parseError: "offerSlots.offers[0].slotIndex: expected an integer ≥ 0" },
  },
  {
    name: "an offer with a fractional slot index",
    act: () => parseTaskExecutorMessage(offerSlots({ offers: [{ ...wireOffer, slotIndex: 1.5 }] })),
    expect: { parseError: "offerSlots.offers[0].slotIndex: expected an integer ≥ 0" },
  },
  {
    name: "an offer with a NaN cpu",
    act: () =>
      parseTaskExecutorMessage(offerSlots({ offers: [{ ...wireOffer, profile: { cpu: Number.NaN, memoryMb: 1 } }] })),
    expect: { parseError: "offerSlots.offers[0].profile.cpu: expected a finite number ≥ 0" },
  },
  {
    name: "an offer without a profile",
    act: () => parseTaskExecutorMessage(offerSlots({ offers: [{ allocationId: "a", slotIndex: 0 }] })),
    expect: { parseError: "offerSlots.offers[0].profile: expected an object" },
  },
  {
    name: "an offer with an empty allocation id",
    act: () => parseTaskExecutorMessage(offerSlots({ offers: [{ ...wireOffer, allocationId: "" }] })),
    expect: { parseError: "offerSlots.offers[0].allocationId: expected a non-empty string" },
  },
  {
    name: "a negative offer id",
    act: () => parseTaskExecutorMessage(offerSlots({ offerId: -3 })),
    expect: { parseError: "offerSlots.offerId: expected an integer ≥ 0" },
  },
  {
    name: "an oversized resource id (10 001 characters)",
    act: () =>
      parseTaskExecutorMessage({ v, type: "heartbeat", jobMasterId: "jm", resourceId: huge(10_001), activeSlots: 1 }),
    expect: { parseError: "heartbeat.resourceId: expected a non-empty string" },
  },
  {
    name: "an oversized offer (10 001 slots)",
    act: () => parseTaskExecutorMessage(offerSlots({ offers: Array.from({ length: 10_001 }, () => wireOffer) })),
    expect: { parseError: "offerSlots.offers: expected an array (at most 10000 items)" },
  },
  {
    name: "a registration whose slots are not an array",
    act: () =>
      parseTaskExecutorMessage({
        v,
        type: "register",
        resourceManagerId: null,
        resourceId: "tm",
        host: "h",
        slots: "4",
      }),
    expect: { parseError: "register.slots: expected an array" },
  },
  {
    name: "a slot report with an allocation but no job",
    act: () =>
      parseTaskExecutorMessage({
        v,
        type: "register",
        resourceManagerId: null,
        resourceId: "tm",
        host: "h",
        slots: [{ profile: { cpu: 1, memoryMb: 1 }, allocationId: "a", jobId: null }],
      }),
    expect: { parseError: "register.slots[0]: expected allocationId and jobId both set or both null" },
  },
  {
    name: "a freed slot with a negative index",
    act: () =>
      parseTaskExecutorMessage({
        v,
        type: "slotFreed",
        resourceManagerId: "rm-1",
        resourceId: "tm",
        slotIndex: -1,
        allocationId: "a",
      }),
    expect: { parseError: "slotFreed.slotIndex: expected an integer ≥ 0" },
  },
  {
    name: "a heartbeat with a numeric resource id",
    act: () => parseTaskExecutorMessage({ v, type: "heartbeat", jobMasterId: "jm", resourceId: 5, activeSlots: 0 }),
    expect: { parseError: "heartbeat.resourceId: expected a non-empty string, got 5" },
  },
  {
    name: "a finished task with an unknown outcome",
    act: () =>
      parseTaskExecutorMessage({
        v,
        type: "taskFinished",
        jobMasterId: "jm",
        resourceId: "tm",
        taskId: "t",
        allocationId: "a",
        outcome: "exploded",
        value: null,
        error: null,
        durationMs: 1,
      }),
    expect: { parseError: 'taskFinished.outcome: expected "succeeded", "failed" or "cancelled"' },
  },
  {
    name: "a finished task with an Infinity value",
    act: () =>
      parseTaskExecutorMessage({
        v,
        type: "taskFinished",
        jobMasterId: "jm",
        resourceId: "tm",
        taskId: "t",
        allocationId: "a",
        outcome: "succeeded",
        value: Number.POSITIVE_INFINITY,
        error: null,
        durationMs: 1,
      }),
    expect: { parseError: "taskFinished.value: expected a finite number" },
  },
  {
    name: "a log line with an unknown level",
    act: () => parseTaskExecutorMessage({ v, type: "log", level: "debug", message: "x" }),
    expect: { parseError: 'log.level: expected "info" or "warn"' },
  },
  {
    name: "__proto__ carrying a heartbeat's token",
    act: () =>
      parseTaskExecutorMessage(
        JSON.parse(
          '{"v":1,"type":"heartbeat","resourceId":"tm","activeSlots":1,"__proto__":{"jobMasterId":"jm-evil"}}',
        ),
      ),
    expect: { parseError: "heartbeat.jobMasterId: expected a non-empty string, got undefined" },
  },
];

const TO_WORKER: readonly Entry[] = [
  {
    name: "wrong protocol version",
    act: () => parseTaskExecutorInbound({ v: 0, type: "heartbeatRequest", jobMasterId: "jm" }),
    expect: { parseError: "message.v: expected protocol version 1, got 0" },
  },
  {
    name: "an unknown kind",
    act: () => parseTaskExecutorInbound({ v, type: "killAll" }),
    expect: { parseError: "message.type: expected a resource-manager or job-master message type" },
  },
  {
    name: "a slot request with a negative slot index",
    act: () =>
      parseTaskExecutorInbound({
        v,
        type: "requestSlot",
        resourceManagerId: "rm-1",
        slotIndex: -1,
        allocationId: "a",
        jobId: "j",
        jobMasterId: "jm",
      }),
    expect: { parseError: "requestSlot.slotIndex: expected an integer ≥ 0" },
  },
  {
    name: "a slot request with a string slot index",
    act: () =>
      parseTaskExecutorInbound({
        v,
        type: "requestSlot",
        resourceManagerId: "rm-1",
        slotIndex: "0",
        allocationId: "a",
        jobId: "j",
        jobMasterId: "jm",
      }),
    expect: { parseError: "requestSlot.slotIndex: expected an integer ≥ 0" },
  },
  {
    name: "a task of an unknown kind",
    act: () => parseTaskExecutorInbound(submitTask({ kind: "exec", command: "rm -rf /" })),
    expect: { parseError: 'submitTask.task.kind: expected "sleep" or "module"' },
  },
  {
    name: "a sleep of negative duration",
    act: () => parseTaskExecutorInbound(submitTask({ kind: "sleep", durationMs: -1 })),
    expect: { parseError: "submitTask.task.durationMs: expected a number ≥ 0, got -1" },
  },
  {
    name: "a task result nested 100 deep",
    act: () => parseTaskExecutorInbound(submitTask({ kind: "sleep", durationMs: 1, result: nested(100) })),
    expect: { parseError: "expected JSON nested at most 64 deep" },
  },
  {
    name: "a task with 1 001 arguments",
    act: () =>
      parseTaskExecutorInbound(
        submitTask({ kind: "module", module: "/m.js", args: Array.from({ length: 1_001 }, () => 0) }),
      ),
    expect: { parseError: "submitTask.task.args: expected an array (at most 1000 items)" },
  },
  {
    name: "an oversized module path (20 000 characters)",
    act: () => parseTaskExecutorInbound(submitTask({ kind: "module", module: huge(20_000) })),
    expect: { parseError: "submitTask.task.module: expected a non-empty string" },
  },
  {
    name: "an offer answer accepting an empty id",
    act: () => parseTaskExecutorInbound({ v, type: "offerAnswer", jobMasterId: "jm", offerId: 1, accepted: ["a", ""] }),
    expect: { parseError: "offerAnswer.accepted[1]: expected a non-empty string" },
  },
  {
    name: "a free-slot order without a reason",
    act: () => parseTaskExecutorInbound({ v, type: "freeSlot", jobMasterId: "jm", allocationId: "a" }),
    expect: { parseError: "freeSlot.reason: expected a non-empty string, got undefined" },
  },
  {
    name: "a heartbeat request with a null token",
    act: () => parseTaskExecutorInbound({ v, type: "heartbeatRequest", jobMasterId: null }),
    expect: { parseError: "heartbeatRequest.jobMasterId: expected a non-empty string, got null" },
  },
];

const SUITES: readonly (readonly [string, readonly Entry[]])[] = [
  ["pool.allocateSlot", POOL_ALLOCATE],
  ["ResourceProfile.of", RESOURCE_PROFILE],
  ["TaskScheduler.allocate", SCHEDULER_ALLOCATE],
  ["pool.offerSlot(s)", OFFERS],
  ["applyTaskExecutorEvent", TE_EVENTS],
  ["parseTaskExecutorMessage", FROM_WORKER],
  ["parseTaskExecutorInbound", TO_WORKER],
];

function check(entry: Entry, f: Fixture, act: () => unknown): void {
  const e = entry.expect;
  if ("throws" in e) {
    let error: unknown;
    try {
      act();
    } catch (thrown) {
      error = thrown;
    }
    expect(error, "expected a throw").toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toBe(e.throws);
    if (e.path !== undefined) {
      expect((error as { path?: string }).path).toBe(e.path);
      expect((error as Error).message).toMatch(new RegExp(`^${escapeRegExp(e.path)}: expected `));
    }
    return;
  }
  const out = act();
  if ("fails" in e) {
    const handle = out as SlotRequestHandle | TaskHandle;
    const outcome = handle.result.result;
    expect(outcome?.ok, "the result failed at once").toBe(false);
    const error = outcome?.ok === false ? outcome.error : undefined;
    expect((error as { code?: string } | undefined)?.code).toBe(e.fails);
    if (e.path !== undefined) expect((error as { path?: string } | undefined)?.path).toBe(e.path);
    expect(handle.released.isDone, "a failed request's release signal completes too").toBe(true);
    return;
  }
  if ("rejected" in e) {
    expect(out).toBe(false);
    expect(f.events.map((x) => (x.type === "offerRejected" ? x.reason : x.type))).toEqual([e.rejected]);
    return;
  }
  if ("rejectedAll" in e) {
    expect(out).toEqual([]);
    expect(f.events.map((x) => (x.type === "offerRejected" ? x.reason : x.type))).toEqual(e.rejectedAll);
    return;
  }
  if ("outcome" in e) {
    const outcome = out as { status: string; reason?: string; accepted?: readonly unknown[] };
    expect(outcome.status).toBe(e.outcome);
    if (e.reason !== undefined) expect(outcome.reason).toContain(e.reason);
    if (e.accepted !== undefined) expect(outcome.accepted?.length).toBe(e.accepted);
    return;
  }
  const parsed = out as { ok: boolean; error?: string };
  expect(parsed.ok).toBe(false);
  expect(parsed.error).toContain(e.parseError);
  expect(parsed.error?.length ?? 0, "errors stay short even for oversized input").toBeLessThan(200);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("hostile inputs (API and adapter messages)", () => {
  it("has at least 60 entries, each with an expected error code or rejection reason", () => {
    const total = SUITES.reduce((n, [, entries]) => n + entries.length, 0);
    expect(total).toBeGreaterThanOrEqual(60);
    for (const [, entries] of SUITES) {
      const names = entries.map((x) => x.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  for (const [suite, entries] of SUITES) {
    describe(suite, () => {
      it.each(entries.map((entry) => [entry.name, entry] as const))("%s", (_name, entry) => {
        const f = fixture();
        entry.setup?.(f);
        f.events.length = 0;
        const before = snapshotSlotPool(f.pool);
        const sharedBefore = f.shared.result.result;
        const sharedReleased = f.shared.released.isDone;
        check(entry, f, () => entry.act(f));
        // Nothing changed: the pool, the placed task, the invariants, the global prototypes.
        expect(snapshotSlotPool(f.pool)).toEqual(before);
        expect(f.shared.result.result).toBe(sharedBefore);
        expect(f.shared.released.isDone).toBe(sharedReleased);
        expect(f.events.every((x) => x.type === "offerRejected")).toBe(true);
        assertSlotPoolInvariants(f.pool);
        expect(checkSharingInvariants(f.tasks, { pool: f.pool })).toEqual([]);
        expect(Object.prototype).not.toHaveProperty("polluted");
        expect(Object.prototype).not.toHaveProperty("isAdmin");
        expect(Object.prototype).not.toHaveProperty("jobMasterId");
      });
    });
  }

  it("the fixture is what the corpus assumes", () => {
    const f = fixture();
    expect(snapshotSlotPool(f.pool)).toEqual({
      started: true,
      jobMasterId: "jm-1",
      resourceManagerConnected: true,
      registeredTaskManagers: ["tm-1", "tm-2"],
      available: ["a-3@tm-1[2]"],
      allocated: ["req-1 → a-1@tm-1[0]+", "req-2 → a-2@tm-1[1]+"],
      pending: ["req-3:alloc-1"],
      waitingForResourceManager: [],
    });
    expect(f.shared.result.result?.ok).toBe(true);
    expect(f.raw.result.result?.ok).toBe(true);
    expect(f.pending.result.isDone).toBe(false);
    expect(f.loop.constraint(0).location?.resourceId).toBe("tm-1");
  });
});

describe("found by the hostile corpus", () => {
  // B5 — @slotpool/resource-manager, protocol-validation.ts (`spec` and `json`). A key named
  // `__proto__` in a message (valid JSON, as `JSON.parse` and Node's IPC deliver it) is copied
  // into the rebuilt value with a plain assignment: for an extended resource the key is silently
  // dropped (core's ResourceProfile keeps such names as plain keys), and in a task's result or
  // arguments the object it carries becomes the PROTOTYPE of the parsed value — the receiver sees
  // inherited fields the sender never sent as data (`result.isAdmin === true`). No global
  // pollution happens. Fix idea: rebuild with `Object.defineProperty` (or null-prototype objects),
  // or reject `__proto__` keys with a clear error.
  const proto = (result: unknown) => result as { isAdmin?: unknown };
  it("B5 setup: such a task result is accepted", () => {
    const parsed = parseTaskExecutorInbound(
      JSON.parse(
        '{"v":1,"type":"submitTask","jobMasterId":"jm","allocationId":"a","taskId":"t","task":{"kind":"sleep","durationMs":1,"result":{"__proto__":{"isAdmin":true},"x":1}}}',
      ),
    );
    expect(parsed.ok).toBe(true);
  });
  it("B5: a __proto__ key in a task result is kept as data or rejected, never made the prototype", () => {
    const parsed = parseTaskExecutorInbound(
      JSON.parse(
        '{"v":1,"type":"submitTask","jobMasterId":"jm","allocationId":"a","taskId":"t","task":{"kind":"sleep","durationMs":1,"result":{"__proto__":{"isAdmin":true},"x":1}}}',
      ),
    );
    if (!parsed.ok) return; // rejected: fine
    const result = (parsed.value as { task: { result?: unknown } }).task.result;
    expect(proto(result).isAdmin).toBeUndefined();
  });
  it("B5: an extended resource named __proto__ is kept or rejected, never silently dropped", () => {
    const parsed = parseTaskExecutorMessage(
      offerSlots({
        offers: [{ ...wireOffer, profile: JSON.parse('{"cpu":1,"memoryMb":1,"extended":{"__proto__":2}}') }],
      }),
    );
    if (!parsed.ok) return; // rejected: fine
    const profile = cast<{ offers: { profile: { extended?: object } }[] }>(parsed.value).offers[0]?.profile;
    expect(Object.keys(profile?.extended ?? {})).toEqual(["__proto__"]);
  });
});
