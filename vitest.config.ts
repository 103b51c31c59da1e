import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI processes tests spawn run dist/, built here when a source is newer.
    globalSetup: ["testkit/build-dist.ts"],
    pool: "forks",
    // Vitest's default is one fork per core but one; most files wait on processes, Redis or PostgreSQL: with two
    // files at a time the suite kept 1.3 of two cores busy, three keep both.
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
  },
});
