import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isSlotPoolError, ResourceProfile, SlotPoolError } from "@slotpool/core";
import {
  formatScenarioProblems,
  loadScenarioFile,
  parseScenario,
  SCENARIO_DEFAULTS,
  SCENARIO_LIMITS,
  type Scenario,
  ScenarioError,
  stringifyScenario,
} from "@slotpool/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** The scenario of DESIGN.md, verbatim. */
const DESIGN_EXAMPLE = `
name: streaming-wordcount        # optional
seed: 7                          # optional, default 0; same file + seed ⇒ identical output
cluster:
  offerAllSlots: false           # default false
  taskManagers:
    - id: tm-1                   # unique
      host: host-a               # default: the id
      slots: 4                   # default 1
      slotProfile: { cpu: 1, memoryMb: 1024 }
      registerAtMs: 0            # default 0 (virtual time)
  elastic:                       # optional: the embedded RM starts TaskManagers on demand
    maxTaskManagers: 10
    slotsPerTaskManager: 2
    slotProfile: { cpu: 1, memoryMb: 1024 }
    startupMs: 500
job:
  queued: true                   # default true: requests may wait for slots
  submitAtMs: 0                  # default 0
  vertices:
    - id: source                 # unique
      parallelism: 4
      profile: { cpu: 0.5, memoryMb: 256 }
      slotSharingGroup: default  # optional
      coLocationGroup: loop      # optional; needs slotSharingGroup; same parallelism in the group
      preferredLocations: [tm-1, { host: host-b }]
      durationMs: 1000           # optional
timeouts: { resourceManagerRequestMs: 10000, allocationMs: 300000, idleSlotMs: 50000 }  # optional
events:                          # optional, applied at their virtual time
  - { atMs: 2000, loseTaskManager: tm-1 }
  - { atMs: 2500, addTaskManager: { id: tm-9, host: host-c, slots: 2 } }
  - { atMs: 3000, disconnectResourceManager: true }
  - { atMs: 4000, connectResourceManager: true }
`;

const MINIMAL = "cluster: { taskManagers: [{ id: tm-1 }] }\njob: { vertices: [{ id: map, parallelism: 3 }] }\n";

function rejection(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error("expected a ScenarioError");
}

