import type { SimulationResult } from "@slotpool/testkit";
import { groupPlacement, localityHistogram, timeline } from "./placement.js";

const CELL_W = 96;
const CHIP_H = 16;
const ROW_PAD = 6;
const LABEL_W = 150;
const LOCALITY_MARK: Readonly<Record<string, string>> = {
  LOCAL: "L",
  HOST_LOCAL: "H",
  NON_LOCAL: "N",
  UNCONSTRAINED: "·",
  UNKNOWN: "?",
};

/**
 * Escapes text for HTML and SVG (ids in scenario files are user input).
 *
 * @example
 * ```ts
 * escapeHtml("<b>"); // "&lt;b&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A stable, well-spread colour per vertex. */
function vertexColour(index: number): string {
  const hue = Math.round((index * 137.508) % 360);
  return `hsl(${hue} 65% 72%)`;
}

/**
 * The self-contained HTML report of `slotpool simulate --html`: an SVG placement map (TaskManagers
 * grouped by host, slots as cells, tasks as chips coloured by vertex, co-location marked with a
 * ring, locality as a letter), the timeline, the failures and the summary. No network access, no
 * scripts from elsewhere.
 *
 * @example
 * ```ts
 * await writeFile("report.html", renderHtmlReport(result));
 * ```
 */
