import { suggestion } from "./did-you-mean.js";
import { addProblems, type PendingProblem, PROBLEM_BUDGET, problem } from "./pending-problem.js";
import { describeValue, isMapping } from "./scenario-path.js";
import { EVENT_ACTIONS, EVENT_SCHEMAS, type EventAction, eventTimeSchema } from "./scenario-schema.js";
import type { WrittenAddedTaskManager, WrittenSlotRef } from "./written-scenario.js";
import { validateWithZod } from "./zod-problems.js";

/**
 * A well-formed event: its file position, time, action and the action's value.
 *
 * @internal
 */
export type CheckedEvent =
  | {
      readonly index: number;
      readonly atMs: number;
      readonly action: "addTaskManager";
      readonly value: WrittenAddedTaskManager;
    }
  | { readonly index: number; readonly atMs: number; readonly action: "failAllocation"; readonly value: WrittenSlotRef }
  | {
      readonly index: number;
      readonly atMs: number;
      readonly action: "loseTaskManager" | "freezeTaskManager" | "unfreezeTaskManager";
      readonly value: string;
    }
  | {
      readonly index: number;
      readonly atMs: number;
      readonly action: "disconnectResourceManager" | "connectResourceManager" | "suspendJobMaster" | "resumeJobMaster";
      readonly value: true;
    };

const ACTION_SET: ReadonlySet<string> = new Set(EVENT_ACTIONS);
const EVENT_KEYS: readonly string[] = ["atMs", ...EVENT_ACTIONS];
const EXPECTED_EVENT = `an event (a mapping with atMs and exactly one action: ${EVENT_ACTIONS.join(", ")})`;

/**
 * Checks every entry of `events`: a mapping with `atMs` and exactly one known action whose value
 * is well formed. Problems go to `problems`; the well-formed events are returned in file order.
 * Internal to the scenario loader.
 *
 * @internal
 */
export function validateEvents(events: unknown, problems: PendingProblem[]): CheckedEvent[] {
  if (!Array.isArray(events)) return [];
  const checked: CheckedEvent[] = [];
  for (let index = 0; index < events.length && problems.length < PROBLEM_BUDGET; index++) {
    const raw: unknown = events[index];
    const path = ["events", index];
    if (!isMapping(raw)) {
      problems.push(problem(path, "TYPE", `expected ${EXPECTED_EVENT}, got ${describeValue(raw)}`));
      continue;
    }
    const keys = Object.keys(raw);
    const actions = keys.filter((k) => ACTION_SET.has(k)) as EventAction[];
    if (actions.length !== 1) {
      addProblems(problems, validateWithZod(eventTimeSchema, raw, path).problems);
      if (actions.length > 1) {
        problems.push(
          problem(
            path,
            "CONFLICT",
            `an event carries exactly one action, this one has ${actions.length}: ${actions.join(", ")}; split it into one event per action`,
          ),
        );
        continue;
      }
      const unknown = keys.filter((k) => k !== "atMs");
      for (const key of unknown) {
        problems.push(
          problem(
            [...path, key],
            "UNKNOWN_FIELD",
            `unknown field ${JSON.stringify(key)}${suggestion(key, EVENT_KEYS)}; expected atMs and one of: ${EVENT_ACTIONS.join(", ")}`,
            true,
          ),
        );
      }
      if (unknown.length === 0) {
        problems.push(
          problem(path, "REQUIRED", `missing the event's action: expected one of ${EVENT_ACTIONS.join(", ")}`),
        );
      }
      continue;
    }
    const action = actions[0] as EventAction;
    const result = validateWithZod(EVENT_SCHEMAS[action], raw, path);
    addProblems(problems, result.problems);
    if (result.data === undefined) continue;
    const data = result.data as Record<string, unknown> & { atMs: number };
    checked.push({ index, atMs: data.atMs, action, value: data[action] } as CheckedEvent);
  }
  return checked;
}
