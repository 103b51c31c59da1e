import { type JobType, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { Gauge, register } from "prom-client";
import { logger } from "../telemetry/logger.js";
import { STEP_QUEUE } from "./jobs.js";
import { bullPrefix } from "./step-queue.js";

/** What the gauge reads: BullMQ's `Queue.getJobCounts` (a Queue passes as is). */
export interface JobCountSource {
  getJobCounts(...types: JobType[]): Promise<Record<string, number>>;
}

const NAME = "phasegate_queue_jobs";
const STATES: JobType[] = ["waiting", "active", "delayed", "prioritized", "paused", "failed"];

/**
 * `phasegate_queue_jobs{state}`, read from Redis on every scrape. Delayed jobs are the rollouts being polled and
 * approval expiries; waiting jobs that pile up mean too few workers. Replaces the gauge of an earlier call.
 */
export function registerQueueMetrics(queue: JobCountSource): Gauge<"state"> {
  register.removeSingleMetric(NAME);
  return new Gauge({
    name: NAME,
    help: "Jobs in the step queue by state (waiting, active, delayed, prioritized, paused, failed)",
    labelNames: ["state"] as const,
    async collect() {
      try {
        const counts = await queue.getJobCounts(...STATES);
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
export function watchStepQueue(redis: Redis, prefix: string): { close(): Promise<void> } {
  const queue = new Queue(STEP_QUEUE, { connection: redis, prefix: bullPrefix(prefix) });
  registerQueueMetrics(queue);
  return { close: () => queue.close() };
}
