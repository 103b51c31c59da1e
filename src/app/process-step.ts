import type { PlanStep } from "../domain/plan/plan.js";
import { isTerminal, type Run, type RunEvent, SYSTEM_ACTOR } from "../domain/run/run.js";
import type { AttemptProcesses } from "../ports/attempt-processes.js";
import type { GateReminders } from "../ports/gate-reminders.js";
import type { ReleaseHistory } from "../ports/release-history.js";
import type { AdapterFactory } from "../ports/service-adapters.js";
import type { JobControl, StepJob, StepQueue } from "../ports/step-queue.js";
import { watchForCancel } from "./cancel-watch.js";
import { awaitContractTurn, type ContractTurnDeps } from "./contract-turn.js";
import { followUp } from "./follow-up.js";
import { runBackfillBatch } from "./steps/backfill.js";
import { runDeployStep } from "./steps/deploy.js";
import { runGuardedMigrateStep } from "./steps/migrate-guarded.js";
import type { StepOutcome } from "./steps/outcome.js";
import { pollRolloutStep } from "./steps/rollout.js";
import { takeOver } from "./take-over.js";
import { type TransitionDeps, transition } from "./transition.js";

export interface WorkerDeps extends TransitionDeps, ContractTurnDeps {
  queue: StepQueue;
  /** Who is told that a gate still waits; null: nobody (no Slack in this process). */
  reminders: GateReminders | null;
  adapters: AdapterFactory;
  /** What phasegate last deployed of each service: what a command hook's run goes back to in a rollback. */
  releases: ReleaseHistory;
  /** How soon to ask a remote executor again about a command that is still running. */
  executorPollMs: number;
  /** How often a running step re-reads its run to notice a cancel made elsewhere. */
  cancelPollMs: number;
  /** What a worker taking a step over waits for: the processes the earlier attempt left. */
  processes: AttemptProcesses;
}

/** The job's run if the job is still the run's next move, else null (stale or duplicate: dropped, logged). */
async function currentRun(deps: WorkerDeps, job: StepJob): Promise<Run | null> {
  const run = await deps.store.get(job.runId);
  if (!run) {
    deps.logger.warn({ job }, "job for a run that does not exist: dropped");
    return null;
  }
  if (isTerminal(run.status) || job.retries !== run.retries || job.step !== run.currentStep) {
    deps.logger.info({ job, status: run.status, currentStep: run.currentStep }, "stale job dropped");
    // The worker that moved the run on may have died before queueing what comes next.
    if (!isTerminal(run.status)) await followUp(deps, run);
    return null;
  }
  return run;
}

function eventOf(
  step: number,
  execution: number,
  outcome: Exclude<StepOutcome, { kind: "later" | "again" }>,
): RunEvent {
  const { message } = outcome;
  switch (outcome.kind) {
    case "succeeded":
      return { type: "step-succeeded", step, message, commands: outcome.commands, execution };
    case "failed":
      return { type: "step-failed", step, message, commands: outcome.commands, execution };
    case "timed-out":
      return { type: "timed-out", step, message, execution };
  }
}

async function runOnce(deps: WorkerDeps, run: Run, step: PlanStep): Promise<StepOutcome> {
  const adapters = await deps.adapters(run.service);
  const execution = run.steps[step.index]?.executions;
  const watch = watchForCancel(
    deps.store,
    run.id,
    deps.cancelPollMs,
    deps.logger,
    (now) => now.steps[step.index]?.executions === execution,
  );
  try {
    switch (step.kind) {
      case "migrate":
        return await runGuardedMigrateStep(
          run,
          step,
          { ...adapters, executorPollMs: deps.executorPollMs, random: Math.random },
          watch.signal,
        );
      case "deploy": {
        const outcome = await runDeployStep(run, step.index, adapters.deployer, watch.signal);
        if (outcome.kind === "succeeded")
          await deps.releases.recordDeployed(run.service, run.version, run.id);
        return outcome;
      }
      case "wait-rollout":
        return await pollRolloutStep(run, adapters.rollout, adapters.polling, deps.now(), watch.signal);
      case "backfill":
        return await runBackfillBatch(
          run,
          step,
          { ...adapters, executorPollMs: deps.executorPollMs, now: deps.now() },
          watch.signal,
        );
      case "approval":
        throw new Error(`step ${step.index} is an approval gate; no worker runs it`);
    }
  } finally {
    watch.stop();
  }
}

