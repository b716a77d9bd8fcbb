import { InvalidArgumentError } from "@slotpool/core";

/** A duration or amount ≥ 0 (`Infinity` allowed), or `fallback` when undefined. */
export function nonNegative(value: number | undefined, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new InvalidArgumentError(path, "a number ≥ 0", value);
  }
  return value;
}

/** An integer ≥ 1, or `fallback` when undefined. */
export function positiveInteger(value: number | undefined, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(path, "an integer ≥ 1", value);
  return value;
}

/** The default error sink: rethrows asynchronously, so a bug surfaces without breaking the scheduler. */
export function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
