import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServices } from "../../src/config/load-services.js";
import type { RedisClient } from "../../src/net/redis/connect.js";
import { createEngine, type Engine } from "../../src/wiring/engine.js";
import { startWorker } from "../../src/wiring/start-worker.js";
import { createHarness, type Harness } from "../../testkit/engine-harness.js";
import { connectRedis } from "../../testkit/redis.js";

let h: Harness;
let redis: RedisClient;
let engine: Engine;

beforeAll(async () => {
  h = await createHarness("stopredisclosed", { shop: {} });
  redis = connectRedis();
  engine = createEngine({ redis, prefix: h.prefix, services: await loadServices(h.file("services.yaml")) });
});

afterAll(async () => {
  void engine.close().catch(() => undefined);
  await h.close();
});

describe("a worker stopping while its Redis connection is closed for good", () => {
  it("finishes its step, stops within seconds saying why instead of retrying for ever, and the step is taken over", async () => {
    await writeFile(h.file("shop.deploy-sleep"), "2");
    const { id: runId } = await h.start("shop");
    const worker = startWorker(engine, { lockDurationMs: 2000, stalledIntervalMs: 1000 });
    await h.waitFor(runId, (r) => r.steps[1]?.status === "running", "its deploy running");
    while (!(await h.read(`${runId}.deploy`)).includes("start")) await new Promise((r) => setTimeout(r, 50));

    // As after a failover that went wrong: every command on that connection fails at once ("Connection is closed"),
    // and the worker is told to stop.
    const ended = once(redis, "end");
    redis.disconnect();
    await ended;
    const stoppedAt = Date.now();
    expect(await worker.close()).toBe(false);
    // The deploy (2 s) ends, then the 10 s a stopping worker waits for Redis.
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    expect(await h.read(`${runId}.deploy`)).toBe("start\ndone\n");

    // Nothing was recorded of the step's end: a worker that reaches Redis takes the step over and goes on.
    expect((await h.engine.store.get(runId))?.steps[1]?.status).toBe("running");
    h.startWorkers(1);
    await h.waitFor(runId, (r) => r.status === "awaiting-approval", "to the gate");
  }, 90_000);
});