/**
 * Runs (or polls) the step a job names: loads the run, drops stale jobs, records the start, runs the step through
 * its port, records the result with compare-and-set and queues what comes next.
 */
export async function processStepJob(deps: WorkerDeps, job: StepJob, control: JobControl): Promise<void> {
  let run = await currentRun(deps, job);
  if (!run) return;
  const step = run.plan.steps[job.step];
  const state = run.steps[job.step];
  if (!step || !state) throw new Error(`run ${run.id} has no step ${job.step}`);
  if (run.status === "cancelling") {
    // The worker running the step stopped before it could record the end: the cancel completes here.
    await transition(
      deps,
      run.id,
      { type: "step-failed", step: job.step, message: "stopped by a cancel" },
      SYSTEM_ACTOR,
    );
    return;
  }
  if (step.kind === "approval") {
    await followUp(deps, run);
    return;
  }
  if (state.status === "pending") {
    await awaitContractTurn(deps, run, step, control);
    const event: RunEvent = { type: "step-started", step: job.step };
    const started = await transition(deps, run.id, event, SYSTEM_ACTOR, run);
    if (!started.ok) {
      deps.logger.warn({ job, reason: started.message }, "step not started");
      return;
    }
    run = started.run;
  } else if (state.status !== "running" && state.status !== "waiting") {
    deps.logger.info({ job, stepStatus: state.status }, "step already finished: duplicate job dropped");
    return;
  } else if (state.status === "running" && step.kind !== "wait-rollout") {
    // Started and never ended: the worker running it died (or lost its job). Its command died with it.
    const taken = await takeOver(deps, run, step, control);
    if (!taken) return;
    run = taken;
  } else {
    // Every poll of a rollout, every try after a lock timeout, every backfill batch.
    deps.logger.debug({ job, stepStatus: state.status }, "resuming a step that was running");
  }

  // The fencing token: every report of this worker names it, and counts only while it owns the step.
  const execution = run.steps[job.step]?.executions ?? 0;
  const outcome = await runOnce(deps, run, step);
  if (outcome.kind === "later") {
    if (outcome.progress !== null && step.kind === "wait-rollout") {
      const message = outcome.progress;
      const event: RunEvent = { type: "rollout-progress", step: job.step, message, execution };
      const progressed = await transition(deps, run.id, event, SYSTEM_ACTOR, run);
      if (!progressed.ok) return;
    }
    deps.logger.debug(
      { job, delayMs: outcome.delayMs, progress: outcome.progress },
      "step not done: polling later",
    );
    return control.later(outcome.delayMs);
  }
  if (outcome.kind === "again") {
    const { message, announce } = outcome;
    // Re-queued even when the report is refused: the next run of the job notices a cancel or a stale run.
    await transition(
      deps,
      run.id,
      { type: "step-progress", step: job.step, message, announce, execution },
      SYSTEM_ACTOR,
    );
    deps.logger.info({ job, delayMs: outcome.delayMs, progress: message }, "step runs again later");
    return control.later(outcome.delayMs);
  }
  const ended = await transition(deps, run.id, eventOf(job.step, execution, outcome), SYSTEM_ACTOR, run);
  if (ended.ok) await followUp(deps, ended.run);
  else
    deps.logger.warn(
      { runId: run.id, step: job.step, attempt: execution, outcome: outcome.kind, reason: ended.message },
      "step result not recorded",
    );
}
