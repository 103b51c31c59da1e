import { releaseProjectDir } from "../../config/release-dir.js";
import type { MigrateStep } from "../../domain/plan/plan.js";
import { commandOutcome, describeFailure } from "../../domain/run/command-outcome.js";
import type { CommandOutcome, Run } from "../../domain/run/run.js";
import type { Executor } from "../../ports/executor.js";
import type { MigrateSettings } from "../../ports/service-adapters.js";
import type { StepOutcome } from "./outcome.js";

/** What the migrate wrapper says when a target was applied before it ran (by a worker that died). */
const ALREADY_APPLIED = /^phasegate: already applied: (.+)$/gm;

/**
 * `manage.py migrate <app> <migration>` for every target of the step, in order. Migrating to a target that is
 * already applied is a no-op in Django, so running this step again (a retry, a worker that died half-way and whose
 * job another worker picked up) is safe: the targets already reached are skipped by Django itself, and the migrate
 * lock (migrate_guarded.py) makes a second migrate of the database wait while an earlier one still runs.
 */
export async function runMigrateStep(
  run: Run,
  step: MigrateStep,
  executor: Executor,
  settings: MigrateSettings,
  executorPollMs: number,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const attempt = run.steps[step.index]?.attempts ?? 0;
  // A step tried again after a lock timeout (src/database) must not be answered with the failed try's result.
  const tries = run.steps[step.index]?.polls ?? 0;
  const tryKey = tries > 0 ? `-r${tries}` : "";
  const commands: CommandOutcome[] = [];
  for (const [t, target] of step.targets.entries()) {
    const argv = [
      ...settings.python,
      settings.managePy,
      "migrate",
      target.app,
      target.migration,
      "--no-input",
    ];
    const execution = await executor.execute(
      {
        // Same key when polled again, so a remote executor reports the execution it already started.
        key: `${run.id}-s${step.index}-a${attempt}-t${t}${tryKey}`,
        runId: run.id,
        argv,
        cwd: releaseProjectDir(settings.projectDir, run.version),
        env: settings.env,
        timeoutMs: settings.timeoutMs,
        version: run.version,
      },
      signal,
    );
    if (execution.state === "running")
      return { kind: "later", delayMs: executorPollMs, progress: execution.message };
    const outcome = commandOutcome(argv, execution.result);
    commands.push(outcome);
    if (outcome.exitCode !== 0) {
      const limit = outcome.timedOut
        ? ` (the step's limit, timeouts.migrateSeconds: ${settings.timeoutMs / 1000} s; nothing answered in time: check that the database is reachable)`
        : "";
      const failure = `migrate ${target.app} ${target.migration} ${describeFailure(outcome)}${limit}`;
      return { kind: "failed", message: failure, commands };
    }
  }
  const reached = step.targets.map((t) => `${t.app} ${t.migration}`).join(", ");
  const already = commands.flatMap((c) => [...c.stdoutTail.matchAll(ALREADY_APPLIED)].map((m) => m[1]));
  const note = already.length > 0 ? ` (${already.join(", ")} already applied by an earlier attempt)` : "";
  return { kind: "succeeded", message: `migrated ${reached}${note}`, commands };
}
