// The report helpers: placement grouping and ends, the timeline, the text and HTML reports.
import { join } from "node:path";
import { loadScenarioFile, type SimulationResult, simulate } from "@slotpool/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import { escapeHtml, renderHtmlReport } from "../src/render/html-report.js";
import { groupPlacement, localityHistogram, placementEnds, timeline } from "../src/render/placement.js";
import { renderTextReport } from "../src/render/text-report.js";
import { REPO_ROOT } from "./support/cli-process.js";

const ex = (name: string): string => join(REPO_ROOT, "examples", `${name}.yaml`);
let story: SimulationResult;
let colocation: SimulationResult;
beforeAll(async () => {
  story = simulate(await loadScenarioFile(ex("failure-story")));
  colocation = simulate(await loadScenarioFile(ex("iterative-colocation")));
});

describe("placementEnds", () => {
  it("marks exactly the placements that lost their slot, each followed by another placement of the task", () => {
    const ends = placementEnds(story);
    expect(ends).toHaveLength(story.report.assignments.length);
    const lostTrace = story.trace.filter((t) => t.kind === "lost");
    const lost = story.report.assignments.filter((_, i) => ends[i]?.kind === "lost");
    expect(lost.length).toBe(lostTrace.length);
    expect(lost.length).toBeGreaterThan(0);
    for (const a of lost) {
      const i = story.report.assignments.indexOf(a);
      const again = story.report.assignments.slice(i + 1).find((b) => b.vertex === a.vertex && b.subtask === a.subtask);
      expect(again, `${a.vertex}#${a.subtask}`).toBeDefined();
      expect(ends[i]?.atMs).toBeGreaterThanOrEqual(a.atMs);
      expect(ends[i]?.atMs).toBeLessThanOrEqual(again?.atMs ?? 0);
    }
  });

  it("marks finished placements with their finish time", async () => {
    const result = simulate(await loadScenarioFile(ex("iterative-colocation")));
    const finishedTrace = result.trace.filter((t) => t.kind === "finished");
    const ends = placementEnds(result);
    expect(ends.filter((e) => e?.kind === "finished")).toHaveLength(finishedTrace.length);
  });
});

describe("groupPlacement and localityHistogram", () => {
  it("puts every assignment in exactly one slot of its TaskManager, in cluster order", () => {
    const rows = groupPlacement(story);
    expect(rows.map((r) => r.id)).toEqual(story.taskManagers.map((t) => t.id));
    const placed = rows.flatMap((r) => r.slots.flatMap((s) => s.tasks.map((t) => ({ t, r, s }))));
    expect(placed).toHaveLength(story.report.assignments.length);
    for (const { t, r, s } of placed) {
      expect(t.taskManager).toBe(r.id);
      expect(t.slotIndex).toBe(s.slotIndex);
    }
  });

  it("counts every locality in a fixed order", () => {
    const hist = localityHistogram(colocation.report.assignments);
    expect(hist.map(([l]) => l)).toEqual(["LOCAL", "HOST_LOCAL", "NON_LOCAL", "UNCONSTRAINED", "UNKNOWN"]);
    expect(hist.reduce((n, [, c]) => n + c, 0)).toBe(colocation.report.assignments.length);
  });
});

describe("timeline", () => {
  it("lists events, losses and placements in time order, within the limit", () => {
    const full = timeline(story, 100);
    expect(full.map(([at]) => at)).toEqual([...full.map(([at]) => at)].sort((a, b) => a - b));
    const events = story.trace.filter((t) => t.kind === "event");
    for (const e of events) expect(full).toContainEqual([e.atMs, e.kind === "event" ? e.text : ""]);
    const lostLines = full.filter(([, text]) => /task\(s\) lost their slot/.test(text));
    const counted = lostLines.reduce((n, [, text]) => n + Number(/^(\d+)/.exec(text)?.[1]), 0);
    expect(counted).toBe(story.trace.filter((t) => t.kind === "lost").length);

    const short = timeline(story, 4);
    expect(short).toHaveLength(4);
    expect(short.slice(0, 3)).toEqual(full.slice(0, 3));
    expect(short[3]?.[1]).toBe(`… ${full.length - 3} more`);
  });
});

describe("renderTextReport", () => {
  it("shows a lost allocation on its own line, marked, and the allocation that replaced it", () => {
    const text = renderTextReport(story);
    const ends = placementEnds(story);
    const lostCount = new Set(
      story.report.assignments.filter((_, i) => ends[i]?.kind === "lost").map((a) => a.allocationId),
    ).size;
    expect(text.match(/✕ lost at \d+ ms \([A-Z_]+\)/g)).toHaveLength(lostCount);
    expect(text).not.toContain("\u001b[");
  });

  it("cuts the placement table after maxTaskManagers and says how many more", () => {
    const used = new Set(story.report.assignments.map((a) => a.taskManager)).size;
    const text = renderTextReport(story, { maxTaskManagers: 1 });
    expect(text).toContain(`… ${used - 1} more TaskManagers with tasks (use --json or --html for all)`);
  });

  it("uses ANSI bold only when asked", () => {
    expect(renderTextReport(story, { color: true })).toContain("\u001b[1mPlacement\u001b[22m");
  });
});

describe("renderHtmlReport", () => {
  it("one chip per assignment, co-located chips marked and sharing a slot with their partner", () => {
    const html = renderHtmlReport(colocation);
    const chips = [...html.matchAll(/<g class="(chip[^"]*)" ([^>]*)>/g)].map((m) => ({
      classes: (m[1] ?? "").split(" "),
      attrs: Object.fromEntries([...(m[2] ?? "").matchAll(/data-([a-z]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
    }));
    expect(chips).toHaveLength(colocation.report.assignments.length);
    const groups = new Map(colocation.vertices.map((v) => [v.id, v.coLocationGroup]));
    for (const chip of chips) {
      const group = groups.get(chip.attrs.vertex ?? "");
      expect(chip.classes.includes("colocated")).toBe(group !== undefined);
      expect(chip.attrs.colocation).toBe(group);
    }
    const colocated = chips.filter((c) => c.classes.includes("colocated"));
    expect(colocated.length).toBeGreaterThan(0);
    for (const c of colocated) {
      const partners = colocated.filter(
        (o) => o.attrs.colocation === c.attrs.colocation && o.attrs.subtask === c.attrs.subtask,
      );
      expect(partners.length).toBeGreaterThan(1);
      expect(new Set(partners.map((p) => p.attrs.allocation)).size).toBe(1);
    }
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("marks placements that lost their slot and the lost TaskManager", () => {
    const html = renderHtmlReport(story);
    const ends = placementEnds(story);
    expect(html.match(/<g class="chip[^"]* lost"/g)).toHaveLength(ends.filter((e) => e?.kind === "lost").length);
    const lostTms = story.taskManagers.filter((t) => t.lostAtMs !== undefined);
    expect(lostTms.length).toBeGreaterThan(0);
    for (const tm of lostTms) expect(html).toContain(`<g class="tm lost" data-taskmanager="${tm.id}">`);
  });

  it("escapes user text", () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe("&#60;a href=&#34;x&#34;&#62;&#38;&#39;");
  });
});
