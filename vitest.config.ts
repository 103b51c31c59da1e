import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI processes tests spawn run dist/, built here when a source is newer.
    globalSetup: ["testkit/build-dist.ts"],
    pool: "forks",
    // Vitest's default is one fork per core but one; most files wait on processes, Redis or PostgreSQL, so two
    // files at a time on two cores. Three were 2 minutes faster (14.4 instead of 16.4), but their load made a timing
    // test fail in one of four full runs: not worth a red CI.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
