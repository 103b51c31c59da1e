import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisClient, duplicateWith, type RedisClient } from "../../../src/net/redis/connect.js";
import { logger } from "../../../src/telemetry/pino-logger.js";
import { replayConnection, requestConnection } from "../../../src/wiring/request-redis.js";
import { startRedisSentinels, type TestSentinels } from "../../../testkit/redis-topologies/sentinel.js";

let group: TestSentinels;
const opened: RedisClient[] = [];

beforeAll(async () => {
  group = await startRedisSentinels();
}, 60_000);

afterAll(async () => {
  for (const client of opened) client.disconnect();
  await group?.close();
});

/**
 * What ioredis's failover detector does when a sentinel announces a new primary (+switch-master): it disconnects
 * the connector. When the connection is reconnecting at that moment, as after its primary died, the connect under
 * way fails and ioredis ends the connection for good. Here the connect under way is the first one.
 */
function cutOffConnect(client: RedisClient): void {
  (client as unknown as { connector: { disconnect(): void } }).connector.disconnect();
}

async function pingWithin(client: RedisClient, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await client.ping();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function serving(): RedisClient {
  const client = createRedisClient(group.topology, "serve");
  opened.push(client);
  return client;
}

describe("a serving connection to Redis Sentinel that ioredis ends", () => {
  it("connects again: its commands are answered, not refused with 'Connection is closed' for good", async () => {
    const client = serving();
    cutOffConnect(client);
    await new Promise((resolve) => client.once("end", resolve));
    expect(await pingWithin(client, 5000)).toBe("PONG");
    await client.set("phasegate-connect-again", "1", "PX", 60_000);
    expect(await client.get("phasegate-connect-again")).toBe("1");
  });

  it("so does the bot's fail-fast duplicate for Slack requests", async () => {
    const source = serving();
    await pingWithin(source, 5000);
    const duplicate = duplicateWith(source, { enableOfflineQueue: false, commandTimeout: 1000 });
    opened.push(duplicate);
    cutOffConnect(duplicate);
    await new Promise((resolve) => duplicate.once("end", resolve));
    expect(await pingWithin(duplicate, 5000)).toBe("PONG");
  });

  it("so does the replay check's auto-pipelined duplicate, which every Slack request goes through", async () => {
    const requests = await requestConnection(serving(), logger);
    const replay = await replayConnection(requests);
    opened.push(requests, replay);
    await pingWithin(replay, 5000);
    // Ready already: it is cut off while it connects again, as after its primary died.
    replay.once("connecting", () => cutOffConnect(replay));
    replay.disconnect(true);
    await new Promise((resolve) => replay.once("end", resolve));
    expect(await pingWithin(replay, 5000)).toBe("PONG");
  });

  it("stays closed once phasegate closed it, with disconnect or quit", async () => {
    const [disconnected, quitted] = [serving(), serving()];
    await Promise.all([pingWithin(disconnected, 5000), pingWithin(quitted, 5000)]);
    disconnected.disconnect();
    expect(await quitted.quit()).toBe("OK");
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const client of [disconnected, quitted]) {
      expect((client as Redis).status).toBe("end");
      await expect(client.ping()).rejects.toThrow("Connection is closed");
    }
  });
});
