import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type GcFunction = () => void;

let cached: GcFunction | null | undefined;

/**
 * The V8 garbage collector, or `null` when it cannot be reached. Uses `global.gc` (from
 * `--expose-gc`, as `pnpm bench` runs) and otherwise exposes it at run time, so the smoke test
 * (run by vitest without the flag) still works.
 *
 * @example
 * ```ts
 * const gc = garbageCollector();
 * gc?.();
 * ```
 */
export function garbageCollector(): GcFunction | null {
  if (cached !== undefined) return cached;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") {
    cached = exposed as GcFunction;
    return cached;
  }
  try {
    setFlagsFromString("--expose-gc");
    const fromContext: unknown = runInNewContext("gc");
    cached = typeof fromContext === "function" ? (fromContext as GcFunction) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * Collects garbage `times` times (full collections), so the heap holds only live objects.
 *
 * @returns false when no collector is available.
 * @example
 * ```ts
 * collectGarbage(); const before = process.memoryUsage().heapUsed;
 * ```
 */
export function collectGarbage(times = 1): boolean {
  const gc = garbageCollector();
  if (gc === null) return false;
  for (let i = 0; i < times; i++) gc();
  return true;
}

/**
 * Collects garbage until `heapUsed` stops shrinking (at most `maxPasses` full collections; V8
 * frees some things, such as unused bytecode, only after several), then returns `heapUsed`.
 *
 * @returns the settled `process.memoryUsage().heapUsed`.
 * @example
 * ```ts
 * const before = settledHeapUsed();
 * const pool = build();
 * const bytes = settledHeapUsed() - before;
 * ```
 */
export function settledHeapUsed(maxPasses = 16): number {
  let last = process.memoryUsage().heapUsed;
  for (let i = 0; i < maxPasses; i++) {
    if (!collectGarbage()) return last;
    const now = process.memoryUsage().heapUsed;
    if (i >= 2 && last - now < 64 * 1024) return now;
    last = now;
  }
  return last;
}