describe("parseScenario: defaults", () => {
  it("applies every default of DESIGN.md to a minimal scenario", () => {
    const scenario = parseScenario(MINIMAL);
    expect(scenario).toEqual({
      name: "scenario",
      seed: 0,
      cluster: {
        offerAllSlots: false,
        slotSelection: "locality-first",
        taskManagers: [
          {
            id: "tm-1",
            host: "tm-1",
            slots: 1,
            slotProfile: { cpu: 1, memoryMb: 1024, extended: {} },
            registerAtMs: 0,
          },
        ],
        elastic: null,
      },
      job: {
        queued: true,
        submitAtMs: 0,
        vertices: [
          {
            id: "map",
            parallelism: 3,
            profile: null,
            slotSharingGroup: null,
            coLocationGroup: null,
            preferredLocations: [[], [], []],
            durationMs: null,
            timeoutMs: 300_000,
          },
        ],
      },
      timeouts: {
        resourceManagerRequestMs: 10_000,
        allocationMs: 300_000,
        idleSlotMs: 50_000,
        resourceManagerAllocationMs: 600_000,
      },
      events: [],
    });
    expect(scenario.timeouts).toEqual(SCENARIO_DEFAULTS.timeouts);
  });

  it("applies the elastic defaults: one slot each, no idle stop, host = id", () => {
    const scenario = parseScenario(
      `cluster: { elastic: { maxTaskManagers: 2 } }\njob: { vertices: [{ id: v, parallelism: 1 }] }`,
    );
    expect(scenario.cluster.taskManagers).toEqual([]);
    expect(scenario.cluster.elastic).toEqual({
      maxTaskManagers: 2,
      slotsPerTaskManager: 1,
      slotProfile: { cpu: 1, memoryMb: 1024, extended: {} },
      startupMs: 0,
      idleTimeoutMs: null,
      idPrefix: "elastic-",
      hostPrefix: "elastic-",
      host: null,
    });
    const named = parseScenario(
      `cluster: { elastic: { maxTaskManagers: 2, idPrefix: "auto-" } }\njob: { vertices: [{ id: v, parallelism: 1 }] }`,
    );
    expect(named.cluster.elastic?.hostPrefix).toBe("auto-");
  });

  it("gives an added TaskManager the event's time as registration time and its id as host", () => {
    const scenario = parseScenario(`${MINIMAL}events: [{ atMs: 750, addTaskManager: { id: tm-2, slots: 3 } }]\n`);
    expect(scenario.events).toEqual([
      {
        atMs: 750,
        type: "addTaskManager",
        taskManager: {
          id: "tm-2",
          host: "tm-2",
          slots: 3,
          slotProfile: { cpu: 1, memoryMb: 1024, extended: {} },
          registerAtMs: 750,
        },
      },
    ]);
  });

  it("defaults a vertex's request timeout to timeouts.allocationMs, and keeps its own", () => {
    const scenario = parseScenario(
      `cluster: {}\njob: { vertices: [{ id: a, parallelism: 1 }, { id: b, parallelism: 1, timeoutMs: 5 }] }\ntimeouts: { allocationMs: 1234 }\n`,
    );
    expect(scenario.job.vertices.map((v) => v.timeoutMs)).toEqual([1234, 5]);
    expect(scenario.timeouts).toEqual({ ...SCENARIO_DEFAULTS.timeouts, allocationMs: 1234 });
  });

  it("treats null (an empty YAML value) in an optional field as absent", () => {
    const withNulls = parseScenario(
      "name:\nseed: ~\ncluster:\n  elastic:\n  taskManagers: [{ id: tm-1, host: null, slots: null }]\njob:\n  queued:\n  vertices: [{ id: map, parallelism: 3, profile: null }]\ntimeouts:\nevents:\n",
    );
    expect(withNulls).toEqual(parseScenario(MINIMAL));
  });

  it("names the scenario after its file when it has no name", () => {
    expect(parseScenario(MINIMAL, { fileName: "/tmp/jobs/night-batch.yaml" }).name).toBe("night-batch");
    expect(parseScenario(`name: given\n${MINIMAL}`, { fileName: "x.yaml" }).name).toBe("given");
  });

  it("sorts extended resources by name and folds -0 into 0", () => {
    const scenario = parseScenario(
      "cluster: { taskManagers: [{ id: g, slotProfile: { cpu: -0.0, memoryMb: 8, extended: { tpu: 2, gpu: 1 } } }] }\njob: { vertices: [{ id: v, parallelism: 1 }] }",
    );
    const profile = scenario.cluster.taskManagers[0]?.slotProfile;
    expect(Object.keys(profile?.extended ?? {})).toEqual(["gpu", "tpu"]);
    expect(Object.is(profile?.cpu, 0)).toBe(true);
    // The normalized profile is a valid core ResourceSpec.
    expect(ResourceProfile.of(profile).toString()).toBe("cpu 0, 8 MB, gpu 1, tpu 2");
  });
});

describe("parseScenario: preferred locations", () => {
  it("expands one shared list to every subtask, and keeps per-subtask lists", () => {
    const scenario = parseScenario(`
cluster: { taskManagers: [{ id: tm-1 }, { id: tm-2 }] }
job:
  vertices:
    - { id: shared, parallelism: 3, preferredLocations: [tm-1, { taskManager: tm-2 }, { host: rack-7 }] }
    - { id: each, parallelism: 2, preferredLocations: [[tm-2], []] }
`);
    const [shared, each] = scenario.job.vertices;
    const list = [{ taskManager: "tm-1" }, { taskManager: "tm-2" }, { host: "rack-7" }];
    expect(shared?.preferredLocations).toEqual([list, list, list]);
    expect(shared?.preferredLocations[0]).toBe(shared?.preferredLocations[2]); // one list, not three copies
    expect(each?.preferredLocations).toEqual([[{ taskManager: "tm-2" }], []]);
  });

  it("lets a preference name a TaskManager added by a later event or an elastic one", () => {
    const scenario = parseScenario(`
cluster: { taskManagers: [{ id: tm-1 }], elastic: { maxTaskManagers: 3 } }
job: { vertices: [{ id: v, parallelism: 1, preferredLocations: [tm-late, elastic-3] }] }
events: [{ atMs: 9000, addTaskManager: { id: tm-late } }]
`);
    expect(scenario.job.vertices[0]?.preferredLocations[0]).toEqual([
      { taskManager: "tm-late" },
      { taskManager: "elastic-3" },
    ]);
  });

  it("rejects an elastic name beyond the elastic maximum", () => {
    const error = rejection(() =>
      parseScenario(
        "cluster: { elastic: { maxTaskManagers: 3 } }\njob: { vertices: [{ id: v, parallelism: 1, preferredLocations: [elastic-4] }] }",
      ),
    );
    expect(error.problems.map((p) => [p.code, p.path])).toEqual([
      ["UNKNOWN_REFERENCE", "job.vertices[0].preferredLocations[0]"],
    ]);
    expect(error.problems[0]?.message).toContain("elastic-1 … elastic-3");
  });
});

