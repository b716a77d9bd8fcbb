import { ResourceProfile } from "@slotpool/core";
import type { SimulationResult } from "@slotpool/testkit";
import { groupPlacement, localityHistogram, type PlacedTask, type TaskManagerRow, timeline } from "./placement.js";

const CHIP_H = 18;
const CHIP_GAP = 3;
const CELL_PAD = 5;
const CELL_GAP = 8;
const ROW_GAP = 8;
const HOST_HEADER = 26;
const HOST_PAD = 8;
/** Width of one character of the 11px chip font, generously (labels must never overflow a chip). */
const CHAR_W = 6.8;
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
 * escapeHtml("<b>"); // "&#60;b&#62;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A stable, well-spread colour per vertex (light enough for dark text). */
function vertexColour(index: number): string {
  const hue = Math.round((index * 137.508) % 360);
  return `hsl(${hue} 62% 74%)`;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(1, n - 1))}…`;
}

function profileText(tm: TaskManagerRow): string {
  const slots = `${tm.slots.length} slot${tm.slots.length === 1 ? "" : "s"}`;
  return tm.slotProfile === undefined ? slots : `${slots} · ${ResourceProfile.of(tm.slotProfile).toString()}`;
}

function chipTitle(a: PlacedTask, coLocation: string | undefined): string {
  const parts = [
    `${a.vertex}#${a.subtask}`,
    `locality ${a.locality}`,
    `allocation ${a.allocationId}`,
    `placed at ${a.atMs} ms`,
  ];
  if (a.end !== undefined) {
    parts.push(
      a.end.kind === "finished"
        ? `finished at ${a.end.atMs} ms`
        : `${a.end.kind} at ${a.end.atMs} ms${a.end.code === undefined ? "" : ` (${a.end.code})`}`,
    );
  }
  if (coLocation !== undefined) parts.push(`co-located (group ${coLocation})`);
  return parts.join(" · ");
}

