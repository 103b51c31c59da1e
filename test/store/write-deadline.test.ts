import { once } from "node:events";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/ports/store-unavailable.js";
import { RedisRunStore } from "../../src/store/redis-run-store.js";
import { CREATED_AUDIT, shopRun } from "../../testkit/plans.js";
import { RedisServer } from "../../testkit/redis-server.js";

const created = CREATED_AUDIT;

let server: RedisServer;
let requests: Redis;
let reader: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  // Like the bot's request connection: no offline queue, a command timeout.
  requests = new Redis(server.url, {
    enableOfflineQueue: false,
    commandTimeout: 300,
    maxRetriesPerRequest: 0,
  });
  reader = new Redis(server.url);
  // Without an offline queue a command sent before the connection is ready fails at once, as the bot's does; the
  // bot waits for "ready" at start (requestConnection), so the test does too.
  if (requests.status !== "ready") await once(requests, "ready");
  await reader.ping();
  expect(await requests.ping()).toBe("PONG");
});

afterAll(async () => {
  server.resume();
  requests.disconnect();
  reader.disconnect();
  await server.stop();
});

describe("store writes with a deadline", () => {
  it("a write sent to a paused Redis fails as unreachable and is not carried out once Redis resumes", async () => {
    const store = new RedisRunStore(requests, "deadline:", { writeBudgetMs: 500 });
    server.pause();
    const attempt = store.create("shop", (id) => shopRun({ id }), created);
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    server.resume();
    expect(await reader.ping()).toBe("PONG");
    expect(await reader.keys("deadline:run:*")).toEqual([]);
    expect(await reader.get("deadline:lock:shop")).toBeNull();
  });

  it("a write within its deadline is carried out", async () => {
    const store = new RedisRunStore(requests, "deadline:", { writeBudgetMs: 500 });
    const stored = await store.create("shop", (id) => shopRun({ id }), created);
    if (!stored.ok) throw new Error(`shop is held by ${stored.activeRunId}`);
    expect((await new RedisRunStore(reader, "deadline:").get(stored.run.id))?.id).toBe(stored.run.id);
  });

  it("a Redis that is down fails at once as unreachable", async () => {
    const store = new RedisRunStore(requests, "deadline:", { writeBudgetMs: 500 });
    await server.kill();
    await expect(store.get("shop-1")).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
