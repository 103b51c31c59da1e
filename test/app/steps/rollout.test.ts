import { describe, expect, it } from "vitest";
import { pollRolloutStep } from "../../../src/app/steps/rollout.js";
import { commandRolloutSchema } from "../../../src/config/services-schema.js";
import { LocalProcessExecutor } from "../../../src/executors/local-process.js";
import { CommandRolloutWatcher } from "../../../src/hooks/command-watcher.js";
import { shopRun } from "../../../testkit/plans.js";

/** A rollout command that always answers "not yet". */
const notYet = new CommandRolloutWatcher(
  commandRolloutSchema.parse({ kind: "command", command: ["sh", "-c", "echo '1 of 3 updated'; exit 75"] }),
  process.cwd(),
  new LocalProcessExecutor(),
);
const polling = { intervalMs: 5_000, maxIntervalMs: 60_000, deadlineMs: 1_800_000 };
const startedAt = "2026-01-01T00:00:00.000Z";

/** The shop run waiting at its rollout step since `startedAt` (last progress `message`), polled `elapsedMs` later. */
function pollAfter(elapsedMs: number, message: string | null = null) {
  const base = shopRun();
  const run = {
    ...base,
    currentStep: 2,
    steps: base.steps.map((s) =>
      s.index === 2 ? { ...s, status: "waiting" as const, startedAt, message } : s,
    ),
  };
  const now = new Date(Date.parse(startedAt) + elapsedMs);
  return pollRolloutStep(run, notYet, polling, now, new AbortController().signal);
}

describe("polling a rollout", () => {
  it("waits the first interval, then as long as it has waited (doubling), up to the largest interval", async () => {
    expect(await pollAfter(0)).toEqual({ kind: "later", delayMs: 5_000, progress: "1 of 3 updated" });
    expect(await pollAfter(5_000)).toMatchObject({ delayMs: 5_000 });
    expect(await pollAfter(10_000)).toMatchObject({ delayMs: 10_000 });
    expect(await pollAfter(20_000)).toMatchObject({ delayMs: 20_000 });
    expect(await pollAfter(600_000)).toMatchObject({ delayMs: 60_000 });
  });

  it("polls last at the deadline, and past it fails the step saying what it saw last", async () => {
    expect(await pollAfter(1_790_000)).toMatchObject({ kind: "later", delayMs: 10_000 });
    const late = await pollAfter(1_800_000, "2 of 3 updated");
    expect(late).toEqual({
      kind: "timed-out",
      message:
        "the rollout of v42 did not finish within 1800 s (last: 2 of 3 updated); nothing destructive ran",
    });
  });
});
