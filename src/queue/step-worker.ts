import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { z } from "zod";
import { issueLines } from "../domain/issues/issue-lines.js";
import type { RedisClient } from "../net/redis/connect.js";
import { type LogFields, withLogContext } from "../ports/log-context.js";
import type { Logger } from "../ports/logger.js";
import type { GateReminderJob, JobControl, RollbackJob, StepJob } from "../ports/step-queue.js";
import { logRepeatedErrors } from "../telemetry/repeated-errors.js";
import {
  gateReminderJobSchema,
  JOB_APPROVAL_TIMEOUT,
  JOB_GATE_REMINDER,
  JOB_ROLLBACK,
  JOB_STEP,
  rollbackJobSchema,
  STEP_QUEUE,
  stepJobSchema,
} from "./jobs.js";

/** While Redis is down the worker fails every few hundred milliseconds: one log line a minute says so. */
const REPEATED_ERROR_LOG_MS = 60_000;

/** What the worker does with each job kind; the run engine (src/app) provides them. */
export interface StepHandlers {
  step(job: StepJob, control: JobControl): Promise<void>;
  approvalTimeout(job: StepJob): Promise<void>;
  gateReminder(job: GateReminderJob): Promise<void>;
  /** A step's job failed for the last time (no attempt left). */
  abandoned(job: StepJob, error: Error): Promise<void>;
  /** Deploys the previous release and waits for its rollout (the rollback of a run's deploy). */
  rollback(job: RollbackJob, control: JobControl): Promise<void>;
  /** A rollback's job failed for the last time. */
  rollbackAbandoned(job: RollbackJob, error: Error): Promise<void>;
}

export interface StepWorkerOptions {
  connection: RedisClient;
  /** Where BullMQ keeps the queue's keys (src/store/keys.ts). */
  bullPrefix: string;
  logger: Logger;
  /** Jobs run at once by this worker; a job waiting for a rollout holds no slot. */
  concurrency: number;
  /** A job whose worker died is taken over after its lock expires (lockDurationMs) at the next stall check. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Stalls before BullMQ gives up on a job (a worker killed during the same job again and again). */
  maxStalledCount: number;
}

function parsePayload<T>(job: Job, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(
      `job ${job.id} (${job.name}) has an invalid payload: ${issueLines(parsed.error.issues, "").join("; ")}; it was not queued by phasegate's StepQueue`,
    );
  return parsed.data;
}

/** Delaying the same job keeps its id (and so the deduplication) and frees the slot until it is due. */
function controlOf(job: Job, token: string | undefined): JobControl {
  return {
    // A stalled job (its worker died) is moved back without counting an attempt.
    failedBefore: job.attemptsMade > 0,
    async later(delayMs: number): Promise<never> {
      await job.moveToDelayed(Date.now() + delayMs, token);
      throw new DelayedError();
    },
  };
}

/** What fails the work of a job that failed for the last time: its step, or its rollback. */
function abandonedWork(job: Job, error: Error, handlers: StepHandlers): Promise<void> | null {
  if (job.name === JOB_STEP) {
    const payload = stepJobSchema.safeParse(job.data);
    return payload.success ? handlers.abandoned(payload.data, error) : null;
  }
  if (job.name === JOB_ROLLBACK) {
    const payload = rollbackJobSchema.safeParse(job.data);
    return payload.success ? handlers.rollbackAbandoned(payload.data, error) : null;
  }
  return null;
}

/** The ids a job's log lines carry: its own, its run's and its step's. */
function jobLogFields(job: Job): LogFields {
  const data = (job.data ?? {}) as { runId?: unknown; step?: unknown };
  return {
    jobId: job.id,
    ...(typeof data.runId === "string" ? { runId: data.runId } : {}),
    ...(typeof data.step === "number" ? { step: data.step } : {}),
  };
}

/** The BullMQ worker of the step queue: validates each payload and hands it to the engine. */
export function createStepWorker(options: StepWorkerOptions, handlers: StepHandlers): Worker {
  async function processJob(job: Job, token: string | undefined): Promise<unknown> {
    if (job.name === JOB_GATE_REMINDER)
      return handlers.gateReminder(parsePayload(job, gateReminderJobSchema));
    if (job.name === JOB_ROLLBACK)
      return handlers.rollback(parsePayload(job, rollbackJobSchema), controlOf(job, token));
    const payload = parsePayload(job, stepJobSchema);
    if (job.name === JOB_STEP) return handlers.step(payload, controlOf(job, token));
    if (job.name === JOB_APPROVAL_TIMEOUT) return handlers.approvalTimeout(payload);
    throw new UnrecoverableError(`unknown job name "${job.name}" (job ${job.id})`);
  }
  const worker = new Worker(
    STEP_QUEUE,
    (job, token) => withLogContext(jobLogFields(job), () => processJob(job, token)),
    {
      connection: options.connection,
      prefix: options.bullPrefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount,
    },
  );
  worker.on("failed", (job, error) => {
    options.logger.error({ err: error, jobId: job?.id, data: job?.data }, "step job failed");
    const final =
      error instanceof UnrecoverableError || (job && job.attemptsMade >= (job.opts.attempts ?? 1));
    if (!final || !job) return;
    const abandoned = abandonedWork(job, error, handlers);
    abandoned?.catch((e: unknown) =>
      options.logger.error({ err: e, jobId: job.id }, "could not fail the abandoned step"),
    );
  });
  worker.on(
    "error",
    logRepeatedErrors(
      options.logger,
      "step worker error (Redis unreachable? the worker retries by itself: check REDIS_URL and that Redis runs); repeats logged once a minute",
      REPEATED_ERROR_LOG_MS,
    ),
  );
  return worker;
}