describe("parseScenario: events", () => {
  it("accepts every event kind, keeps file order, and lets events name TaskManagers added before them", () => {
    const scenario = parseScenario(`${MINIMAL}events:
  - { atMs: 10, addTaskManager: { id: tm-2, host: h, slots: 2, slotProfile: { cpu: 2, memoryMb: 2048 } } }
  - { atMs: 10, freezeTaskManager: tm-2 }
  - { atMs: 5, disconnectResourceManager: true }
  - { atMs: 20, unfreezeTaskManager: tm-2 }
  - { atMs: 30, failAllocation: { taskManager: tm-2, slotIndex: 1 } }
  - { atMs: 40, suspendJobMaster: true }
  - { atMs: 50, resumeJobMaster: true }
  - { atMs: 60, connectResourceManager: true }
  - { atMs: 70, loseTaskManager: tm-1 }
`);
    expect(scenario.events.map((e) => e.type)).toEqual([
      "addTaskManager",
      "freezeTaskManager",
      "disconnectResourceManager",
      "unfreezeTaskManager",
      "failAllocation",
      "suspendJobMaster",
      "resumeJobMaster",
      "connectResourceManager",
      "loseTaskManager",
    ]);
    expect(scenario.events[4]).toEqual({ atMs: 30, type: "failAllocation", taskManagerId: "tm-2", slotIndex: 1 });
    expect(scenario.events[8]).toEqual({ atMs: 70, type: "loseTaskManager", taskManagerId: "tm-1" });
  });

  it("accepts events naming elastic TaskManagers, with slot indexes within their slots", () => {
    const base =
      "cluster: { elastic: { maxTaskManagers: 2, slotsPerTaskManager: 2 } }\njob: { vertices: [{ id: v, parallelism: 1 }] }\n";
    const scenario = parseScenario(
      `${base}events: [{ atMs: 1, failAllocation: { taskManager: elastic-2, slotIndex: 1 } }]`,
    );
    expect(scenario.events).toHaveLength(1);
    const error = rejection(() =>
      parseScenario(`${base}events: [{ atMs: 1, failAllocation: { taskManager: elastic-2, slotIndex: 2 } }]`),
    );
    expect(error.problems[0]?.code).toBe("UNKNOWN_REFERENCE");
  });
});

