import { Queue } from "bullmq";
import type { Run } from "../domain/run/run.js";
import type { RedisClient } from "../net/redis/connect.js";
import type { GateReminder } from "../ports/gate-reminders.js";
import type { StepJob, StepQueue } from "../ports/step-queue.js";
import {
  approvalTimeoutJobId,
  gateReminderJobId,
  isGateReminderOf,
  JOB_APPROVAL_TIMEOUT,
  JOB_GATE_REMINDER,
  JOB_ROLLBACK,
  JOB_STEP,
  rollbackJobId,
  STEP_QUEUE,
  stepJobId,
} from "./jobs.js";

function jobOf(run: Run): StepJob {
  return { runId: run.id, step: run.currentStep, retries: run.retries };
}

/** Jobs stay a while after they finish (their id still deduplicates), then BullMQ trims them. */
const KEEP = { removeOnComplete: { age: 7 * 86_400, count: 10_000 }, removeOnFail: { age: 30 * 86_400 } };

export class BullStepQueue implements StepQueue {
  private readonly queue: Queue;

  /** bullPrefix: where BullMQ keeps the queue's keys (src/store/keys.ts). */
  constructor(connection: RedisClient, bullPrefix: string) {
    this.queue = new Queue(STEP_QUEUE, { connection, prefix: bullPrefix });
  }

  async enqueueStep(run: Run): Promise<void> {
    const job = jobOf(run);
    await this.queue.add(JOB_STEP, job, {
      jobId: stepJobId(job),
      // Redis or a bug failing the job (a step's own failure is recorded on the run, not thrown).
      attempts: 5,
      backoff: { type: "exponential", delay: 1000 },
      ...KEEP,
    });
  }

  async wakeStep(run: Run): Promise<void> {
    const job = await this.queue.getJob(stepJobId(jobOf(run)));
    if (!job) return this.enqueueStep(run);
    // A job that became due meanwhile cannot be promoted: it runs now anyway.
    if (await job.isDelayed()) await job.promote().catch(() => undefined);
  }

  async scheduleApprovalTimeout(run: Run, delayMs: number): Promise<void> {
    const job = jobOf(run);
    await this.queue.add(JOB_APPROVAL_TIMEOUT, job, {
      jobId: approvalTimeoutJobId(job),
      delay: delayMs,
      attempts: 5,
      ...KEEP,
    });
  }

  async scheduleGateReminder(run: Run, reminder: GateReminder, delayMs: number): Promise<void> {
    const job = { ...jobOf(run), ...reminder };
    await this.queue.add(JOB_GATE_REMINDER, job, {
      jobId: gateReminderJobId(job),
      delay: delayMs,
      attempts: 3,
      ...KEEP,
    });
  }

  async enqueueRollback(run: Run): Promise<void> {
    if (!run.rollback) throw new Error(`${run.id} has no rollback to queue`);
    const job = { runId: run.id, attempt: run.rollback.attempts };
    await this.queue.add(JOB_ROLLBACK, job, {
      jobId: rollbackJobId(job),
      attempts: 5,
      backoff: { type: "exponential", delay: 1000 },
      ...KEEP,
    });
  }

  /** By id (isGateReminderOf): the ids of the delayed jobs are read, not every delayed job of every run. */
  async cancelGateReminders(runId: string): Promise<void> {
    const delayed = await this.queue.getRanges(["delayed"], 0, -1);
    const pending = delayed.filter((id) => isGateReminderOf(id, runId));
    await Promise.all(pending.map((id) => this.queue.remove(id)));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
