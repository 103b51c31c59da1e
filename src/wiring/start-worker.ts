import type { Worker } from "bullmq";
import { processAbandonedStep } from "../app/abandoned-step.js";
import { processStepJob } from "../app/process-step.js";
import { reconcileActiveRuns } from "../app/reconcile.js";
import { processAbandonedRollback, processRollbackJob } from "../app/rollback.js";
import { processApprovalTimeout } from "../app/steps/approval-timeout.js";
import { processGateReminder } from "../app/steps/gate-reminder-jobs.js";
import { createStepWorker } from "../queue/step-worker.js";
import { storeKeys } from "../store/keys.js";
import type { Engine } from "./engine.js";

export interface WorkerOptions {
  /** Steps run at once (default 10); runs waiting for a rollout or an approval hold none. */
  concurrency?: number;
  /** A job of a worker that died is taken over once its lock expires (default 30 s)… */
  lockDurationMs?: number;
  /** …at the next stall check (default 30 s). */
  stalledIntervalMs?: number;
  /** Default 2. */
  maxStalledCount?: number;
  /** How often every active run's next step is queued again, in case its queueing was lost (default 60 s). */
  reconcileIntervalMs?: number;
}

export interface RunningWorker {
  worker: Worker;
  /** Finishes the jobs it runs (or, past the lock, lets another worker take them over), then stops. */
  close(): Promise<void>;
}

/** Starts a step worker in this process (`phasegate worker`, or `phasegate all` next to the Slack app). */
export function startWorker(engine: Engine, options: WorkerOptions = {}): RunningWorker {
  const deps = engine.workerDeps;
  const worker = createStepWorker(
    {
      connection: engine.redis,
      bullPrefix: storeKeys(engine.prefix).bull(),
      logger: deps.logger,
      concurrency: options.concurrency ?? 10,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      stalledIntervalMs: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 2,
    },
    {
      step: (job, control) => processStepJob(deps, job, control),
      approvalTimeout: (job) => processApprovalTimeout(deps, job),
      gateReminder: (job) => processGateReminder(deps, job),
      abandoned: (job, error) => processAbandonedStep(deps, job, error),
      rollback: (job, control) => processRollbackJob(deps, job, control),
      rollbackAbandoned: (job, error) => processAbandonedRollback(deps, job, error),
    },
  );
  deps.logger.info({ prefix: engine.prefix, concurrency: options.concurrency ?? 10 }, "step worker started");
  const reconcile = () =>
    reconcileActiveRuns(deps, engine.serviceNames).catch((error: unknown) =>
      deps.logger.error({ err: error }, "could not queue again the next steps of the active runs"),
    );
  void reconcile();
  const timer = setInterval(reconcile, options.reconcileIntervalMs ?? 60_000);
  timer.unref();
  return {
    worker,
    close: () => {
      clearInterval(timer);
      return worker.close();
    },
  };
}
