import { type PendingProblem, problem } from "./pending-problem.js";
import { SCENARIO_LIMITS } from "./scenario-limits.js";
import { formatPath, type PathSegment } from "./scenario-path.js";

/**
 * Called for every value met while scanning: its path, where it starts and where its key starts.
 *
 * @internal
 */
export type JsonValueVisitor = (
  path: readonly PathSegment[],
  valueOffset: number,
  keyOffset: number | undefined,
) => void;

interface Frame {
  readonly kind: "object" | "array";
  readonly keys: Set<string> | undefined;
  index: number;
  keyOffset: number | undefined;
}

/**
 * Scans JSON text strictly (RFC 8259) without building values: reports the first syntax error
 * with its offset, nesting beyond {@link SCENARIO_LIMITS}`.depth` (before anything deep is built),
 * and every duplicate key. Optionally visits every value with its path (used to locate problems).
 * Iterative, so hostile nesting cannot overflow the stack. Internal to the scenario loader.
 *
 * @internal
 */
export function scanJson(text: string, visit?: JsonValueVisitor): PendingProblem[] {
  const problems: PendingProblem[] = [];
  const stack: Frame[] = [];
  const path: PathSegment[] = [];
  let pos = skipWs(text, 0);
  let expectingValue = true;
  let pendingKeyOffset: number | undefined;

  const syntax = (at: number, expected: string): PendingProblem[] => {
    const found = at >= text.length ? "the end of the input" : `'${text[at]}'`;
    const where = path.length === 0 ? "" : ` (in ${formatPath(path)})`;
    problems.push({
      ...problem([], "SYNTAX", `JSON syntax error: expected ${expected}, found ${found}${where}`),
      offset: at,
    });
    return problems;
  };

  for (;;) {
    if (expectingValue) {
      const valueStart = pos;
      visit?.(path, valueStart, pendingKeyOffset);
      const ch = text.charCodeAt(pos);
      if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
        if (stack.length >= SCENARIO_LIMITS.depth) {
          problems.push({
            ...problem(
              path.slice(),
              "TOO_DEEP",
              `nested more than ${SCENARIO_LIMITS.depth} levels deep; a scenario needs far fewer (limit ${SCENARIO_LIMITS.depth})`,
            ),
            offset: pos,
          });
          return problems;
        }
        const isObject = ch === 0x7b;
        stack.push({
          kind: isObject ? "object" : "array",
          keys: isObject ? new Set() : undefined,
          index: 0,
          keyOffset: pendingKeyOffset,
        });
        pos = skipWs(text, pos + 1);
        if (text.charCodeAt(pos) === (isObject ? 0x7d : 0x5d)) {
          stack.pop();
          pos++;
          expectingValue = false;
        } else if (isObject) {
          const next = readKey(text, pos, stack[stack.length - 1] as Frame, path, problems);
          if (next < 0) return syntax(-next - 1, "a property name in double quotes");
          pendingKeyOffset = pos;
          pos = next;
        } else {
          path.push(0);
          pendingKeyOffset = undefined;
        }
        continue;
      }
      if (ch === 0x22 /* " */) {
        const end = scanString(text, pos);
        if (end < 0) return syntax(-end - 1, 'a valid string (closed by ", control characters escaped)');
        pos = end;
      } else if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
        const end = scanNumber(text, pos);
        if (end < 0) return syntax(pos + 1, "a number (digits, optionally with a fraction and exponent)");
        pos = end;
      } else if (text.startsWith("true", pos)) pos += 4;
      else if (text.startsWith("false", pos)) pos += 5;
      else if (text.startsWith("null", pos)) pos += 4;
      else return syntax(pos, "a value (object, array, string, number, true, false or null)");
      expectingValue = false;
      continue;
    }
    // A value just ended.
    pos = skipWs(text, pos);
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (pos < text.length) return syntax(pos, "the end of the input after the top-level value");
      return problems;
    }
    const ch = text.charCodeAt(pos);
    if (top.kind === "array") {
      if (ch === 0x2c /* , */) {
        top.index++;
        path[path.length - 1] = top.index;
        pos = skipWs(text, pos + 1);
        pendingKeyOffset = undefined;
        expectingValue = true;
      } else if (ch === 0x5d /* ] */) {
        stack.pop();
        path.pop();
        pos++;
      } else return syntax(pos, "',' or ']' after an array element");
    } else if (ch === 0x2c) {
      path.pop();
      pos = skipWs(text, pos + 1);
      const next = readKey(text, pos, top, path, problems);
      if (next < 0) return syntax(-next - 1, "a property name in double quotes");
      pendingKeyOffset = pos;
      pos = next;
      expectingValue = true;
    } else if (ch === 0x7d /* } */) {
      stack.pop();
      path.pop();
      pos++;
    } else return syntax(pos, "',' or '}' after a property value");
  }
}

/**
 * Reads `"key" :` at `pos`, records duplicates, pushes the key on `path`, and returns the offset
 * of the value; on a syntax error returns `-(offset + 1)`.
 */
function readKey(text: string, pos: number, frame: Frame, path: PathSegment[], problems: PendingProblem[]): number {
  if (text.charCodeAt(pos) !== 0x22) return -(pos + 1);
  const end = scanString(text, pos);
  if (end < 0) return end;
  const key = JSON.parse(text.slice(pos, end)) as string;
  if (frame.keys?.has(key)) {
    problems.push({
      ...problem(
        [...path, key],
        "DUPLICATE_KEY",
        `the key ${JSON.stringify(key)} appears more than once in this object; keep one`,
        true,
      ),
      offset: pos,
    });
  }
  frame.keys?.add(key);
  const colon = skipWs(text, end);
  if (text.charCodeAt(colon) !== 0x3a /* : */) return -(colon + 1);
  frame.index++;
  path.push(key);
  return skipWs(text, colon + 1);
}

function skipWs(text: string, pos: number): number {
  let c = text.charCodeAt(pos);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++pos);
  return pos;
}

/** The end of the number starting at `pos`, or −1 when it is malformed. */
function scanNumber(text: string, pos: number): number {
  let i = pos;
  if (text.charCodeAt(i) === 0x2d) i++;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) i = digits(text, i);
  else return -1;
  if (text.charCodeAt(i) === 0x2e) {
    const end = digits(text, i + 1);
    if (end === i + 1) return -1;
    i = end;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    const end = digits(text, i);
    if (end === i) return -1;
    i = end;
  }
  return i;
}

function digits(text: string, pos: number): number {
  let c = text.charCodeAt(pos);
  while (c >= 0x30 && c <= 0x39) c = text.charCodeAt(++pos);
  return pos;
}

/**
 * The end of the JSON string starting at `start` (just after its closing quote), or
 * `-(offset + 1)` of what is wrong: a raw control character, a bad escape, or no closing quote.
 */
function scanString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -(i + 1);
    if (c === 0x5c) {
      const e = text.charCodeAt(i + 1);
      if (e === 0x75 /* u */) {
        for (let k = 2; k < 6; k++) {
          const h = text.charCodeAt(i + k);
          const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
          if (!hex) return -(i + 1);
        }
        i += 5;
      } else if (
        e === 0x22 ||
        e === 0x5c ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      ) {
        i++;
      } else return -(i + 1);
    }
  }
  return -(text.length + 1);
}
