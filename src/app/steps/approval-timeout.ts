import { SYSTEM_ACTOR } from "../../domain/run/run.js";
import type { AdapterFactory } from "../../ports/service-adapters.js";
import type { StepJob } from "../../ports/step-queue.js";
import { type TransitionDeps, transition } from "../transition.js";

/** The approval step runs in no worker: it waits for a decision (src/app/run-actions.ts) or for its expiry. */
export type ApprovalTimeoutDeps = TransitionDeps & { adapters: AdapterFactory };

/** An approval gate left open too long fails the run; a no-op when the run moved on meanwhile. */
export async function processApprovalTimeout(deps: ApprovalTimeoutDeps, job: StepJob): Promise<void> {
  const run = await deps.store.get(job.runId);
  if (run?.status !== "awaiting-approval" || run.currentStep !== job.step || run.retries !== job.retries) {
    deps.logger.debug({ job }, "approval expiry for a run that moved on: nothing to do");
    return;
  }
  const { approvalTimeoutMs } = await deps.adapters(run.service);
  const message = `no approval within ${Math.round(approvalTimeoutMs / 1000)} s; the contract phase did not run`;
  await transition(deps, run.id, { type: "timed-out", step: job.step, message }, SYSTEM_ACTOR);
}
