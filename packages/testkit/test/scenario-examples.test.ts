import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadScenarioFile, type Scenario } from "@slotpool/testkit";
import { describe, expect, it } from "vitest";

const EXAMPLES = fileURLToPath(new URL("../../../examples/", import.meta.url));
const files = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

/** What each example must show (besides validating). */
const STORIES: Record<string, (s: Scenario) => void> = {
  "streaming-wordcount.yaml": (s) => {
    expect(new Set(s.job.vertices.map((v) => v.slotSharingGroup))).toEqual(new Set(["default"]));
    expect(s.job.vertices.every((v) => v.durationMs === null)).toBe(true);
  },
  "iterative-colocation.yaml": (s) => {
    const loop = s.job.vertices.filter((v) => v.coLocationGroup === "loop");
    expect(loop.map((v) => v.id)).toEqual(["iteration-head", "iteration-tail"]);
    expect(new Set(loop.map((v) => v.slotSharingGroup)).size).toBe(1);
  },
  "locality-offer-all.yaml": (s) => {
    expect(s.cluster.offerAllSlots).toBe(true);
    expect(s.job.vertices.every((v) => v.preferredLocations.every((list) => list.length > 0))).toBe(true);
  },
  "elastic-cluster.yaml": (s) => {
    expect(s.cluster.elastic).toEqual(
      expect.objectContaining({ maxTaskManagers: 5, idleTimeoutMs: 10_000, host: "autoscaling-pool" }),
    );
  },
  "failure-story.yaml": (s) => {
    const kinds = s.events.map((e) => e.type);
    for (const kind of [
      "loseTaskManager",
      "addTaskManager",
      "disconnectResourceManager",
      "connectResourceManager",
    ] as const) {
      expect(kinds).toContain(kind);
    }
  },
  "heterogeneous-profiles.yaml": (s) => {
    expect(new Set(s.cluster.taskManagers.map((tm) => JSON.stringify(tm.slotProfile))).size).toBeGreaterThanOrEqual(3);
    expect(s.cluster.taskManagers.some((tm) => tm.slotProfile.extended.gpu === 1)).toBe(true);
    expect(s.job.vertices.some((v) => v.profile?.extended.gpu === 1)).toBe(true);
  },
  "large.yaml": (s) => {
    expect(s.cluster.taskManagers).toHaveLength(1_000);
    expect(s.cluster.taskManagers.every((tm) => tm.slots === 4)).toBe(true);
    expect(s.job.vertices.map((v) => v.parallelism)).toEqual([4_000, 4_000, 4_000, 4_000, 4_000]);
  },
};

describe("examples/*.yaml", () => {
  it("has the seven examples the CLI uses", () => {
    expect(files).toEqual(Object.keys(STORIES).sort());
  });

  it.each(files)("%s validates, is named after its file and tells its story", async (file) => {
    const scenario = await loadScenarioFile(`${EXAMPLES}${file}`);
    expect(scenario.name).toBe(file.replace(/\.yaml$/, ""));
    STORIES[file]?.(scenario);
  });
});
