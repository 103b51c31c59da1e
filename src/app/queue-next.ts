import type { Run } from "../domain/run/run.js";
import type { AdapterFactory } from "../ports/service-adapters.js";
import type { StepQueue } from "../ports/step-queue.js";
import { scheduleGateReminders } from "./steps/gate-reminder-jobs.js";

export interface QueueNextDeps {
  queue: StepQueue;
  adapters: AdapterFactory;
  now: () => Date;
}

/**
 * What has to be queued for the run to go on from where it stands: its pending step, the expiry (and the
 * reminders) of the gate it waits at, the rollback of its deploy, or the end of a cancel during its rollout
 * wait. Idempotent (job ids are deterministic), so it is safe to call again after a crash.
 */
export async function queueNext(deps: QueueNextDeps, run: Run): Promise<void> {
  if (run.rollback?.status === "running") {
    await deps.queue.enqueueRollback(run);
    return;
  }
  const state = run.steps[run.currentStep];
  if (run.status === "running" && state?.status === "pending") {
    await deps.queue.enqueueStep(run);
    return;
  }
  // A cancel during the rollout wait: the sleeping poll wakes now to halt the rollout and end the run.
  if (run.status === "cancelling" && run.plan.steps[run.currentStep]?.kind === "wait-rollout") {
    await deps.queue.wakeStep(run);
    return;
  }
  if (run.status === "awaiting-approval" && state?.startedAt) {
    const { approvalTimeoutMs } = await deps.adapters(run.service);
    const expiresAt = Date.parse(state.startedAt) + approvalTimeoutMs;
    await deps.queue.scheduleApprovalTimeout(run, Math.max(0, expiresAt - deps.now().getTime()));
    await scheduleGateReminders(deps, run);
  }
}
