/**
 * How `@slotpool/core` is loaded in this process: `dist` (compiled JavaScript, what users run),
 * `source` (TypeScript sources through a transpiler) or `unknown`.
 *
 * @example
 * ```ts
 * if (libraryBuild() === "source") console.warn("timings include transpiler artefacts");
 * ```
 */
export function libraryBuild(): "dist" | "source" | "unknown" {
  try {
    const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
    if (typeof resolve !== "function") return "unknown";
    const url = resolve("@slotpool/core");
    if (url.endsWith(".ts")) return "source";
    if (url.endsWith(".js")) return "dist";
    return "unknown";
  } catch {
    return "unknown";
  }
}