describe("parseScenario: formats", () => {
  it("reads the DESIGN.md example, and the same scenario written as JSON gives the same result", () => {
    const fromYaml = parseScenario(DESIGN_EXAMPLE);
    const asJson = stringifyScenario(fromYaml, "json");
    expect(parseScenario(asJson, { format: "json" })).toEqual(fromYaml);
    expect(parseScenario(asJson, { fileName: "same.json" })).toEqual({ ...fromYaml, name: "streaming-wordcount" });
    expect(fromYaml.events.map((e) => e.type)).toEqual([
      "loseTaskManager",
      "addTaskManager",
      "disconnectResourceManager",
      "connectResourceManager",
    ]);
  });

  it("round-trips a full scenario through stringifyScenario in both formats", () => {
    const full = parseScenario(`
name: full
seed: 99
cluster:
  offerAllSlots: true
  slotSelection: spread-out
  taskManagers:
    - { id: tm-1, host: h1, slots: 2, slotProfile: { cpu: 2, memoryMb: 4096, extended: { gpu: 1 } }, registerAtMs: 100 }
    - { id: tm-2 }
  elastic: { maxTaskManagers: 4, slotsPerTaskManager: 2, startupMs: 300, idleTimeoutMs: 9000, host: pool }
job:
  queued: false
  submitAtMs: 50
  vertices:
    - { id: a, parallelism: 2, profile: { cpu: 0.5, memoryMb: 64 }, slotSharingGroup: s, coLocationGroup: c, preferredLocations: [[tm-1], [{ host: h9 }]], durationMs: 10, timeoutMs: 77 }
    - { id: b, parallelism: 2, slotSharingGroup: s, coLocationGroup: c, preferredLocations: [tm-2] }
timeouts: { resourceManagerRequestMs: 1, allocationMs: 2, idleSlotMs: 3, resourceManagerAllocationMs: 4 }
events:
  - { atMs: 1, addTaskManager: { id: tm-3, slots: 2 } }
  - { atMs: 2, failAllocation: { taskManager: tm-3, slotIndex: 1 } }
  - { atMs: 3, suspendJobMaster: true }
  - { atMs: 4, resumeJobMaster: true }
`);
    for (const format of ["yaml", "json"] as const) {
      const text = stringifyScenario(full, format);
      expect(parseScenario(text, { format })).toEqual(full);
      expect(stringifyScenario(parseScenario(text, { format }), format)).toBe(text);
    }
  });

  it("reads JSON with format yaml too (YAML 1.2 contains JSON), but format json rejects YAML", () => {
    const json =
      '{"cluster": {"taskManagers": [{"id": "tm-1"}]}, "job": {"vertices": [{"id": "map", "parallelism": 3}]}}';
    expect(parseScenario(json, { format: "yaml" })).toEqual(parseScenario(MINIMAL));
    expect(parseScenario(json, { format: "json" })).toEqual(parseScenario(MINIMAL));
    expect(rejection(() => parseScenario(MINIMAL, { format: "json" })).problems[0]?.code).toBe("SYNTAX");
  });

  it("accepts bytes, and ignores a leading UTF-8 byte-order mark", () => {
    const bytes = new TextEncoder().encode(MINIMAL);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    expect(parseScenario(bytes)).toEqual(parseScenario(MINIMAL));
    expect(parseScenario(withBom)).toEqual(parseScenario(MINIMAL));
    expect(parseScenario(`\uFEFF${MINIMAL}`)).toEqual(parseScenario(MINIMAL));
  });

  it("accepts YAML anchors and aliases used with restraint", () => {
    const scenario = parseScenario(
      `
profiles:
cluster:
  taskManagers:
    - { id: tm-1, slotProfile: &big { cpu: 4, memoryMb: 8192 } }
    - { id: tm-2, slotProfile: *big }
job: { vertices: [{ id: v, parallelism: 1, profile: *big }] }
`.replace("profiles:\n", ""),
    );
    expect(scenario.cluster.taskManagers[1]?.slotProfile).toEqual({ cpu: 4, memoryMb: 8192, extended: {} });
    expect(scenario.job.vertices[0]?.profile).toEqual({ cpu: 4, memoryMb: 8192, extended: {} });
  });
});

describe("parseScenario: the result", () => {
  it("is deeply frozen", () => {
    const scenario = parseScenario(DESIGN_EXAMPLE);
    const frozen = (value: unknown): boolean =>
      value === null || typeof value !== "object" || (Object.isFrozen(value) && Object.values(value).every(frozen));
    expect(frozen(scenario)).toBe(true);
    expect(() => {
      (scenario.cluster.taskManagers[0] as { id: string }).id = "changed";
    }).toThrow(TypeError);
  });

  it("validates the large shape: 1,000 TaskManagers × 4 slots, 5 vertices × parallelism 4,000", () => {
    const large = {
      cluster: {
        offerAllSlots: true,
        taskManagers: Array.from({ length: 1_000 }, (_, i) => ({ id: `tm-${i}`, host: `host-${i >> 2}`, slots: 4 })),
      },
      job: {
        vertices: Array.from({ length: 5 }, (_, v) => ({
          id: `v${v}`,
          parallelism: 4_000,
          slotSharingGroup: "default",
          ...(v === 0 ? { preferredLocations: Array.from({ length: 4_000 }, (_, s) => [`tm-${s >> 2}`]) } : {}),
        })),
      },
    };
    const scenario = parseScenario(JSON.stringify(large), { format: "json" });
    expect(scenario.cluster.taskManagers).toHaveLength(1_000);
    expect(scenario.cluster.taskManagers.reduce((n, tm) => n + tm.slots, 0)).toBe(4_000);
    expect(scenario.job.vertices.reduce((n, v) => n + v.parallelism, 0)).toBe(20_000);
    expect(scenario.job.vertices[0]?.preferredLocations[3_999]).toEqual([{ taskManager: "tm-999" }]);
    expect(scenario.job.vertices[4]?.preferredLocations).toHaveLength(4_000);
  });
});

