import type { PendingProblem } from "./pending-problem.js";
import { scanJson } from "./scan-json.js";
import type { LocateRequest, SourceDocument } from "./source-document.js";

/**
 * Parses JSON text strictly: a scan first (syntax with offsets, depth, duplicate keys), then
 * `JSON.parse`. Problems are located by a second scan only when asked. Internal to the scenario loader.
 *
 * @internal
 */
export function readJson(text: string): SourceDocument {
  const problems: PendingProblem[] = scanJson(text);
  if (problems.length > 0) return { ok: false, problems };
  const value: unknown = JSON.parse(text);
  return { ok: true, value, locate: (requests) => locateInJson(text, requests) };
}

interface Trie {
  readonly children: Map<string, Trie>;
  found?: { value: number; key: number | undefined };
}

function locateInJson(text: string, requests: readonly LocateRequest[]): (number | undefined)[] {
  // A trie of the requested paths: each visited value walks it without allocating.
  const root: Trie = { children: new Map() };
  for (const r of requests) {
    let node = root;
    for (const segment of r.segments) {
      const key = String(segment);
      let child = node.children.get(key);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    }
  }
  scanJson(text, (path, valueOffset, keyOffset) => {
    let node: Trie | undefined = root;
    for (let i = 0; i < path.length && node !== undefined; i++) node = node.children.get(String(path[i]));
    if (node !== undefined && node.found === undefined) node.found = { value: valueOffset, key: keyOffset };
  });
  return requests.map((r) => {
    // The deepest located ancestor-or-self of the requested path.
    let node: Trie | undefined = root;
    let best = root.found;
    let exact = r.segments.length === 0;
    for (let i = 0; i < r.segments.length && node !== undefined; i++) {
      node = node.children.get(String(r.segments[i]));
      if (node?.found !== undefined) {
        best = node.found;
        exact = i === r.segments.length - 1;
      }
    }
    if (best === undefined) return undefined;
    return r.atKey && exact ? (best.key ?? best.value) : best.value;
  });
}
