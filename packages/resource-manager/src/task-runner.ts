import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Observable, type SchedulerLike } from "rxjs";
import type { JsonValue, TaskSpec } from "./protocol.js";

/**
 * Runs a {@link TaskSpec}: a `sleep` task waits `durationMs` on `scheduler` (virtual time in the
 * embedded adapter) and emits its `result`; a `module` task imports the module (an absolute path, a
 * path relative to the working directory, or a `file:` URL), calls the export with `args`, and emits
 * the awaited return value. Cold; unsubscribing cancels a sleep (a running function cannot be
 * stopped, its result is ignored).
 *
 * @example
 * ```ts
 * runTask({ kind: "sleep", durationMs: 100, result: "done" }, asyncScheduler).subscribe(console.log);
 * ```
 */
export function runTask(task: TaskSpec, scheduler: SchedulerLike): Observable<JsonValue> {
  return new Observable<JsonValue>((subscriber) => {
    if (task.kind === "sleep") {
      const action = scheduler.schedule(() => {
        subscriber.next(task.result ?? null);
        subscriber.complete();
      }, task.durationMs);
      return () => action.unsubscribe();
    }
    let active = true;
    const url = task.module.startsWith("file:")
      ? task.module
      : pathToFileURL(isAbsolute(task.module) ? task.module : resolve(task.module)).href;
    const name = task.export ?? "default";
    import(url)
      .then(async (mod: Record<string, unknown>) => {
        const fn = mod[name];
        if (typeof fn !== "function") throw new TypeError(`${task.module} has no function export "${name}"`);
        return (await fn(...(task.args ?? []))) as JsonValue | undefined;
      })
      .then(
        (value) => {
          if (!active) return;
          subscriber.next(value === undefined ? null : value);
          subscriber.complete();
        },
        (error: unknown) => {
          if (active) subscriber.error(error);
        },
      );
    return () => {
      active = false;
    };
  });
}
