import { Queue } from "bullmq";
import { register } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedisClient } from "../../src/net/redis/connect.js";
import { STEP_QUEUE } from "../../src/queue/jobs.js";
import { registerQueueMetrics, watchStepQueue } from "../../src/queue/queue-metrics.js";
import { storeKeys } from "../../src/store/keys.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../testkit/redis.js";

describe("queue metrics", () => {
  const prefix = uniquePrefix("queue-metrics");
  let redis: RedisClient;
  let queue: Queue;
  let watched: { close(): Promise<void> };

  beforeAll(() => {
    redis = connectRedis();
    queue = new Queue(STEP_QUEUE, { connection: redis, prefix: storeKeys(prefix).bull() });
    watched = watchStepQueue(redis, storeKeys(prefix).bull());
  });

  afterAll(async () => {
    await watched.close();
    await queue.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it("reads the step queue's waiting and delayed jobs from Redis on every scrape", async () => {
    expect(await register.metrics()).toContain('phasegate_queue_jobs{state="waiting"} 0');
    await queue.add("step", { runId: "shop-1", step: 0, retries: 0 });
    await queue.add("step", { runId: "billing-1", step: 0, retries: 0 });
    await queue.add("step", { runId: "shop-2", step: 2, retries: 0 }, { delay: 60_000 });

    const text = await register.metrics();
    expect(text).toContain('phasegate_queue_jobs{state="waiting"} 2');
    expect(text).toContain('phasegate_queue_jobs{state="delayed"} 1');
    expect(text).toContain('phasegate_queue_jobs{state="active"} 0');
  });

  it("leaves the series out, rather than stale, while Redis cannot be read", async () => {
    let redisDown = false;
    registerQueueMetrics({
      getJobCounts: (...types) =>
        redisDown ? Promise.reject(new Error("Connection is closed.")) : queue.getJobCounts(...types),
    });
    expect(await register.metrics()).toContain('phasegate_queue_jobs{state="waiting"} 2');
    redisDown = true;
    const text = await register.metrics();
    expect(text).toContain("# TYPE phasegate_queue_jobs gauge");
    expect(text).not.toMatch(/^phasegate_queue_jobs\{/m);
  });
});
