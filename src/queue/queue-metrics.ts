import { type JobType, Queue } from "bullmq";
import { Gauge, register } from "prom-client";
import type { RedisClient } from "../net/redis/connect.js";
import { logger } from "../telemetry/pino-logger.js";
import { STEP_QUEUE } from "./jobs.js";

/** What the gauge reads: BullMQ's `Queue.getJobCounts` (a Queue passes as is). */
export interface JobCountSource {
  getJobCounts(...types: JobType[]): Promise<Record<string, number>>;
}

const NAME = "phasegate_queue_jobs";
/** A scrape waits at most this long for Redis: /metrics answers while Redis is down or paused. */
export const SCRAPE_REDIS_LIMIT_MS = 500;
const STATES: JobType[] = ["waiting", "active", "delayed", "prioritized", "paused", "failed"];

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `phasegate_queue_jobs{state}`, read from Redis on every scrape, waiting at most SCRAPE_REDIS_LIMIT_MS; a read
 * still pending from an earlier scrape is shared, never repeated, so a paused Redis piles nothing up. Delayed jobs
 * are the rollouts being polled and approval expiries; waiting jobs that pile up mean too few workers. Replaces
 * the gauge of an earlier call.
 */
export function registerQueueMetrics(queue: JobCountSource): Gauge<"state"> {
  register.removeSingleMetric(NAME);
  let pending: Promise<Record<string, number>> | null = null;
  const read = () => {
    pending ??= queue.getJobCounts(...STATES).finally(() => {
      pending = null;
    });
    return within(pending, SCRAPE_REDIS_LIMIT_MS);
  };
  return new Gauge({
    name: NAME,
    help: "Jobs in the step queue by state (waiting, active, delayed, prioritized, paused, failed)",
    labelNames: ["state"] as const,
    async collect() {
      try {
        const counts = await read();
        for (const state of STATES) this.set({ state }, counts[state] ?? 0);
      } catch (error) {
        // No numbers rather than stale ones: the series disappears while Redis cannot be read.
        this.reset();
        logger.warn({ err: error }, "cannot read the step queue's job counts for /metrics");
      }
    },
  });
}

/** The step queue's gauge for the process serving /metrics, on a queue handle of its own: close it on stop. */
export function watchStepQueue(redis: RedisClient, bullPrefix: string): { close(): Promise<void> } {
  const queue = new Queue(STEP_QUEUE, { connection: redis, prefix: bullPrefix });
  registerQueueMetrics(queue);
  return { close: () => queue.close() };
}
