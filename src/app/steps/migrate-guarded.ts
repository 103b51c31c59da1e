import type { LockGuardConfig } from "../../config/lock-guard-schema.js";
import { isLockTimeout, lockRetryDelayMs } from "../../domain/locks/retry.js";
import type { MigrateStep } from "../../domain/plan/plan.js";
import type { Run } from "../../domain/run/run.js";
import type { Executor } from "../../ports/executor.js";
import type { MigrateSettings, ServiceAdapters } from "../../ports/service-adapters.js";
import { runMigrateStep } from "./migrate.js";
import type { StepOutcome } from "./outcome.js";

export interface GuardedMigrate {
  executor: Executor;
  migrate: MigrateSettings;
  lockGuard: LockGuardConfig;
  lockGuardWrapper: ServiceAdapters["lockGuardWrapper"];
  executorPollMs: number;
  /** In [0, 1), for the jitter of the retry delay. */
  random: () => number;
}

function guarded(settings: MigrateSettings, wrapper: GuardedMigrate["lockGuardWrapper"]): MigrateSettings {
  return {
    ...settings,
    python: [...settings.python, ...wrapper.argv],
    env: { ...settings.env, ...wrapper.env },
  };
}

/**
 * One try of a migrate step under the lock guard. A try that hit the lock timeout changed nothing (its migration's
 * transaction was rolled back), so it comes back as `again` after a backoff, until `maxTries`; the step's `polls`
 * counts the tries already made. Any other failure ends the step as it is.
 */
export async function runGuardedMigrateStep(
  run: Run,
  step: MigrateStep,
  deps: GuardedMigrate,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const { lockGuard: guard } = deps;
  // Always wrapped: a disabled guard has no timeouts, but two migrates of one database never overlap.
  const settings = guarded(deps.migrate, deps.lockGuardWrapper);
  const outcome = await runMigrateStep(run, step, deps.executor, settings, deps.executorPollMs, signal);
  const last = outcome.kind === "failed" ? outcome.commands?.at(-1) : undefined;
  if (!guard.enabled || outcome.kind !== "failed" || !last || !isLockTimeout(last)) return outcome;
  const tries = (run.steps[step.index]?.polls ?? 0) + 1;
  const waited = `a statement waited ${guard.lockTimeoutMs} ms for a lock another session holds`;
  if (tries >= guard.maxTries) {
    return {
      ...outcome,
      message: `${outcome.message} — gave up after ${tries} tr${tries === 1 ? "y" : "ies"}: each time ${waited}. Find the session holding it (pg_stat_activity, pg_locks), then retry the run.`,
    };
  }
  const delayMs = lockRetryDelayMs(tries, guard, deps.random());
  return {
    kind: "again",
    delayMs,
    announce: true,
    message: `try ${tries} of ${guard.maxTries}: lock timeout (${waited}); nothing was changed, next try in ${(delayMs / 1000).toFixed(1)} s`,
  };
}
