import type { Run } from "../../domain/run/run.js";
import type { GateReminders } from "../../ports/gate-reminders.js";
import type { AdapterFactory } from "../../ports/service-adapters.js";
import type { GateReminderJob, StepQueue } from "../../ports/step-queue.js";
import type { TransitionDeps } from "../transition.js";

export interface GateReminderDeps {
  queue: StepQueue;
  adapters: AdapterFactory;
  now: () => Date;
}

/**
 * Queues the first reminder and the escalation of the gate the run waits at, timed from when it opened
 * (idempotent: job ids are deterministic). Reminders after the first are queued by the one before.
 */
export async function scheduleGateReminders(deps: GateReminderDeps, run: Run): Promise<void> {
  const openedAt = run.steps[run.currentStep]?.startedAt;
  const { reminders } = await deps.adapters(run.service);
  if (!reminders || !openedAt) return;
  const since = deps.now().getTime() - Date.parse(openedAt);
  await deps.queue.scheduleGateReminder(
    run,
    { kind: "reminder", count: 1 },
    Math.max(0, reminders.firstMs - since),
  );
  if (reminders.escalateMs !== null)
    await deps.queue.scheduleGateReminder(
      run,
      { kind: "escalation", count: 1 },
      Math.max(0, reminders.escalateMs - since),
    );
}

/**
 * A gate decided (or a run cancelled while it waited): what was pending to remind its approvers goes. A service
 * without reminders has none queued, so the queue is not asked.
 */
export async function cancelGateReminders(deps: GateReminderDeps, run: Run): Promise<void> {
  const { reminders } = await deps.adapters(run.service);
  if (reminders) await deps.queue.cancelGateReminders(run.id);
}

export type GateReminderJobDeps = TransitionDeps & GateReminderDeps & { reminders: GateReminders | null };

/** A reminder falls due: told when the gate still waits (then the next one is queued), dropped when it moved on. */
export async function processGateReminder(deps: GateReminderJobDeps, job: GateReminderJob): Promise<void> {
  const run = await deps.store.get(job.runId);
  if (run?.status !== "awaiting-approval" || run.currentStep !== job.step || run.retries !== job.retries) {
    deps.logger.debug({ job }, "reminder of a gate that was decided meanwhile: nothing to do");
    return;
  }
  await deps.reminders?.remind(run, { kind: job.kind, count: job.count });
  deps.logger.info({ runId: run.id, kind: job.kind, count: job.count }, "gate reminder sent");
  const { reminders } = await deps.adapters(run.service);
  if (job.kind !== "reminder" || !reminders?.everyMs) return;
  // A decision made while this reminder was out cancelled what was queued then: nothing more is queued after it.
  const now = await deps.store.get(job.runId);
  if (now?.status === "awaiting-approval" && now.currentStep === job.step && now.retries === job.retries)
    await deps.queue.scheduleGateReminder(run, { kind: "reminder", count: job.count + 1 }, reminders.everyMs);
}
