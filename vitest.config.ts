import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "benchmarks"],
    reporters: ["default", "./vitest.counts-reporter.ts"],
  },
});
