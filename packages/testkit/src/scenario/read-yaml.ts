import {
  Composer,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Parser,
  type YAMLError,
  type Node as YamlNode,
} from "yaml";
import { type PendingProblem, problem } from "./pending-problem.js";
import { prescanYaml } from "./prescan-yaml.js";
import { SCENARIO_LIMITS } from "./scenario-limits.js";
import type { PathSegment } from "./scenario-path.js";
import type { SourceDocument } from "./source-document.js";

type Collection = NonNullable<Document.Parsed["contents"]>;

/**
 * Parses YAML text into a plain value, defensively: a pre-scan bounds hostile structure, every
 * syntax error and duplicate key is reported with its offset, a stream must hold one document,
 * keys must be strings, nesting (through aliases too) is bounded before conversion, and alias
 * expansion is capped against "billion laughs". Internal to the scenario loader.
 *
 * @internal
 */
export function readYaml(text: string): SourceDocument {
  const stop = prescanYaml(text);
  if (stop !== undefined) return { ok: false, problems: [stop] };
  const tokens = Array.from(new Parser().parse(text));
  const composer = new Composer({
    logLevel: "silent",
    prettyErrors: false,
    resolveKnownTags: false,
    stringKeys: true,
    uniqueKeys: true,
  });
  const docs = Array.from(composer.compose(tokens, true, text.length));
  const doc = docs[0];
  if (doc === undefined || (doc.contents === null && doc.errors.length === 0)) {
    return fail([problem([], "EMPTY_INPUT", "the input holds no YAML content (only comments or a document marker)")]);
  }
  const problems: PendingProblem[] = doc.errors.map((e) => fromYamlError(e, text));
  for (const warning of doc.warnings) {
    if (warning.code !== "TAG_RESOLVE_FAILED") continue;
    const tag = /![^\s,\]}]*/.exec(text.slice(warning.pos[0], warning.pos[0] + 80))?.[0] ?? "";
    problems.push({
      ...problem(
        [],
        "TYPE",
        `unsupported YAML tag ${tag}: scenario files hold plain values (strings, numbers, booleans, lists, mappings)`,
      ),
      offset: warning.pos[0],
    });
  }
  if (docs.length > 1) {
    const second = docs[1] as Document.Parsed;
    problems.push({
      ...problem(
        [],
        "MULTIPLE_DOCUMENTS",
        `the YAML stream holds ${docs.length} documents (separated by ---); a scenario file holds exactly one`,
      ),
      offset: second.range[0],
    });
  }
  if (problems.length > 0) return fail(problems);
  const contents = doc.contents as Collection | null;
  const emptyScalar =
    contents !== null && isScalar(contents) && contents.value === null && contents.range[0] === contents.range[1];
  if (contents === null || emptyScalar) {
    return fail([problem([], "EMPTY_INPUT", "the input holds no YAML content (only comments or a document marker)")]);
  }
  const resolved = resolveAliases(contents);
  if ("problem" in resolved) return fail([resolved.problem]);
  const tooDeep = checkDepth(contents, resolved.targets);
  if (tooDeep !== undefined) return fail([tooDeep]);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: SCENARIO_LIMITS.yamlAliases });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias/i.test(message) && /excessive|resource/i.test(message)) {
      return fail([
        problem(
          [],
          "LIMIT",
          `YAML aliases expand too much (limit ${SCENARIO_LIMITS.yamlAliases} expansions per anchor): this looks like an alias bomb; write the values out or use fewer aliases`,
        ),
      ]);
    }
    return fail([problem([], "SYNTAX", `YAML error: ${message}`)]);
  }
  return {
    ok: true,
    value,
    locate: (requests) => requests.map((r) => locateInYaml(resolved.targets, contents, r.segments, r.atKey)),
  };
}

function fail(problems: readonly PendingProblem[]): SourceDocument {
  return { ok: false, problems };
}

function fromYamlError(error: YAMLError, text: string): PendingProblem {
  const offset = error.pos[0];
  if (error.code === "DUPLICATE_KEY") {
    const rest = text.slice(offset, offset + 80);
    const key = (/^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:\n]*)/.exec(rest)?.[1] ?? rest)
      .trim()
      .replace(/^["']|["']$/g, "");
    return {
      ...problem(
        [],
        "DUPLICATE_KEY",
        `the key ${JSON.stringify(key)} appears more than once in this mapping; keep one`,
      ),
      offset,
    };
  }
  if (error.code === "NON_STRING_KEY") {
    return { ...problem([], "TYPE", "mapping keys must be plain strings, not lists or mappings"), offset };
  }
  return { ...problem([], "SYNTAX", `YAML syntax error: ${error.message}`), offset };
}

/** Every alias of a document mapped to the node it stands for. */
type AliasTargets = Map<YamlNode, YamlNode>;

/**
 * Resolves every alias once, in document order (an alias names the latest anchor before it),
 * bounding how many anchors and aliases a document may use. The `yaml` library's own resolution
 * scans the document per alias, which hostile inputs with many aliases turn quadratic.
 */
