import { defineConfig } from "vitest/config";
import { LongestFirst } from "./testkit/longest-first.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI processes tests spawn run dist/, built here when a source is newer.
    globalSetup: ["testkit/build-dist.ts"],
    setupFiles: ["testkit/fresh-metrics.ts"],
    pool: "forks",
    // Most files wait on processes, Redis or PostgreSQL, so three files at a time on two cores. On the slower of the
    // 2-core machines two take 16.4 minutes, over the 15 allowed, three 14.4–14.8. The timing test that once failed
    // under three's load (a joined plan's end) allows half a second now. Four were no faster on another slow machine
    // (14.0 minutes against 13.9–15.5 with three): both cores were busy, 1% idle.
    // Files share their fork's modules (isolate: false): a fork per file cost 0.2 s to start and about 1 s to load
    // the modules again, 3 of the 15 minutes on the slower machine (15.1 against 12.1–12.5, also in a shuffled order).
    // Each file still makes its own Redis prefix, database, ports and processes; testkit/fresh-metrics.ts zeroes the
    // one shared registry. minForks equals maxForks: with fewer, Vitest 3.2 ends a spare fork at the end with
    // "Terminating worker thread". Four shared forks took 11.6 minutes there, within the noise, every file slower.
    poolOptions: { forks: { maxForks: 3, minForks: 3, isolate: false } },
    sequence: { sequencer: LongestFirst },
  },
});
