import type { BackfillConfig } from "../../config/backfill-schema.js";
import { releaseProjectDir } from "../../config/release-dir.js";
import type { BackfillStep } from "../../domain/plan/plan.js";
import { commandOutcome, describeFailure } from "../../domain/run/command-outcome.js";
import type { Run } from "../../domain/run/run.js";
import type { Executor } from "../../ports/executor.js";
import type { MigrateSettings } from "../../ports/service-adapters.js";
import { parseBatchResult } from "./backfill-batch.js";
import { progressDue } from "./backfill-progress.js";
import type { StepOutcome } from "./outcome.js";

export interface BackfillDeps {
  executor: Executor;
  /** Where the project lives and which Python runs it, shared with `manage.py migrate`. */
  migrate: MigrateSettings;
  backfill: BackfillConfig | null;
  executorPollMs: number;
  /** Read once the batch has ended: whether its progress is told depends on the time it ended. */
  now: () => Date;
}

/**
 * One batch of the backfill: runs the command once and reads its `{"changed", "remaining"}`. More remaining → the
 * step runs again (a new job execution, no worker slot held in between); nothing remaining → done. The batch number
 * is the step's `polls` + 1, so a worker that died between batches goes on with the next one, and a batch whose
 * result was not recorded keeps its execution key (a remote executor reports it instead of starting another).
 */
export async function runBackfillBatch(
  run: Run,
  step: BackfillStep,
  deps: BackfillDeps,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const config = deps.backfill;
  if (!config) {
    return {
      kind: "failed",
      message: `the plan has a backfill step but ${run.service} declares no backfill: add backfill.command to its entry in the services file, then retry the run`,
    };
  }
  const state = run.steps[step.index];
  const batch = (state?.polls ?? 0) + 1;
  const argv = [...deps.migrate.python, ...step.command];
  const execution = await deps.executor.execute(
    {
      key: `${run.id}-s${step.index}-a${state?.attempts ?? 0}-b${batch}`,
      runId: run.id,
      argv,
      cwd: releaseProjectDir(deps.migrate.projectDir, run.version),
      env: deps.migrate.env,
      timeoutMs: config.timeoutSeconds * 1000,
      version: run.version,
    },
    signal,
  );
  if (execution.state === "running")
    return { kind: "later", delayMs: deps.executorPollMs, progress: execution.message };
  const command = commandOutcome(argv, execution.result);
  const failed = (why: string): StepOutcome => ({
    kind: "failed",
    message: `backfill batch ${batch} ${why}`,
    commands: [command],
  });
  if (command.exitCode !== 0 || command.timedOut) return failed(describeFailure(command));
  const result = parseBatchResult(execution.result.stdout);
  if (typeof result === "string") return failed(`failed: ${result}`);
  const rows = `${result.changed} row${result.changed === 1 ? "" : "s"} changed`;
  if (result.remaining === 0) {
    return {
      kind: "succeeded",
      message: `backfill done in ${batch} batch${batch === 1 ? "" : "es"}, nothing remains (last batch: ${rows})`,
      commands: [command],
    };
  }
  if (result.changed === 0) {
    return failed(
      `changed no rows but reports ${result.remaining} remaining: it would never finish. Make each call process the rows still to do (e.g. WHERE new_column IS NULL), then retry the run`,
    );
  }
  const startedAt = Date.parse(state?.startedAt ?? run.updatedAt);
  return {
    kind: "again",
    delayMs: config.pauseMs,
    message: `batch ${batch}: ${rows}, ${result.remaining} remaining`,
    announce: progressDue(
      startedAt,
      Date.parse(run.updatedAt),
      deps.now().getTime(),
      config.progressIntervalSeconds * 1000,
    ),
  };
}
