import { z } from "zod";
import type { GateReminderJob, RollbackJob, StepJob } from "../ports/step-queue.js";

export const STEP_QUEUE = "phasegate-steps";

/** Job names: run a run's step, or fail an approval gate left open too long. */
export const JOB_STEP = "step";
export const JOB_APPROVAL_TIMEOUT = "approval-timeout";
export const JOB_GATE_REMINDER = "gate-reminder";
export const JOB_ROLLBACK = "rollback";

/** Payload of both job kinds: which run, which step, and which retry of the run queued it. */
export const stepJobSchema: z.ZodType<StepJob> = z.strictObject({
  runId: z.string().min(1),
  step: z.number().int().min(0),
  retries: z.number().int().min(0),
});

/**
 * Deterministic: adding a job whose id exists is a no-op, so a step cannot be queued twice. The run's retry count
 * is part of it so a retried run can queue the step again. BullMQ refuses ":" in custom ids, hence the dots.
 */
export function stepJobId(job: StepJob): string {
  return `${job.runId}.${job.step}.${job.retries}`;
}

export function approvalTimeoutJobId(job: StepJob): string {
  return `${stepJobId(job)}.expiry`;
}

export const gateReminderJobSchema: z.ZodType<GateReminderJob> = z.strictObject({
  runId: z.string().min(1),
  step: z.number().int().min(0),
  retries: z.number().int().min(0),
  kind: z.enum(["reminder", "escalation"]),
  count: z.number().int().min(1),
});

/** Reminders of one gate opening, each once: `shop-1.3.0.remind.reminder.2`. */
export function gateReminderJobId(job: GateReminderJob): string {
  return `${stepJobId(job)}.remind.${job.kind}.${job.count}`;
}

const REMINDER_ID = /^(.+)\.\d+\.\d+\.remind\.(reminder|escalation)\.\d+$/;

/** The job id is one of gateReminderJobId's for that run. */
export function isGateReminderOf(jobId: string, runId: string): boolean {
  return REMINDER_ID.exec(jobId)?.[1] === runId;
}

export const rollbackJobSchema: z.ZodType<RollbackJob> = z.strictObject({
  runId: z.string().min(1),
  attempt: z.number().int().min(1),
});

/** One job per start of a run's rollback: `shop-mik38h5c-2.rollback.1`; fifty clicks queue it once. */
export function rollbackJobId(job: RollbackJob): string {
  return `${job.runId}.rollback.${job.attempt}`;
}