/**
 * The self-contained HTML report of `slotpool simulate --html`: an SVG placement map (TaskManagers
 * grouped by host, slots as cells, tasks as chips coloured by vertex, co-located chips marked with a
 * ring and a dashed outline, locality as a letter, placements lost with their slot struck out), a
 * legend, the locality histogram, the failures, the timeline and the summary. No network access,
 * no scripts, no external references. Every chip is a `<g class="chip">` with `data-vertex`,
 * `data-subtask`, `data-taskmanager`, `data-slot`, `data-allocation`, `data-locality` (and
 * `data-colocation` / class `colocated`, class `lost`), one per assignment of the JSON report.
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
  const hosts = new Map<string, TaskManagerRow[]>();
  for (const tm of rows) {
    const list = hosts.get(tm.host);
    if (list === undefined) hosts.set(tm.host, [tm]);
    else list.push(tm);
  }

  // Size the cells to the longest label, so chips never truncate ordinary names.
  let longestLabel = 8;
  for (const tm of rows) {
    for (const slot of tm.slots) {
      for (const a of slot.tasks) {
        const n = `${a.vertex}#${a.subtask}`.length + (a.end?.kind === "lost" ? 2 : 0);
        if (n > longestLabel) longestLabel = n;
      }
    }
  }
  // Chip: padding, co-location ring, label, locality badge.
  const chrome = CELL_PAD * 2 + 16 + 28;
  const cellW = Math.round(clamp(longestLabel * CHAR_W + chrome, 112, 280));
  const labelChars = Math.floor((cellW - chrome) / CHAR_W);
  const longestTm = Math.max(
    60,
    ...rows.map((r) => Math.max(r.id.length * 7.4, profileText(r).length * 6, (r.host.length + 5) * 8 - 12)),
  );
  const labelW = Math.round(clamp(longestTm + 36, 150, 300));
  const maxSlots = Math.max(1, ...rows.map((r) => r.slots.length));
  const width = labelW + maxSlots * (cellW + CELL_GAP) + HOST_PAD * 2;

  const parts: string[] = [];
  let y = 8;
  for (const [host, tms] of hosts) {
    const hostTop = y;
    y += HOST_HEADER;
    const inner: string[] = [];
    const hostSlots = Math.max(1, ...tms.map((tm) => tm.slots.length));
    for (let i = 0; i < hostSlots; i++) {
      inner.push(
        `<text class="slot-head" x="${labelW + i * (cellW + CELL_GAP) + cellW / 2}" y="${hostTop + 17}">slot ${i}</text>`,
      );
    }
    for (const tm of tms) {
      const chipsPerSlot = Math.max(1, ...tm.slots.map((s) => s.tasks.length));
      const h = chipsPerSlot * (CHIP_H + CHIP_GAP) - CHIP_GAP + CELL_PAD * 2;
      const lost = tm.lostAtMs !== undefined;
      inner.push(
        `<g class="tm${lost ? " lost" : ""}" data-taskmanager="${escapeHtml(tm.id)}">`,
        `<text class="tm-label" x="${HOST_PAD + 12}" y="${y + 15}">${escapeHtml(tm.id)}</text>`,
        `<text class="tm-sub" x="${HOST_PAD + 12}" y="${y + 29}">${escapeHtml(lost ? `lost at ${tm.lostAtMs} ms` : profileText(tm))}</text>`,
      );
      tm.slots.forEach((slot, i) => {
        const x = labelW + i * (cellW + CELL_GAP);
        inner.push(
          `<rect class="slot" x="${x}" y="${y}" width="${cellW}" height="${h}" rx="5"><title>${escapeHtml(tm.id)} slot ${slot.slotIndex}</title></rect>`,
        );
        if (slot.tasks.length === 0) {
          inner.push(`<text class="free" x="${x + cellW / 2}" y="${y + CELL_PAD + 13}">free</text>`);
        }
        slot.tasks.forEach((a, k) => {
          const cy = y + CELL_PAD + k * (CHIP_H + CHIP_GAP);
          const vi = vertexIndex.get(a.vertex) ?? 0;
          const co = coLocated.get(a.vertex);
          const wasLost = a.end?.kind === "lost";
          const classes = `chip${co === undefined ? "" : " colocated"}${wasLost ? " lost" : ""}`;
          const cx = x + CELL_PAD;
          const cw = cellW - CELL_PAD * 2;
          const textX = co === undefined ? cx + 6 : cx + 15;
          const label = `${a.vertex}#${a.subtask}`;
          inner.push(
            `<g class="${classes}" data-vertex="${escapeHtml(a.vertex)}" data-subtask="${a.subtask}" data-taskmanager="${escapeHtml(
              a.taskManager,
            )}" data-slot="${a.slotIndex}" data-allocation="${escapeHtml(a.allocationId)}" data-locality="${a.locality}"${
              co === undefined ? "" : ` data-colocation="${escapeHtml(co)}"`
            }><title>${escapeHtml(chipTitle(a, co))}</title>`,
            `<rect class="chip-box" x="${cx}" y="${cy}" width="${cw}" height="${CHIP_H}" rx="4" fill="${vertexColour(vi)}"/>`,
            co === undefined ? "" : `<circle class="ring" cx="${cx + 8}" cy="${cy + CHIP_H / 2}" r="3.5"/>`,
            `<text class="chip-label" x="${textX}" y="${cy + 13}">${escapeHtml(
              wasLost ? `${truncate(label, labelChars - 2)} ✕` : truncate(label, labelChars),
            )}</text>`,
            `<rect class="loc-box" x="${cx + cw - 17}" y="${cy + 3}" width="13" height="${CHIP_H - 6}" rx="2"/>`,
            `<text class="loc" x="${cx + cw - 10.5}" y="${cy + 13}">${LOCALITY_MARK[a.locality] ?? "?"}</text></g>`,
          );
        });
      });
      inner.push("</g>");
      y += h + ROW_GAP;
    }
    y += HOST_PAD - ROW_GAP + 4;
    parts.push(
      `<g class="host" data-host="${escapeHtml(host)}"><rect class="host-box" x="${HOST_PAD / 2}" y="${hostTop}" width="${width - HOST_PAD}" height="${
        y - hostTop
      }" rx="8"/><text class="host-label" x="${HOST_PAD + 4}" y="${hostTop + 17}">host ${escapeHtml(host)}</text>${inner.join("")}</g>`,
    );
    y += 10;
  }
  const svg = `<svg id="placement" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" role="img" aria-label="placement map: TaskManagers grouped by host, one cell per slot, one chip per placed task">${parts.join("")}</svg>`;

  const legend = result.vertices
    .map(
      (v, i) =>
        `<span class="legend-item"><span class="swatch" style="background:${vertexColour(i)}"></span><b>${escapeHtml(v.id)}</b>&nbsp;×${v.parallelism}${
          v.slotSharingGroup === undefined ? "" : ` · sharing group ${escapeHtml(v.slotSharingGroup)}`
        }${v.coLocationGroup === undefined ? "" : ` · co-location group ${escapeHtml(v.coLocationGroup)}`}</span>`,
    )
    .join("");
  const hist = localityHistogram(report.assignments);
  const maxCount = Math.max(1, ...hist.map(([, n]) => n));
  const histRows = hist
    .map(
      ([l, n]) =>
        `<tr><td><span class="mark">${LOCALITY_MARK[l] ?? "?"}</span> ${l}</td><td class="num">${n}</td><td class="barcell">${
          n === 0 ? "" : `<span class="bar" style="width:${Math.max(1, Math.round((n / maxCount) * 100))}%"></span>`
        }</td></tr>`,
    )
    .join("");
  const failures =
    report.failures.length === 0
      ? '<p class="muted">None.</p>'
      : `<table class="failures"><tr><th>task</th><th>code</th><th>at</th><th>message</th></tr>${report.failures
          .slice(0, 500)
          .map(
            (f) =>
              `<tr><td>${escapeHtml(`${f.vertex}#${f.subtask}`)}</td><td><code>${escapeHtml(f.code)}</code></td><td class="num">${f.atMs}&nbsp;ms</td><td>${escapeHtml(f.message)}</td></tr>`,
          )
          .join("")}</table>${
          report.failures.length > 500 ? `<p class="muted">… ${report.failures.length - 500} more (see --json)</p>` : ""
        }`;
  const s = report.summary;
  const timelineRows = timeline(result, 60)
    .map(([at, text]) => `<li><span class="num">${at} ms</span><span>${escapeHtml(text)}</span></li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>slotpool — ${escapeHtml(report.scenario)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{font-size:22px;margin:0 0 2px}h2{font-size:16px;margin:28px 0 8px}
.muted{color:#5a6272}
.summary{display:flex;gap:14px;flex-wrap:wrap;margin-top:12px}
.summary div{background:#fff;border:1px solid #d9dde5;border-radius:8px;padding:8px 16px;min-width:110px}
.summary b{display:block;font-size:22px}.summary .bad b{color:#b3261e}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:6px 0}
.legend-item{display:inline-flex;align-items:center;gap:6px}
.swatch{width:14px;height:14px;border-radius:3px;display:inline-block;border:1px solid rgba(0,0,0,.25)}
.keys{color:#3d4554;margin:6px 0 10px}.keys span{margin-right:14px;white-space:nowrap}
.map{overflow:auto;border:1px solid #d9dde5;background:#fff;border-radius:8px;max-height:80vh;padding:4px;width:fit-content;max-width:calc(100% - 10px)}
svg text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
.host-box{fill:#eef1f6;stroke:#b9c2d3}
.host-label{font-weight:700;font-size:13px;fill:#22293a}
.slot-head{font-size:10px;fill:#6b7384;text-anchor:middle}
.tm-label{font-size:12px;font-weight:600;fill:#1d2330}.tm-sub{font-size:10px;fill:#5a6272}
.tm.lost .tm-label{fill:#b3261e;text-decoration:line-through}.tm.lost .tm-sub{fill:#b3261e}
.tm.lost .slot{fill:#fdf0ef;stroke:#e3a9a4}
.slot{fill:#fff;stroke:#aeb7c8}.free{font-size:10px;fill:#9aa2b1;text-anchor:middle}
.chip-box{stroke:rgba(0,0,0,.28);stroke-width:1}
.chip.colocated .chip-box{stroke:#1d2330;stroke-width:1.6;stroke-dasharray:4 2}
.ring{fill:#fff;stroke:#1d2330;stroke-width:1.6}
.chip-label{font-size:11px;fill:#111}
.chip.lost{opacity:.5}.chip.lost .chip-label{text-decoration:line-through}
.loc-box{fill:rgba(255,255,255,.75)}.loc{font-size:10px;font-weight:700;fill:#1d2330;text-anchor:middle}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #d9dde5;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#eef1f6}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.barcell{width:220px}.bar{display:block;height:10px;background:#7c93c9;border-radius:2px}
.mark{display:inline-block;width:16px;text-align:center;font-weight:700;background:#eef1f6;border-radius:3px}
ul.timeline{list-style:none;padding:0;margin:0}ul.timeline li{display:flex;gap:12px;padding:2px 0}
ul.timeline .num{width:96px;color:#5a6272}
footer{margin-top:32px;font-size:12px;color:#7a8291}
</style></head><body>
<h1>${escapeHtml(report.scenario)}</h1>
<p class="muted">seed ${result.seed} · ${result.taskManagers.length} TaskManager${result.taskManagers.length === 1 ? "" : "s"} on ${hosts.size} host${
    hosts.size === 1 ? "" : "s"
  } · ${result.vertices.length} vertices · run went quiet at ${result.endedAtMs} ms (virtual time)</p>
<div class="summary"><div><b id="s-placed">${s.placed}</b>of ${s.tasks} tasks placed</div><div${s.failed > 0 ? ' class="bad"' : ""}><b id="s-failed">${s.failed}</b>failed</div><div><b id="s-slots">${s.slotsUsed}</b>slots used</div><div><b id="s-tms">${s.taskManagersUsed}</b>TaskManagers used</div><div><b id="s-placements">${report.assignments.length}</b>placements</div></div>
<h2>Placement</h2>
<div class="legend">${legend}</div>
<div class="keys"><span><b>L</b> TaskManager-local</span><span><b>H</b> host-local</span><span><b>N</b> non-local</span><span><b>·</b> unconstrained</span><span><b>?</b> unknown (queued)</span><span>◯ + dashed outline: co-located</span><span>faded, struck out, ✕: lost its slot (placed again)</span></div>
<div class="map">${svg}</div>
<h2>Locality</h2><table class="locality">${histRows}</table>
<h2>Failures (${report.failures.length})</h2>${failures}
<h2>Timeline</h2><ul class="timeline">${timelineRows}</ul>
<footer>Generated by <code>slotpool simulate</code> — a self-contained file: no scripts, no network.</footer>
</body></html>
`;
}
