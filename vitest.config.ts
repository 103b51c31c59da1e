import { defineConfig } from "vitest/config";
import { LongestFirst } from "./testkit/longest-first.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI processes tests spawn run dist/, built here when a source is newer.
    globalSetup: ["testkit/build-dist.ts"],
    pool: "forks",
    // Most files wait on processes, Redis or PostgreSQL, so three files at a time on two cores. On the slower of the
    // 2-core machines two take 16.4 minutes, over the 15 allowed, three 14.4–14.8. The timing test that once failed
    // under three's load (a joined plan's end) allows half a second now. Four were no faster on another slow machine
    // (14.0 minutes against 13.9–15.5 with three): both cores were busy, 1% idle.
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
    sequence: { sequencer: LongestFirst },
  },
});
