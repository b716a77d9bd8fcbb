import { InvalidArgumentError } from "./errors.js";
import { type ResourceId, resourceId } from "./ids.js";

/**
 * Where a TaskManager runs: its {@link ResourceId} and its host. Host locality compares `host`;
 * TaskManager locality compares `resourceId`.
 *
 * @example
 * ```ts
 * const loc = taskManagerLocation("tm-1", "host-a");
 * ```
 */
export interface TaskManagerLocation {
  readonly resourceId: ResourceId;
  readonly host: string;
}

/**
 * Makes a {@link TaskManagerLocation}. The host defaults to the id (one TaskManager per host).
 *
 * @throws TypeError when the id or host is empty.
 * @example
 * ```ts
 * const a = taskManagerLocation("tm-1", "host-a");
 * const b = taskManagerLocation("tm-2"); // host "tm-2"
 * ```
 */
export function taskManagerLocation(id: string, host: string = id): TaskManagerLocation {
  if (typeof host !== "string" || host.length === 0) {
    throw new TypeError(`host must be a non-empty string, got ${JSON.stringify(host)}`);
  }
  return Object.freeze({ resourceId: resourceId(id), host });
}

/**
 * Two locations are equal when both the TaskManager and the host are equal.
 *
 * @example
 * ```ts
 * sameLocation(taskManagerLocation("tm-1", "h"), taskManagerLocation("tm-1", "h")); // true
 * ```
 */
export function sameLocation(a: TaskManagerLocation, b: TaskManagerLocation): boolean {
  return a.resourceId === b.resourceId && a.host === b.host;
}

/** No preferences (shared, so a request without any allocates no array). */
const NO_PREFERENCES: readonly TaskManagerLocation[] = Object.freeze([]);

/**
 * Validates a list of preferred locations (most preferred first) given to an allocation API.
 * `undefined` gives a shared empty list.
 *
 * @param path - the field path reported in errors (default `preferredLocations`).
 * @throws InvalidArgumentError naming the bad entry, e.g. `preferredLocations[1]`.
 * @example
 * ```ts
 * const prefs = checkPreferredLocations(request.preferredLocations);
 * ```
 */
export function checkPreferredLocations(
  prefs: readonly TaskManagerLocation[] | undefined,
  path = "preferredLocations",
): readonly TaskManagerLocation[] {
  if (prefs === undefined) return NO_PREFERENCES;
  if (!Array.isArray(prefs)) throw new InvalidArgumentError(path, "an array of locations", prefs);
  for (let i = 0; i < prefs.length; i++) {
    const p = prefs[i];
    if (p === null || typeof p !== "object" || typeof p.resourceId !== "string" || typeof p.host !== "string") {
      throw new InvalidArgumentError(`${path}[${i}]`, "a TaskManagerLocation { resourceId, host }", p);
    }
  }
  return prefs;
}
