import { describe, expect, it } from "vitest";
import { isLockTimeout, lockRetryDelayMs } from "../../../src/domain/locks/retry.js";
import type { CommandOutcome } from "../../../src/domain/run/run.js";

function command(exitCode: number, stderrTail: string, stdoutTail = ""): CommandOutcome {
  return { argv: ["python"], exitCode, signal: null, timedOut: false, stdoutTail, stderrTail, durationMs: 1 };
}

const policy = { maxTries: 10, retryDelayMs: 1000, maxRetryDelayMs: 8000 };

describe("isLockTimeout", () => {
  it("recognises PostgreSQL's lock timeout message and the guard's SQLSTATE line, on either stream", () => {
    const django = "django.db.utils.OperationalError: canceling statement due to lock timeout";
    expect(isLockTimeout(command(1, django))).toBe(true);
    expect(
      isLockTimeout(command(75, "", "phasegate: lock timeout (SQLSTATE 55P03): could not obtain lock")),
    ).toBe(true);
  });

  it("does not retry other failures, a statement timeout included", () => {
    expect(isLockTimeout(command(1, "canceling statement due to statement timeout"))).toBe(false);
    expect(isLockTimeout(command(1, 'column "is_enabled" does not exist'))).toBe(false);
    expect(isLockTimeout(command(0, "canceling statement due to lock timeout"))).toBe(false);
  });
});

describe("lockRetryDelayMs", () => {
  it("doubles per failed try, half of it random, up to the largest delay", () => {
    expect([1, 2, 3, 4, 5].map((tries) => lockRetryDelayMs(tries, policy, 0))).toEqual([
      500, 1000, 2000, 4000, 4000,
    ]);
    expect([1, 2, 3, 4, 5].map((tries) => lockRetryDelayMs(tries, policy, 0.999999))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ]);
  });

  it("spreads tries of colliding runs over the upper half of the interval", () => {
    const delays = [0.1, 0.5, 0.9].map((r) => lockRetryDelayMs(3, policy, r));
    expect(delays).toEqual([2200, 3000, 3800]);
  });
});
