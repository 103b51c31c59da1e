import type { JobType } from "bullmq";
import { Gauge } from "prom-client";
import { logger } from "../logger.js";

/** What the gauge reads: BullMQ's `Queue.getJobCounts` (a Queue passes as is). */
export interface JobCountSource {
  getJobCounts(...types: JobType[]): Promise<Record<string, number>>;
}

const STATES: JobType[] = ["waiting", "active", "delayed", "prioritized", "paused", "failed"];

/**
 * `phasegate_queue_jobs{state}`, read from Redis on every scrape. Delayed jobs are the rollouts being polled and
 * approval expiries; waiting jobs that pile up mean too few workers.
 */
export function registerQueueMetrics(queue: JobCountSource): Gauge<"state"> {
  return new Gauge({
    name: "phasegate_queue_jobs",
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
