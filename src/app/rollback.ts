import { type PreviousRelease, type RollbackEvent, type Run, SYSTEM_ACTOR } from "../domain/run/run.js";
import type { JobControl, RollbackJob } from "../ports/step-queue.js";
import type { ActionResult, RollbackInput } from "../ports/use-cases.js";
import { earlierAttemptNote } from "./earlier-attempt.js";
import { rollbackButtonMismatch } from "./gate-buttons.js";
import type { WorkerDeps } from "./process-step.js";
import { queueNext } from "./queue-next.js";
import { type RunActionDeps, refuseInAudit, userActor } from "./run-actions.js";
import { deployRelease } from "./steps/deploy.js";
import { pollRollout } from "./steps/rollout.js";
import { transition } from "./transition.js";

/** A run of the service started after this one: rolling this one back would undo what that one deployed. */
async function laterRun(deps: RunActionDeps, run: Run): Promise<string | null> {
  const [latest] = await deps.store.list({ service: run.service, limit: 1 });
  return latest && latest.id !== run.id ? latest.id : null;
}

/**
 * An approver rolls back the deploy of a failed, rejected or cancelled run (from the run's card, or `/migrate rollback`).
 * Refused, answered and audited: a click that is not from the run's card with its token, a user who is no
 * approver, a run of the service started since, and whatever the run itself refuses (see rollbackRefusal). Of
 * concurrent requests one starts the rollback (compare-and-set) and its job is queued once (deterministic id).
 */
export async function rollBack(deps: RunActionDeps, input: RollbackInput): Promise<ActionResult> {
  const run = await deps.store.get(input.runId);
  if (!run)
    return { ok: false, code: "not-found", message: `no run ${input.runId}: check the id with "list"` };
  const actor = userActor(input.user);
  const action = "rollback-started";
  const wrong = input.button ? rollbackButtonMismatch(run, input.button) : null;
  if (wrong) {
    await refuseInAudit(deps, run, actor, action, wrong);
    return { ok: false, code: "wrong-button", message: wrong, run };
  }
  if (!(await deps.approvers.mayApprove({ service: run.service, user: input.user }))) {
    const message = `${input.user} may not roll back ${run.id}: only the approvers of ${run.service} may`;
    await refuseInAudit(deps, run, actor, action, message);
    return { ok: false, code: "not-allowed", message, run };
  }
  const later = await laterRun(deps, run);
  if (later) {
    const message = `${later} of ${run.service} started after ${run.id}: rolling ${run.id} back would undo it, so roll back by hand`;
    await refuseInAudit(deps, run, actor, action, message);
    return { ok: false, code: "refused", message, run };
  }
  const toVersion = run.previousRelease?.version ?? "(none)";
  const result = await transition(deps, run.id, { type: action, by: input.user, toVersion }, actor, run);
  if (!result.ok) return result;
  await queueNext(deps, result.run);
  return { ok: true, run: result.run };
}

function record(deps: WorkerDeps, run: Run, event: RollbackEvent) {
  return transition(deps, run.id, event, SYSTEM_ACTOR, run);
}

/** Records a report of this worker's attempt; a stale one (another worker took the deploy over) is only logged. */
async function recordOwn(deps: WorkerDeps, run: Run, event: RollbackEvent & { execution: number }) {
  const recorded = await record(deps, run, event);
  if (!recorded.ok)
    deps.logger.warn(
      {
        runId: run.id,
        rollback: true,
        attempt: event.execution,
        event: event.type,
        reason: recorded.message,
      },
      "rollback report not recorded",
    );
  return recorded;
}

