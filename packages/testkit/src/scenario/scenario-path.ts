/**
 * One step of a field path: a mapping key or a list index.
 *
 * @internal
 */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/**
 * Renders path segments the way problems show them: `job.vertices[2].parallelism`; keys that are
 * not identifiers are quoted (`extended["gpu.a100"]`). The empty path renders as `""`.
 *
 * @internal
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment.length > 40 ? `${segment.slice(0, 37)}...` : segment)}]`;
  }
  return out;
}

/**
 * Describes a found value for messages: `-3`, `NaN`, `"abc"`, `null`, `a list of 3 items`, `a mapping`.
 *
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (value === Number.POSITIVE_INFINITY) return "Infinity";
    if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
    return Object.is(value, -0) ? "0" : String(value);
  }
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length === 1 ? "a list of 1 item" : `a list of ${value.length} items`;
  if (value instanceof Uint8Array) return "binary data";
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

/**
 * The value at `segments` inside `root`, or undefined.
 *
 * @internal
 */
export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    if (Array.isArray(current)) {
      if (typeof segment !== "number") return undefined;
      current = current[segment];
    } else {
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/**
 * True for a plain mapping (not a list, not null, not binary data).
 *
 * @internal
 */
export function isMapping(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Formats large round limits readably: 1000000000000 → `10^12`, 32768 → `32768`.
 *
 * @internal
 */
export function formatLimit(n: number): string {
  if (n >= 1e6) {
    const exponent = Math.log10(n);
    if (Number.isInteger(exponent)) return `10^${exponent}`;
  }
  return String(n);
}
