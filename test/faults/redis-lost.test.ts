import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisTopologyFromEnv } from "../../src/net/redis/redis-env.js";
import { createHarness, type Harness } from "../../testkit/engine-harness.js";
import { RedisServer } from "../../testkit/redis-server.js";

let redis: RedisServer;
let h: Harness;

beforeAll(async () => {
  redis = await RedisServer.start();
  const env = { REDIS_URL: redis.url };
  h = await createHarness("redislost", { shop: {} }, { topology: redisTopologyFromEnv(env), env });
  // ioredis reports the refused reconnections while the server is down: expected here, and retried.
  h.redis.on("error", () => undefined);
  h.startWorkers(1);
});

afterAll(async () => {
  await h.close();
  await redis.stop();
});

describe("Redis killed during a run and started again empty", () => {
  it("never hands out a run id it gave before; the next run goes through", { timeout: 120_000 }, async () => {
    const lost = await h.start("shop");
    await h.waitFor(lost.id, (r) => r.status === "waiting-rollout", "its rollout");
    await redis.restartEmpty();

    expect(await h.engine.store.get(lost.id)).toBeNull();
    const next = await h.start("shop", "v3");
    expect(next.id).not.toBe(lost.id);
    expect(next.id).toMatch(/^shop-[0-9a-z]+-1$/);
    const at = await h.waitFor(next.id, (r) => r.status === "waiting-rollout", "its rollout");
    // The database kept what the lost run did: the new run has nothing left to expand.
    expect(at.plan.steps.map((s) => s.kind)).toEqual(["deploy", "wait-rollout", "approval", "migrate"]);
    expect((await h.engine.useCases.list({ service: "shop" })).map((r) => r.id)).toEqual([next.id]);
  });
});
