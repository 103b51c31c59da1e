import { describe, expect, it } from "vitest";
import { parseBatchResult } from "../../../src/app/steps/backfill-batch.js";
import { progressDue } from "../../../src/app/steps/backfill-progress.js";

describe("parseBatchResult", () => {
  it("reads the last line of output as the batch's report", () => {
    expect(parseBatchResult('Backfilling...\n{"changed": 1000, "remaining": 49000}\n')).toEqual({
      changed: 1000,
      remaining: 49000,
    });
  });

  it.each([
    ["", "it printed nothing"],
    ["done: 1000 rows\n", "its last line is not JSON: done: 1000 rows"],
    ['{"changed": 1000}', "remaining"],
    ['{"changed": -1, "remaining": 3}', "changed"],
    ['{"changed": 1, "remaining": 3, "extra": true}', "extra"],
  ])("says what is wrong with %j", (stdout, problem) => {
    const result = parseBatchResult(stdout);
    expect(result).toEqual(expect.stringContaining('{"changed": N, "remaining": M}'));
    expect(result).toEqual(expect.stringContaining(problem));
  });
});

describe("progressDue", () => {
  const start = 1_000_000;
  const interval = 30_000;

  it("tells the first batch, then the first batch of each new interval window", () => {
    const ends = [2_000, 9_000, 29_000, 31_000, 45_000, 59_000, 61_000].map((t) => start + t);
    const told = ends.map((end, i) =>
      progressDue(start, i === 0 ? start : (ends[i - 1] ?? start), end, interval),
    );
    expect(told).toEqual([true, false, false, true, false, false, true]);
  });

  it("tells a slow batch that crosses a window", () => {
    expect(progressDue(start, start + 10_000, start + 95_000, interval)).toBe(true);
  });
});