export function renderHtmlReport(result: SimulationResult): string {
  const { report } = result;
  const vertexIndex = new Map(result.vertices.map((v, i) => [v.id, i]));
  const coLocated = new Map(result.vertices.map((v) => [v.id, v.coLocationGroup]));
  const rows = groupPlacement(result);
  const hosts = new Map<string, typeof rows>();
  for (const tm of rows) {
    const list = hosts.get(tm.host);
    if (list === undefined) hosts.set(tm.host, [tm]);
    else list.push(tm);
  }
  const maxSlots = Math.max(1, ...rows.map((r) => r.slots.length));
  const width = LABEL_W + maxSlots * CELL_W + 20;
  const parts: string[] = [];
  let y = 10;
  for (const [host, tms] of hosts) {
    const hostTop = y;
    y += 22;
    const inner: string[] = [];
    for (const tm of tms) {
      const chipsPerSlot = Math.max(1, ...tm.slots.map((s) => s.tasks.length));
      const h = chipsPerSlot * (CHIP_H + 2) + ROW_PAD * 2;
      inner.push(
        `<text class="tm-label${tm.lostAtMs === undefined ? "" : " lost"}" x="18" y="${y + 16}">${escapeHtml(tm.id)}${
          tm.lostAtMs === undefined ? "" : ` ✕ ${tm.lostAtMs} ms`
        }</text>`,
      );
      tm.slots.forEach((slot, i) => {
        const x = LABEL_W + i * CELL_W;
        inner.push(
          `<rect class="slot" x="${x}" y="${y}" width="${CELL_W - 6}" height="${h}" rx="4"><title>${escapeHtml(tm.id)} slot ${slot.slotIndex}</title></rect>`,
        );
        slot.tasks.forEach((a, k) => {
          const cy = y + ROW_PAD + k * (CHIP_H + 2);
          const vi = vertexIndex.get(a.vertex) ?? 0;
          const co = coLocated.get(a.vertex);
          const label = `${a.vertex}#${a.subtask}`;
          inner.push(
            `<g class="chip" data-vertex="${escapeHtml(a.vertex)}" data-subtask="${a.subtask}" data-locality="${a.locality}"${
              co === undefined ? "" : ` data-colocation="${escapeHtml(co)}"`
            }><rect x="${x + 4}" y="${cy}" width="${CELL_W - 14}" height="${CHIP_H}" rx="3" fill="${vertexColour(vi)}"${
              co === undefined ? "" : ` class="colocated"`
            }/><text x="${x + 8}" y="${cy + 12}">${escapeHtml(truncate(label, 11))}</text><text class="loc" x="${x + CELL_W - 20}" y="${cy + 12}">${
              LOCALITY_MARK[a.locality] ?? "?"
            }</text><title>${escapeHtml(label)} · ${a.locality} · ${escapeHtml(a.allocationId)} · at ${a.atMs} ms${
              co === undefined ? "" : ` · co-located (${escapeHtml(co)})`
            }</title></g>`,
          );
        });
      });
      y += h + 6;
    }
    parts.push(
      `<g class="host"><rect class="host-box" x="4" y="${hostTop}" width="${width - 8}" height="${y - hostTop + 4}" rx="6"/><text class="host-label" x="12" y="${
        hostTop + 16
      }">host ${escapeHtml(host)}</text>${inner.join("")}</g>`,
    );
    y += 12;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" id="placement" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" role="img" aria-label="placement map">${parts.join("")}</svg>`;

  const legend = result.vertices
    .map(
      (v, i) =>
        `<span class="legend-item"><span class="swatch" style="background:${vertexColour(i)}"></span>${escapeHtml(v.id)} ×${v.parallelism}${
          v.slotSharingGroup === undefined ? "" : ` · group ${escapeHtml(v.slotSharingGroup)}`
        }${v.coLocationGroup === undefined ? "" : ` · co-located ${escapeHtml(v.coLocationGroup)}`}</span>`,
    )
    .join("");
  const hist = localityHistogram(report.assignments)
    .map(([l, n]) => `<tr><td>${l}</td><td class="num">${n}</td></tr>`)
    .join("");
  const failures =
    report.failures.length === 0
      ? "<p>None.</p>"
      : `<table><tr><th>task</th><th>code</th><th>at</th><th>message</th></tr>${report.failures
          .slice(0, 500)
          .map(
            (f) =>
              `<tr><td>${escapeHtml(`${f.vertex}#${f.subtask}`)}</td><td>${escapeHtml(f.code)}</td><td class="num">${f.atMs} ms</td><td>${escapeHtml(f.message)}</td></tr>`,
          )
          .join("")}</table>`;
  const s = report.summary;
  const timelineRows = timeline(result, 40)
    .map(([at, text]) => `<li><span class="num">${at} ms</span> ${escapeHtml(text)}</li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>slotpool — ${escapeHtml(report.scenario)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 8px}
.summary{display:flex;gap:24px;flex-wrap:wrap}.summary div{background:#fff;border:1px solid #dde;border-radius:6px;padding:8px 14px}
.summary b{display:block;font-size:20px}
.map{overflow:auto;border:1px solid #dde;background:#fff;border-radius:6px;max-height:80vh}
.host-box{fill:#f3f5f9;stroke:#c8cfdc}.host-label{font-weight:600;font-size:12px;fill:#334}
.tm-label{font-size:12px;fill:#223}.tm-label.lost{fill:#b00}
.slot{fill:#fff;stroke:#b8c0cf}.chip text{font-size:10px;fill:#111}.chip .loc{font-weight:700}
.colocated{stroke:#222;stroke-width:1.5;stroke-dasharray:3 2}
.legend-item{display:inline-flex;align-items:center;gap:6px;margin-right:16px}.swatch{width:14px;height:14px;border-radius:3px;display:inline-block}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #dde;padding:3px 8px;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}
ul.timeline{list-style:none;padding:0}ul.timeline .num{display:inline-block;width:90px;color:#556}
</style></head><body>
<h1>${escapeHtml(report.scenario)}</h1>
<p>seed ${result.seed} · ${result.taskManagers.length} TaskManagers on ${hosts.size} hosts · run ended at ${result.endedAtMs} ms (virtual time)</p>
<div class="summary"><div><b id="s-placed">${s.placed}</b>of ${s.tasks} tasks placed</div><div><b id="s-failed">${s.failed}</b>failed</div><div><b>${s.slotsUsed}</b>slots used</div><div><b>${s.taskManagersUsed}</b>TaskManagers used</div></div>
<h2>Placement</h2>
<p class="legend">${legend}</p>
<p>Locality marks: L = TaskManager-local, H = host-local, N = non-local, · = unconstrained, ? = unknown (queued). Dashed outline = co-located.</p>
<div class="map">${svg}</div>
<h2>Locality</h2><table>${hist}</table>
<h2>Failures</h2>${failures}
<h2>Timeline</h2><ul class="timeline">${timelineRows}</ul>
</body></html>
`;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
