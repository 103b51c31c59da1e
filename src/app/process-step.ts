import type { PlanStep } from "../domain/plan/plan.js";
import { nextMove } from "../domain/run/next-move.js";
import { type Run, type RunEvent, SYSTEM_ACTOR } from "../domain/run/run.js";
import type { AttemptProcesses } from "../ports/attempt-processes.js";
import type { GateReminders } from "../ports/gate-reminders.js";
import type { ReleaseHistory } from "../ports/release-history.js";
import type { RewriteRates } from "../ports/rewrite-rates.js";
import type { AdapterFactory } from "../ports/service-adapters.js";
import type { JobControl, StepJob, StepQueue } from "../ports/step-queue.js";
import { watchForCancel } from "./cancel-watch.js";
import { awaitContractTurn, type ContractTurnDeps } from "./contract-turn.js";
import { finishCancel } from "./finish-cancel.js";
import { noteGateFacts } from "./live-facts.js";
import { queueNext } from "./queue-next.js";
import { pollAnalysisStep } from "./steps/analysis.js";
import { runBackfillBatch } from "./steps/backfill.js";
import { runDeployStep } from "./steps/deploy.js";
import { runLiveMigrateStep } from "./steps/migrate-live.js";
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
  /** The rewrite speed measured on each service's database, for the live facts' estimates. */
  rewriteRates: RewriteRates;
}

function eventOf(
  step: number,
  execution: number,
  outcome: Exclude<StepOutcome, { kind: "later" | "again" }>,
): RunEvent {
  const { message, analysis } = outcome;
  switch (outcome.kind) {
    case "succeeded":
      return { type: "step-succeeded", step, message, commands: outcome.commands, analysis, execution };
    case "failed":
      return { type: "step-failed", step, message, commands: outcome.commands, analysis, execution };
    case "timed-out":
      return { type: "timed-out", step, message, analysis, execution };
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
        return await runLiveMigrateStep(
          deps,
          run,
          step,
          adapters,
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
          { ...adapters, executorPollMs: deps.executorPollMs, now: deps.now },
          watch.signal,
        );
      case "analysis":
        return await pollAnalysisStep(run, adapters.analysis, deps.now, watch.signal);
      case "approval":
        throw new Error(`step ${step.index} is an approval gate; no worker runs it`);
    }
  } finally {
    watch.stop();
  }
}

/**
 * The run to run the job's step on, after doing what nextMove (src/domain/run/next-move.ts) decided: null when the
 * job ends here (dropped, a cancel completed, a gate's expiry queued, a take-over that lost).
 */
async function prepare(
  deps: WorkerDeps,
  job: StepJob,
  control: JobControl,
): Promise<{ run: Run; step: PlanStep } | null> {
  const run = await deps.store.get(job.runId);
  if (!run) {
    deps.logger.warn({ job }, "job for a run that does not exist: dropped");
    return null;
  }
  const move = nextMove(run, job);
  switch (move.kind) {
    case "stale":
      deps.logger.info({ job, status: run.status, currentStep: run.currentStep }, "stale job dropped");
      if (move.requeue) await queueNext(deps, run);
      return null;
    case "missing-step":
      throw new Error(`run ${run.id} has no step ${job.step}`);
    case "finish-cancel":
      await finishCancel(deps, run, move.step);
      return null;
    case "queue-next":
      await queueNext(deps, run);
      return null;
    case "start": {
      const started = await startStep(deps, run, move.step, control);
      return started ? { run: started, step: move.step } : null;
    }
    case "duplicate":
      deps.logger.info({ job, stepStatus: move.status }, "step already finished: duplicate job dropped");
      return null;
    case "take-over": {
      // Its command died with the worker that ran it.
      const taken = await takeOver(deps, run, move.step, control);
      return taken ? { run: taken, step: move.step } : null;
    }
    case "resume":
      deps.logger.debug({ job, stepStatus: move.status }, "resuming a step that was running");
      return { run, step: move.step };
  }
}

/**
 * Records the start once the step's turn has come (a contract step: not frozen, within its change windows); null
 * when it was not started. A step starts only on the run its turn was decided on: a freeze noted on the run meanwhile
 * changed it, and the turn is decided again. So a freeze either holds a contract step or sees it running.
 */
async function startStep(
  deps: WorkerDeps,
  run: Run,
  step: PlanStep,
  control: JobControl,
): Promise<Run | null> {
  const event: RunEvent = { type: "step-started", step: step.index };
  for (let known = run; ; ) {
    await awaitContractTurn(deps, known, step, control);
    const started = await transition(deps, run.id, event, SYSTEM_ACTOR, known, true);
    if (started.ok) return started.run;
    if (started.code !== "changed") {
      deps.logger.warn({ runId: run.id, step: step.index, reason: started.message }, "step not started");
      return null;
    }
    known = started.run;
  }
}

/**
 * Runs (or polls) the step a job names: does the job's next move, runs the step through its port, records the
 * result with compare-and-set and queues what comes next.
 */
export async function processStepJob(deps: WorkerDeps, job: StepJob, control: JobControl): Promise<void> {
  const prepared = await prepare(deps, job, control);
  if (!prepared) return;
  const { run, step } = prepared;
  // The fencing token: every report of this worker names it, and counts only while it owns the step.
  const execution = run.steps[job.step]?.executions ?? 0;
  const outcome = await runOnce(deps, run, step);
  if (outcome.kind === "later") {
    if (outcome.progress !== null && step.kind === "wait-rollout") {
      const message = outcome.progress;
      const event: RunEvent = { type: "rollout-progress", step: job.step, message, execution };
      const progressed = await transition(deps, run.id, event, SYSTEM_ACTOR, run);
      // A cancel came during this poll: the wait ends here, the rollout halted.
      if (!progressed.ok && "run" in progressed && progressed.run.status === "cancelling")
        await finishCancel(deps, progressed.run, step);
      if (!progressed.ok) return;
    }
    deps.logger.debug(
      { job, delayMs: outcome.delayMs, progress: outcome.progress },
      "step not done: polling later",
    );
    return control.later(outcome.delayMs);
  }
  if (outcome.kind === "again") {
    const { message, announce, counted, analysis } = outcome;
    // Re-queued even when the report is refused: the next run of the job notices a cancel or a stale run.
    await transition(
      deps,
      run.id,
      { type: "step-progress", step: job.step, message, announce, analysis, execution, counted },
      SYSTEM_ACTOR,
    );
    deps.logger.info({ job, delayMs: outcome.delayMs, progress: message }, "step runs again later");
    return control.later(outcome.delayMs);
  }
  // The gate that opens next shows the live facts of the phase it guards.
  if (outcome.kind === "succeeded")
    await noteGateFacts(deps, await deps.adapters(run.service), run, step.index);
  const ended = await transition(deps, run.id, eventOf(job.step, execution, outcome), SYSTEM_ACTOR, run);
  if (ended.ok) await queueNext(deps, ended.run);
  else
    deps.logger.warn(
      { runId: run.id, step: job.step, attempt: execution, outcome: outcome.kind, reason: ended.message },
      "step result not recorded",
    );
}