function resolveAliases(root: YamlNode): { targets: AliasTargets } | { problem: PendingProblem } {
  const anchors = new Map<string, YamlNode>();
  const targets: AliasTargets = new Map();
  let count = 0;
  const stack: YamlNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as YamlNode;
    const anchor = (node as { anchor?: string }).anchor;
    if (isAlias(node) || anchor !== undefined) {
      if (++count > SCENARIO_LIMITS.yamlAliases) {
        return {
          problem: {
            ...problem(
              [],
              "LIMIT",
              `the YAML uses more than ${SCENARIO_LIMITS.yamlAliases} anchors and aliases; a scenario needs only a few`,
            ),
            offset: node.range?.[0] ?? 0,
          },
        };
      }
    }
    if (anchor !== undefined) anchors.set(anchor, node);
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) {
        return {
          problem: {
            ...problem([], "SYNTAX", `the alias *${node.source} refers to no anchor defined before it`),
            offset: node.range?.[0] ?? 0,
          },
        };
      }
      targets.set(node, target);
      continue;
    }
    // Push children in reverse so they pop in document order (keys before values).
    const children: YamlNode[] = [];
    if (isMap(node)) {
      for (const pair of node.items) {
        if (pair.key !== null && typeof pair.key === "object") children.push(pair.key as YamlNode);
        if (pair.value !== null && typeof pair.value === "object") children.push(pair.value as YamlNode);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) if (item !== null && typeof item === "object") children.push(item as YamlNode);
    }
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k] as YamlNode);
  }
  return { targets };
}

/**
 * Checks, without expanding aliases, that nesting (following aliases) stays within the depth
 * limit and that no alias refers to a collection containing it. Iterative, memoised per node.
 */
function checkDepth(root: YamlNode, targets: AliasTargets): PendingProblem | undefined {
  const height = new Map<YamlNode, number>();
  const inProgress = new Set<YamlNode>();
  const stack: { node: YamlNode; expanded: boolean }[] = [{ node: root, expanded: false }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as { node: YamlNode; expanded: boolean };
    const node = frame.node;
    if (height.has(node)) {
      stack.pop();
      continue;
    }
    const children = childrenOf(node, targets);
    if (!frame.expanded) {
      frame.expanded = true;
      inProgress.add(node);
      for (const child of children) {
        if (inProgress.has(child)) {
          return {
            ...problem(
              [],
              "TOO_DEEP",
              "a YAML alias refers to a collection that contains it: the document would be infinitely deep",
            ),
            offset: node.range?.[0] ?? 0,
          };
        }
        if (!height.has(child)) stack.push({ node: child, expanded: false });
      }
      continue;
    }
    stack.pop();
    inProgress.delete(node);
    let h = 0;
    for (const child of children) h = Math.max(h, height.get(child) ?? 0);
    height.set(node, h + (isMap(node) || isSeq(node) ? 1 : 0));
  }
  const total = height.get(root) ?? 0;
  if (total <= SCENARIO_LIMITS.depth) return undefined;
  // Follow the deepest chain to name where the limit is crossed.
  const path: PathSegment[] = [];
  let node: YamlNode | undefined = root;
  let offset = root.range?.[0] ?? 0;
  while (node !== undefined && path.length < SCENARIO_LIMITS.depth) {
    if (isAlias(node)) {
      node = targets.get(node);
      continue;
    }
    let next: YamlNode | undefined;
    let segment: PathSegment | undefined;
    let best = -1;
    if (isMap(node)) {
      for (const pair of node.items) {
        const v = pair.value as YamlNode | null;
        if (v !== null && (height.get(v) ?? 0) > best && isScalar(pair.key)) {
          best = height.get(v) ?? 0;
          next = v;
          segment = String(pair.key.value);
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const v = item as YamlNode;
        if ((height.get(v) ?? 0) > best) {
          best = height.get(v) ?? 0;
          next = v;
          segment = index;
        }
      });
    }
    if (next === undefined || segment === undefined) break;
    path.push(segment);
    offset = next.range?.[0] ?? offset;
    node = next;
  }
  return {
    ...problem(
      path,
      "TOO_DEEP",
      `nested ${total} levels deep; at most ${SCENARIO_LIMITS.depth} levels are allowed (a scenario needs 6)`,
    ),
    offset,
  };
}

function childrenOf(node: YamlNode, targets: AliasTargets): YamlNode[] {
  if (isAlias(node)) {
    const target = targets.get(node);
    return target === undefined ? [] : [target];
  }
  const out: YamlNode[] = [];
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isPair(pair) && pair.value !== null && typeof pair.value === "object") out.push(pair.value as YamlNode);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) if (item !== null && typeof item === "object") out.push(item as YamlNode);
  }
  return out;
}

function locateInYaml(
  targets: AliasTargets,
  root: YamlNode,
  segments: readonly PathSegment[],
  atKey: boolean,
): number | undefined {
  let node: YamlNode | undefined = root;
  let offset = root.range?.[0];
  for (let i = 0; i < segments.length; i++) {
    while (node !== undefined && isAlias(node)) node = targets.get(node);
    if (node === undefined) return offset;
    const segment = segments[i] as PathSegment;
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) return offset;
      const key = pair.key as YamlNode;
      const value = pair.value as YamlNode | null;
      if (last && atKey) return key.range?.[0] ?? offset;
      offset = value?.range?.[0] ?? key.range?.[0] ?? offset;
      node = value ?? undefined;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as YamlNode | undefined;
      if (item === undefined || item === null) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else return offset;
  }
  return offset;
}
