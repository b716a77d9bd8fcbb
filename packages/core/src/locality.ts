/**
 * How well a placement met the request's location preferences.
 *
 * - `UNCONSTRAINED`: the request had no preference.
 * - `LOCAL`: on a preferred TaskManager (also: joined an existing co-location slot).
 * - `HOST_LOCAL`: not on a preferred TaskManager, but on a preferred host.
 * - `NON_LOCAL`: preferences existed and none was met.
 * - `UNKNOWN`: not known when the request was answered (a queued request whose slot came later).
 *
 * @example
 * ```ts
 * if (lease.locality === Locality.LOCAL) console.log("data-local");
 * ```
 */
export const Locality = {
  UNCONSTRAINED: "UNCONSTRAINED",
  LOCAL: "LOCAL",
  HOST_LOCAL: "HOST_LOCAL",
  NON_LOCAL: "NON_LOCAL",
  UNKNOWN: "UNKNOWN",
} as const;

/**
 * One of the {@link Locality} values.
 *
 * @example
 * ```ts
 * const l: Locality = "HOST_LOCAL";
 * ```
 */
export type Locality = (typeof Locality)[keyof typeof Locality];

/**
 * All localities, in Flink's enum order.
 *
 * @example
 * ```ts
 * const histogram = Object.fromEntries(LOCALITIES.map((l) => [l, 0]));
 * ```
 */
export const LOCALITIES: readonly Locality[] = ["UNCONSTRAINED", "LOCAL", "HOST_LOCAL", "NON_LOCAL", "UNKNOWN"];