/** Deploys the previous release (again, when a worker died during it); the run once deployed, else null. */
async function deployPrevious(
  deps: WorkerDeps,
  run: Run,
  previous: PreviousRelease,
  control: JobControl,
): Promise<Run | null> {
  const takenOver = run.rollback?.phase === "deploying";
  const why = control.failedBefore
    ? "phasegate could not record how the rollback's deploy ended (the worker's log has the error)"
    : "the worker restarted during the rollback's deploy";
  const attempt = (run.rollback?.executions ?? 0) + 1;
  // As for a step (take-over.ts): nothing of the earlier attempt runs alongside this one.
  const earlier = takenOver ? await deps.processes.awaitGone(run.id) : null;
  const began = await record(deps, run, {
    type: "rollback-deploying",
    ...(earlier
      ? {
          message: `${why}; ${earlierAttemptNote(earlier, attempt - 1)}; running it again, attempt ${attempt}`,
        }
      : {}),
  });
  if (!began.ok) return null;
  // The fencing token of this deploy: what it reports counts only while no other worker took it over.
  const execution = began.run.rollback?.executions ?? attempt;
  const { deployer } = await deps.adapters(run.service);
  const outcome = await deployRelease(deployer, {
    runId: run.id,
    service: run.service,
    version: previous.version,
    previousVersion: run.version,
    attempt,
    rollback: {
      number: began.run.rollback?.attempts ?? 1,
      images: previous.images,
      revision: previous.revision,
    },
  });
  if (outcome.kind === "failed") {
    await recordOwn(deps, began.run, { type: "rollback-failed", message: outcome.message, execution });
    return null;
  }
  const deployed = await recordOwn(deps, began.run, {
    type: "rollback-deployed",
    message: outcome.message,
    execution,
  });
  if (!deployed.ok) return null;
  await deps.releases.recordDeployed(run.service, previous.version, run.id);
  return deployed.run;
}

/** One poll of the previous release's rollout, exactly like the wait-rollout step's. */
async function awaitRollout(
  deps: WorkerDeps,
  run: Run,
  previous: PreviousRelease,
  control: JobControl,
): Promise<void> {
  const adapters = await deps.adapters(run.service);
  const outcome = await pollRollout(
    { runId: run.id, service: run.service, version: previous.version, images: previous.images },
    { startedAt: run.rollback?.waitingSince ?? null, lastMessage: run.rollback?.message ?? null },
    adapters.rollout,
    adapters.polling,
    deps.now(),
  );
  const execution = run.rollback?.executions ?? 0;
  if (outcome.kind === "later") {
    if (outcome.progress !== null) {
      const message = outcome.progress;
      const progressed = await recordOwn(deps, run, { type: "rollback-progress", message, execution });
      if (!progressed.ok) return;
    }
    return control.later(outcome.delayMs);
  }
  const { message } = outcome;
  await recordOwn(
    deps,
    run,
    outcome.kind === "succeeded"
      ? { type: "rollback-succeeded", message, execution }
      : { type: "rollback-failed", message, execution },
  );
}

/**
 * The worker's part of a rollback: deploys the release live before the run through the service's deployer, then
 * polls its rollout until done, failed or past its deadline (the job sleeps between polls, holding no slot). A job
 * of an older start, or of a rollback no longer running, is dropped.
 */
export async function processRollbackJob(
  deps: WorkerDeps,
  job: RollbackJob,
  control: JobControl,
): Promise<void> {
  const run = await deps.store.get(job.runId);
  const rollback = run?.rollback;
  if (!run || rollback?.status !== "running" || rollback.attempts !== job.attempt) {
    deps.logger.info({ job, rollback: rollback?.status }, "stale rollback job dropped");
    return;
  }
  const previous = run.previousRelease;
  if (!previous) {
    await record(deps, run, { type: "rollback-failed", message: "no earlier release was recorded" });
    return;
  }
  const deployed =
    rollback.phase === "waiting-rollout" ? run : await deployPrevious(deps, run, previous, control);
  if (deployed) await awaitRollout(deps, deployed, previous, control);
}

/** The queue gave up on a rollback's job: the rollback fails with the error, so the service is free again. */
export async function processAbandonedRollback(
  deps: WorkerDeps,
  job: RollbackJob,
  error: Error,
): Promise<void> {
  const run = await deps.store.get(job.runId);
  if (run?.rollback?.status !== "running" || run.rollback.attempts !== job.attempt) return;
  const message = `phasegate could not finish the rollback: ${error.message}`;
  await record(deps, run, { type: "rollback-failed", message });
}
