import { setTimeout as delay } from "node:timers/promises";
import type { Worker } from "bullmq";
import { processAbandonedStep } from "../app/abandoned-step.js";
import { processStepJob } from "../app/process-step.js";
import { reconcileActiveRuns } from "../app/reconcile.js";
import { processAbandonedRollback, processRollbackJob } from "../app/rollback.js";
import { processApprovalTimeout } from "../app/steps/approval-timeout.js";
import { processGateReminder } from "../app/steps/gate-reminder-jobs.js";
import type { RedisClient } from "../net/redis/connect.js";
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
  /**
   * Finishes the jobs it runs (or, past the lock, lets another worker take them over), then stops. False when Redis
   * could not be reached within SETTLE_MS of the last one ending: it stopped without the queue recording their end,
   * and another worker takes those jobs over once their locks expire.
   */
  close(): Promise<boolean>;
}

/** Resolves true once the connection is ready (at once when it is), false when it is not within `withinMs`. */
function connectionReady(redis: RedisClient, withinMs: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off("ready", ready);
      resolve(false);
    }, withinMs);
    const ready = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once("ready", ready);
  });
}

/** How long a stopping worker waits for an unreachable Redis once none of its jobs runs any more. */
const SETTLE_MS = 10_000;

/** Counts the jobs whose work runs in this process, and tells when none does. */
class Running {
  private count = 0;
  private waiting: Array<() => void> = [];

  track<A extends unknown[], R>(work: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      this.count += 1;
      try {
        return await work(...args);
      } finally {
        this.count -= 1;
        if (this.count === 0) for (const resolve of this.waiting.splice(0)) resolve();
      }
    };
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}

/**
 * BullMQ's close, called while the worker still starts, returns at once: its start goes on and its first stalled
 * check writes the queue's keys afterwards (a sandbox stopped right after its start kept two keys of its prefix).
 * Waits for that start to end, then for what it sent on the shared connection.
 */
async function startupSettled(worker: Worker, redis: RedisClient): Promise<void> {
  for (let waited = 0; worker.isRunning() && waited < SETTLE_MS; waited += 10) await delay(10);
  await redis.ping().catch(() => undefined);
}

/** Starts a step worker in this process (`phasegate worker`, or `phasegate all` next to the Slack app). */
export function startWorker(engine: Engine, options: WorkerOptions = {}): RunningWorker {
  const deps = engine.workerDeps;
  const running = new Running();
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
      step: running.track((job, control) => processStepJob(deps, job, control)),
      approvalTimeout: running.track((job) => processApprovalTimeout(deps, job)),
      gateReminder: running.track((job) => processGateReminder(deps, job)),
      abandoned: (job, error) => processAbandonedStep(deps, job, error),
      rollback: running.track((job, control) => processRollbackJob(deps, job, control)),
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
    async close() {
      clearInterval(timer);
      // Closing BullMQ while its connection is down makes it retry recording a job's end without pause, starving
      // the process. On a connection that answers, close at once; otherwise take no new job, let ours finish, and
      // close only once the connection answers again.
      if (engine.redis.status !== "ready") {
        await worker.pause(true);
        await running.idle();
      }
      if (!(await connectionReady(engine.redis, SETTLE_MS))) {
        deps.logger.error(
          { waitedMs: SETTLE_MS },
          "stopping without the queue having recorded the end of this worker's last jobs (Redis unreachable): another worker takes them over once their locks expire; check REDIS_URL and that Redis runs",
        );
        return false;
      }
      await worker.close();
      await startupSettled(worker, engine.redis);
      return true;
    },
  };
}