describe("ScenarioError", () => {
  it("is a SlotPoolError with code SCENARIO_INVALID and lists every problem", () => {
    const error = rejection(() => parseScenario("seed: -1\ncluster: 3\njob: {}\n", { fileName: "bad.yaml" }));
    expect(error).toBeInstanceOf(SlotPoolError);
    expect(isSlotPoolError(error, "SCENARIO_INVALID")).toBe(true);
    expect(error.name).toBe("ScenarioError");
    expect(error.fileName).toBe("bad.yaml");
    expect(error.problems.map((p) => [p.path, p.code])).toEqual([
      ["seed", "NEGATIVE"],
      ["cluster", "TYPE"],
      ["job.vertices", "REQUIRED"],
    ]);
    expect(error.message).toContain("Invalid scenario bad.yaml: 3 problems");
    expect(error.message).toContain("- seed: expected a seed (an integer from 0 to 4294967295), got -1");
    expect(Object.isFrozen(error.problems)).toBe(true);
  });

  it("locates problems by line and column, in YAML and in JSON, sorted by position", () => {
    const yaml = rejection(() =>
      parseScenario(
        "cluster: {}\njob:\n  vertices:\n    - id: a\n      parallelism: -3\n    - id: a\n      parallelism: 1\n",
      ),
    );
    expect(yaml.problems).toEqual([
      expect.objectContaining({ path: "job.vertices[0].parallelism", code: "NEGATIVE", line: 5, column: 20 }),
      expect.objectContaining({ path: "job.vertices[1].id", code: "DUPLICATE_ID", line: 6, column: 11 }),
    ]);
    const json = rejection(() =>
      parseScenario(
        '{\n  "cluster": {},\n  "job": {\n    "vertices": [{"id": "a", "parallelism": 0}],\n    "extra": 1\n  }\n}',
        {
          format: "json",
        },
      ),
    );
    expect(json.problems).toEqual([
      expect.objectContaining({ path: "job.vertices[0].parallelism", code: "TOO_SMALL", line: 4, column: 45 }),
      expect.objectContaining({ path: "job.extra", code: "UNKNOWN_FIELD", line: 5, column: 5 }),
    ]);
    const syntax = rejection(() => parseScenario('{"cluster": {}\n, "job": {}, }', { format: "json" }));
    expect(syntax.problems[0]).toEqual(expect.objectContaining({ code: "SYNTAX", line: 2, column: 14 }));
  });

  it("caps the report and counts the rest", () => {
    const tms = Array.from({ length: 3_000 }, (_, i) => ({ id: `t${i}`, slots: 0 }));
    const error = rejection(() =>
      parseScenario(
        JSON.stringify({ cluster: { taskManagers: tms }, job: { vertices: [{ id: "v", parallelism: 1 }] } }),
        {
          format: "json",
        },
      ),
    );
    expect(error.problems).toHaveLength(SCENARIO_LIMITS.problems + 1);
    expect(error.problems.at(-1)).toEqual(
      expect.objectContaining({
        code: "TOO_MANY_PROBLEMS",
        message: expect.stringContaining("at least 900 more problems"),
      }),
    );
  });
});

