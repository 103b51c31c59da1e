import os from "node:os";
import { describe, expect, it } from "vitest";
import { runBackfillBatch } from "../../../src/app/steps/backfill.js";
import { backfillSchema } from "../../../src/config/backfill-schema.js";
import type { BackfillStep } from "../../../src/domain/plan/plan.js";
import { planRelease } from "../../../src/domain/plan/planner.js";
import { createRun } from "../../../src/domain/run/create.js";
import type { Run } from "../../../src/domain/run/run.js";
import { LocalProcessExecutor } from "../../../src/executors/local-process.js";
import { introspection, migration, op, removeField } from "../../../testkit/migrations.js";

/** One batch that takes `seconds`, then reports 10 rows changed and 5 remaining. */
const batchTaking = (seconds: number) => [`sleep ${seconds}; echo '{"changed": 10, "remaining": 5}'`];

/** A run in its backfill step: the step started `startedMsAgo` ago, its last batch was recorded `lastMsAgo` ago. */
function runInBackfill(
  command: string[],
  startedMsAgo: number,
  lastMsAgo: number,
): { run: Run; step: BackfillStep } {
  const release = introspection([
    migration("catalog.0002_add", [op("CreateModel", { model: "review", table: "catalog_review" })]),
    migration("catalog.0003_drop", [removeField("is_enabled", { null: true })]),
  ]);
  const planned = planRelease(release, { backfill: { command } });
  if (!planned.ok) throw new Error("plan refused");
  const run = createRun({
    id: "shop-1",
    service: "shop",
    version: "v2",
    requester: "U_ALICE",
    plan: planned.plan,
    fourEyes: true,
    gateTokens: {},
    now: new Date().toISOString(),
  });
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
