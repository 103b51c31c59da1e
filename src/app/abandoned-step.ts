import { isTerminal, SYSTEM_ACTOR } from "../domain/run/run.js";
import type { StepJob } from "../ports/step-queue.js";
import type { WorkerDeps } from "./process-step.js";
import { transition } from "./transition.js";

/**
 * The queue gave up on a step's job (its attempts are used up: a services file that lost the service, Redis
 * errors, a bug). The run would otherwise stay active forever, holding its service: its step fails instead, with
 * the error, so the service is free and the run can be retried once the cause is fixed.
 */
export async function processAbandonedStep(deps: WorkerDeps, job: StepJob, error: Error): Promise<void> {
  const run = await deps.store.get(job.runId);
  const state = run?.steps[job.step];
  if (
    !run ||
    isTerminal(run.status) ||
    run.currentStep !== job.step ||
    run.retries !== job.retries ||
    (state?.status !== "running" && state?.status !== "waiting")
  )
    return;
  const message = `phasegate could not run the step: ${error.message}; fix the cause, then retry the run`;
  await transition(deps, run.id, { type: "step-failed", step: job.step, message }, SYSTEM_ACTOR, run);
}