describe("formatScenarioProblems", () => {
  it("renders one line per problem: file:path: message (line, column) [CODE]", () => {
    const error = rejection(() =>
      parseScenario("cluster: {}\njob: { vertices: [{ id: v, parallelism: 0 }] }\nsead: 1\n", { fileName: "job.yaml" }),
    );
    expect(formatScenarioProblems(error).split("\n")).toEqual([
      "job.yaml:job.vertices[0].parallelism: expected a parallelism (an integer from 1 to 32768), got 0 (line 2, column 41) [TOO_SMALL]",
      'job.yaml:sead: unknown field "sead" (did you mean "seed"?); expected one of: name, seed, cluster, job, timeouts, events (line 3, column 1) [UNKNOWN_FIELD]',
    ]);
  });

  it("omits the file name when there is none, and the path for whole-input problems", () => {
    expect(formatScenarioProblems(rejection(() => parseScenario("")))).toBe(
      "the input is empty: expected a YAML or JSON scenario with at least `cluster` and `job` [EMPTY_INPUT]",
    );
    expect(formatScenarioProblems(rejection(() => parseScenario("", { fileName: "e.yaml" })))).toMatch(
      /^e\.yaml: the input is empty/,
    );
    expect(formatScenarioProblems({ problems: [{ path: "seed", code: "NEGATIVE", message: "m" }] })).toBe(
      "seed: m [NEGATIVE]",
    );
  });
});

describe("loadScenarioFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "slotpool-scenario-"));

  it("reads YAML and JSON files, choosing by extension and naming the scenario after the file", async () => {
    writeFileSync(join(dir, "tiny.yaml"), MINIMAL);
    writeFileSync(join(dir, "tiny.json"), stringifyScenario(parseScenario(MINIMAL), "json"));
    const fromYaml = await loadScenarioFile(join(dir, "tiny.yaml"));
    const fromJson = await loadScenarioFile(join(dir, "tiny.json"));
    expect(fromYaml.name).toBe("tiny");
    expect(fromJson).toEqual({ ...fromYaml, name: "scenario" });
  });

  it("reports a missing file or a directory as FILE_NOT_READABLE, with the cause", async () => {
    const missing = join(dir, "missing.yaml");
    const error = await loadScenarioFile(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems).toEqual([
      { path: "", code: "FILE_NOT_READABLE", message: `cannot read the scenario file ${missing}: it does not exist` },
    ]);
    expect(((error as ScenarioError).cause as { code?: string }).code).toBe("ENOENT");
    const directory = await loadScenarioFile(dir).catch((e: unknown) => e);
    expect((directory as ScenarioError).problems[0]?.message).toContain("not a regular file");
  });

  it("refuses a file over the size limit without reading it", async () => {
    const big = join(dir, "big.yaml");
    writeFileSync(big, "");
    truncateSync(big, SCENARIO_LIMITS.inputBytes + 1); // sparse: nothing is written
    const error = await loadScenarioFile(big).catch((e: unknown) => e);
    expect((error as ScenarioError).problems).toEqual([
      expect.objectContaining({
        code: "LIMIT",
        message: expect.stringContaining(`${SCENARIO_LIMITS.inputBytes + 1} bytes`),
      }),
    ]);
  });
});

describe("parseScenario never throws anything but a ScenarioError", () => {
  const outcome = (input: string | Uint8Array, format?: "yaml" | "json"): Scenario | ScenarioError => {
    try {
      return parseScenario(input, format === undefined ? {} : { format });
    } catch (error) {
      if (error instanceof ScenarioError) return error;
      throw error;
    }
  };

  it("for arbitrary text and bytes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.uint8Array()), (input) => {
        const result = outcome(input);
        if (result instanceof ScenarioError) expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("for a valid scenario with any JSON value put at any field", () => {
    const base = JSON.parse(stringifyScenario(parseScenario(DESIGN_EXAMPLE), "json")) as Record<string, unknown>;
    const paths: string[][] = [];
    const walk = (value: unknown, path: string[]): void => {
      paths.push(path);
      if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      }
    };
    walk(base, []);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths.filter((p) => p.length > 0)),
        fc.jsonValue(),
        fc.boolean(),
        (path, value, asJson) => {
          const copy = structuredClone(base);
          let target: Record<string, unknown> = copy;
          for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
          target[path.at(-1) as string] = value;
          const result = outcome(JSON.stringify(copy), asJson ? "json" : "yaml");
          if (result instanceof ScenarioError) {
            for (const p of result.problems) expect(p.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
