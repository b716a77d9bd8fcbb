// Opens `slotpool simulate --html` reports in Debian's Chromium (never a downloaded browser).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { SimulationReport } from "@slotpool/testkit";
import { type Browser, chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { captureIo } from "./support/capture-io.js";
import { REPO_ROOT } from "./support/cli-process.js";
import { expectDesignReport } from "./support/json-report.js";

const CHROMIUM = "/usr/bin/chromium";
const OUT = join(REPO_ROOT, "apps/cli/test-output");
let browser: Browser | undefined;

/** Launches Chromium once; fails (never skips) the calling test when Debian's Chromium is missing. */
async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the browser test needs Debian's chromium package (apt-get install chromium; .ci/run installs it). Never download a browser for it.`,
    );
  }
  mkdirSync(OUT, { recursive: true });
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
    timeout: 60_000,
  });
  return browser;
}

afterAll(async () => {
  await browser?.close();
});

/** Writes the HTML report and returns the JSON report of the same run (one in-process call). */
async function render(example: string): Promise<{ html: string; report: SimulationReport }> {
  const html = join(OUT, `${example}.html`);
  const c = captureIo();
  const code = await main(["simulate", join(REPO_ROOT, "examples", `${example}.yaml`), "--json", "--html", html], c.io);
  expect(c.err()).toBe("");
  expect(code).toBe(0);
  return { html, report: expectDesignReport(JSON.parse(c.out())) };
}

describe("the HTML report in Chromium", () => {
  for (const example of ["iterative-colocation", "failure-story"]) {
    it(`${example}: renders one chip per assignment, marks co-location, logs no error`, {
      timeout: 90_000,
    }, async () => {
      const { html, report } = await render(example);
      const page = await (await launch()).newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("request", (r) => requests.push(r.url()));
      try {
        await page.goto(pathToFileURL(html).href, { waitUntil: "load", timeout: 30_000 });
        expect(await page.title()).toBe(`slotpool — ${report.scenario}`);
        expect(await page.locator("h1").textContent()).toBe(report.scenario);
        expect(await page.locator("#s-placed").textContent()).toBe(String(report.summary.placed));
        expect(await page.locator("#s-failed").textContent()).toBe(String(report.summary.failed));

        // The placement map is drawn and has a real size; every chip is visible inside it.
        const map = await page.locator("svg#placement").boundingBox();
        expect(map?.width ?? 0).toBeGreaterThan(200);
        expect(map?.height ?? 0).toBeGreaterThan(50);
        const chips = page.locator(".chip");
        expect(await chips.count()).toBe(report.assignments.length);

        const drawn = await page.$$eval(".chip", (gs) =>
          gs.map((g) => {
            const box = g.getBoundingClientRect();
            const label = g.querySelector(".chip-label");
            const rect = g.querySelector(".chip-box")?.getBoundingClientRect();
            return {
              vertex: g.getAttribute("data-vertex") ?? "",
              subtask: Number(g.getAttribute("data-subtask")),
              taskManager: g.getAttribute("data-taskmanager") ?? "",
              slot: Number(g.getAttribute("data-slot")),
              allocation: g.getAttribute("data-allocation") ?? "",
              locality: g.getAttribute("data-locality") ?? "",
              colocation: g.getAttribute("data-colocation"),
              colocated: g.classList.contains("colocated"),
              width: box.width,
              height: box.height,
              labelRight: label?.getBoundingClientRect().right ?? Number.POSITIVE_INFINITY,
              chipRight: rect?.right ?? 0,
              text: label?.textContent ?? "",
            };
          }),
        );
        // One chip per assignment, with the assignment's data, in report order.
        expect(
          drawn.map((d) => `${d.vertex}#${d.subtask}@${d.taskManager}/${d.slot}/${d.allocation}/${d.locality}`).sort(),
        ).toEqual(
          report.assignments
            .map((a) => `${a.vertex}#${a.subtask}@${a.taskManager}/${a.slotIndex}/${a.allocationId}/${a.locality}`)
            .sort(),
        );
        for (const d of drawn) {
          expect(d.width).toBeGreaterThan(20);
          expect(d.height).toBeGreaterThan(10);
          // Labels are whole and inside their chip.
          expect(d.text.startsWith(`${d.vertex}#${d.subtask}`)).toBe(true);
          expect(d.labelRight).toBeLessThanOrEqual(d.chipRight);
        }

        // Co-located chips are marked, and each co-located pair shares one slot.
        const colocated = drawn.filter((d) => d.colocated);
        expect(colocated.every((d) => d.colocation !== null)).toBe(true);
        expect(drawn.filter((d) => d.colocation !== null)).toHaveLength(colocated.length);
        if (example === "iterative-colocation") {
          expect(colocated.length).toBeGreaterThan(0);
          const ring = await page.locator(".chip.colocated .ring").count();
          expect(ring).toBe(colocated.length);
          for (const d of colocated) {
            const partners = colocated.filter((o) => o.colocation === d.colocation && o.subtask === d.subtask);
            expect(partners.length).toBeGreaterThan(1);
            expect(new Set(partners.map((p) => `${p.taskManager}/${p.slot}/${p.allocation}`)).size).toBe(1);
          }
        } else {
          expect(colocated).toHaveLength(0);
          // The failure story loses tasks: those chips are marked as lost.
          expect(await page.locator(".chip.lost").count()).toBeGreaterThan(0);
          expect(await page.locator(".tm.lost").count()).toBeGreaterThan(0);
        }

        // Every TaskManager sits inside its host's box.
        const hosts = new Set(report.assignments.map((a) => a.host));
        for (const host of hosts) expect(await page.locator(`g.host[data-host="${host}"]`).count()).toBe(1);

        await page.screenshot({ path: join(OUT, `${example}.png`), fullPage: true });
        expect(existsSync(join(OUT, `${example}.png`))).toBe(true);
        expect(problems).toEqual([]);
        expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
