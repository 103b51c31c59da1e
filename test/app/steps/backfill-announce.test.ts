import os from "node:os";
import { describe, expect, it } from "vitest";
import { runBackfillBatch } from "../../../src/app/steps/backfill.js";
import { backfillSchema } from "../../../src/config/backfill-schema.js";
import type { BackfillStep } from "../../../src/domain/plan/plan.js";
import type { Run } from "../../../src/domain/run/run.js";
import { LocalProcessExecutor } from "../../../src/executors/local-process.js";
import { backfillRun } from "../../../testkit/backfill-release.js";

/** One batch that takes `seconds`, then reports 10 rows changed and 5 remaining. */
const batchTaking = (seconds: number) => [`sleep ${seconds}; echo '{"changed": 10, "remaining": 5}'`];

/** A run in its backfill step: the step started `startedMsAgo` ago, its last batch was recorded `lastMsAgo` ago. */
function runInBackfill(
  command: string[],
  startedMsAgo: number,
  lastMsAgo: number,
): { run: Run; step: BackfillStep } {
  const run = backfillRun("shop-1", command);
  const step = run.plan.steps.find((s): s is BackfillStep => s.kind === "backfill");
  if (!step) throw new Error("no backfill step");
  const now = Date.now();
  const steps = run.steps.map((state, i) =>
    i === step.index
      ? {
          ...state,
          status: "running" as const,
          startedAt: new Date(now - startedMsAgo).toISOString(),
          polls: 1,
        }
      : state,
  );
  return {
    run: {
      ...run,
      status: "running",
      currentStep: step.index,
      steps,
      updatedAt: new Date(now - lastMsAgo).toISOString(),
    },
    step,
  };
}

describe("a backfill batch's progress in the thread", () => {
  it("is told when the progress interval ends while the batch runs, judged by when the batch ended", async () => {
    const command = batchTaking(1.2);
    // The step's first second ends 0.85 s into this batch, which runs 1.2 s.
    const { run, step } = runInBackfill(command, 150, 100);
    const outcome = await runBackfillBatch(
      run,
      step,
      {
        executor: new LocalProcessExecutor(),
        migrate: {
          python: ["sh", "-c"],
          projectDir: os.tmpdir(),
          managePy: "manage.py",
          env: {},
          timeoutMs: 10_000,
        },
        backfill: backfillSchema.parse({ command, progressIntervalSeconds: 1 }),
        executorPollMs: 1000,
        now: () => new Date(),
      },
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({
      kind: "again",
      message: "batch 2: 10 rows changed, 5 remaining",
      announce: true,
    });
  });
});
