import { z } from "zod";
import { suggestion } from "./did-you-mean.js";
import { addProblems, type PendingProblem, PROBLEM_BUDGET, problem } from "./pending-problem.js";
import { describeValue, formatLimit, formatPath, type PathSegment, valueAt } from "./scenario-path.js";

/**
 * Validates `value` against `schema` and turns every zod issue into a {@link PendingProblem} with
 * a stable code, the full path (prefixed by `base`) and a message saying what was expected and
 * what was found. At most one problem per path (the first). Internal to the scenario loader.
 *
 * @returns the parsed data when there was no issue, and the problems.
 *
 * @internal
 */
export function validateWithZod<T>(
  schema: z.ZodType<T>,
  value: unknown,
  base: readonly PathSegment[],
): { readonly data: T | undefined; readonly problems: PendingProblem[] } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data, problems: [] };
  const problems: PendingProblem[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    for (const p of toProblems(schema, value, base, issue)) {
      const key = formatPath(p.segments);
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(p);
    }
  }
  return { data: undefined, problems };
}

type Issue = z.core.$ZodIssue;

function toProblems(root: z.ZodType, value: unknown, base: readonly PathSegment[], issue: Issue): PendingProblem[] {
  const relative = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
  const segments = [...base, ...relative];
  const actual = valueAt(value, relative);
  const leaf = schemaAt(root, relative);
  const expected = leaf?.description ?? "a valid value";
  const got = describeValue(actual);
  switch (issue.code) {
    case "invalid_type": {
      if (actual === undefined) return [problem(segments, "REQUIRED", `missing: expected ${expected}`, true)];
      if (typeof actual === "number" && !Number.isFinite(actual)) {
        return [problem(segments, "NOT_FINITE", `expected ${expected}, got ${got}, which is not a finite number`)];
      }
      if (typeof actual === "number" && issue.expected === "int") {
        return [problem(segments, "NOT_INTEGER", `expected ${expected}, got ${got}, which is not an integer`)];
      }
      return [problem(segments, "TYPE", `expected ${expected}, got ${got}`)];
    }
    case "too_small":
      if (typeof actual === "number" && actual < 0) {
        return [problem(segments, "NEGATIVE", `expected ${expected}, got ${got}, which is negative`)];
      }
      return [
        problem(segments, "TOO_SMALL", `expected ${expected}, got ${Array.isArray(actual) ? "an empty list" : got}`),
      ];
    case "too_big":
      return [
        problem(
          segments,
          "LIMIT",
          `${got} is over the documented limit${typeof issue.maximum === "number" ? ` of ${formatLimit(issue.maximum)}` : ""}: expected ${expected}`,
        ),
      ];
    case "unrecognized_keys": {
      const known = shapeKeys(leaf?.schema);
      return issue.keys.map((key) =>
        problem(
          [...segments, key],
          "UNKNOWN_FIELD",
          `unknown field ${JSON.stringify(key)}${suggestion(key, known)}; expected one of: ${known.join(", ")}`,
          true,
        ),
      );
    }
    case "invalid_value": {
      const options = issue.values.filter((v): v is string => typeof v === "string");
      const hint = typeof actual === "string" ? suggestion(actual, options) : "";
      return [problem(segments, "INVALID_VALUE", `expected ${expected}, got ${got}${hint}`)];
    }
    case "custom": {
      const params = (issue.params ?? {}) as { code?: PendingProblem["code"]; reason?: string; message?: string };
      if (params.message !== undefined)
        return [problem(segments, params.code ?? "INVALID_VALUE", params.message, true)];
      const reason = params.reason === undefined ? "" : `: ${params.reason}`;
      return [problem(segments, params.code ?? "INVALID_VALUE", `expected ${expected}, got ${got}${reason}`)];
    }
    default:
      return [problem(segments, "TYPE", `expected ${expected}, got ${got}`)];
  }
}

/** The schema at `path` inside `root` (optional/nullable unwrapped) and the nearest description on the way. */
function schemaAt(
  root: z.ZodType,
  path: readonly PathSegment[],
): { schema: z.ZodType; description: string | undefined } | undefined {
  let current = unwrap(root);
  for (const segment of path) {
    const schema = current.schema;
    let next: z.ZodType | undefined;
    if (schema instanceof z.ZodObject) {
      const shape = schema.shape as Record<string, z.ZodType>;
      next = typeof segment === "string" && Object.hasOwn(shape, segment) ? shape[segment] : undefined;
    } else if (schema instanceof z.ZodArray) {
      next = schema.element as z.ZodType;
    } else if (schema instanceof z.ZodRecord) {
      next = schema.valueType as z.ZodType;
    }
    if (next === undefined) return undefined;
    current = unwrap(next);
  }
  return current;
}

function unwrap(schema: z.ZodType): { schema: z.ZodType; description: string | undefined } {
  let current = schema;
  let description = current.description;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
    description ??= current.description;
  }
  return { schema: current, description };
}

function shapeKeys(schema: z.ZodType | undefined): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape as object) : [];
}

/**
 * Validates each entry of a list (whose length was already checked) against `schema`, appending
 * problems, and stops early once {@link PROBLEM_BUDGET} problems are pending.
 *
 * @returns the parsed entries (complete only when no problem was found).
 *
 * @internal
 */
export function validateList<T>(
  list: unknown,
  schema: z.ZodType<T>,
  base: readonly PathSegment[],
  maxLength: number,
  problems: PendingProblem[],
): T[] {
  const out: T[] = [];
  if (!Array.isArray(list) || list.length > maxLength) return out;
  for (let i = 0; i < list.length && problems.length < PROBLEM_BUDGET; i++) {
    const result = validateWithZod(schema, list[i], [...base, i]);
    addProblems(problems, result.problems);
    if (result.data !== undefined) out.push(result.data);
  }
  return out;
}
