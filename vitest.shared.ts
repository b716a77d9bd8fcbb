import { defineProject } from "vitest/config";

/** Resolve workspace packages to their TypeScript sources, so tests never need a build. */
export const sourceConditions: string[] = ["@slotpool/source", "module", "node", "development|production"];

export const sharedProject: ReturnType<typeof defineProject> = defineProject({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: { include: ["test/**/*.test.ts"], testTimeout: 20_000 },
});
