import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { type AddressInfo, createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServices } from "../../src/config/load-services.js";
import { createRedisClient, type RedisClient } from "../../src/net/redis/connect.js";
import { SlackFake } from "../../src/slack-emulator/index.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { startBot } from "../../src/wiring/bot.js";
import { writeMinimalServices } from "../../testkit/minimal-services.js";
import { RedisServer } from "../../testkit/redis-server.js";

let server: RedisServer;
let redis: RedisClient;
let fake: SlackFake;
let taken: Server;
let dir: string;

beforeAll(async () => {
  server = await RedisServer.start();
  redis = createRedisClient({ kind: "standalone", url: server.url }, "serve");
  fake = await new SlackFake({ token: "xoxb-start-failure" }).start();
  taken = createServer().listen(0, "127.0.0.1");
  await once(taken, "listening");
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-bot-start-"));
}, 30_000);

afterAll(async () => {
  redis?.disconnect();
  taken?.close();
  await fake?.stop();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The connections the Redis server holds, its own CLIENT LIST's included. */
async function connectionsTo(server: RedisServer): Promise<number> {
  const probe = createRedisClient({ kind: "standalone", url: server.url }, "command");
  await probe.connect();
  try {
    return (
      String(await probe.client("LIST"))
        .trim()
        .split("\n").length - 1
    );
  } finally {
    probe.disconnect();
  }
}

describe("a bot that cannot listen on its port", () => {
  it("fails with the port's error and closes what it had started: only its caller's connection is left", async () => {
    await redis.ping();
    const services = await loadServices(
      await writeMinimalServices(dir, "C0START", { approvers: { users: ["U0BOB"] } }),
    );
    const port = (taken.address() as AddressInfo).port;
    const started = startBot({
      env: {
        SLACK_BOT_TOKEN: "xoxb-start-failure",
        SLACK_SIGNING_SECRET: "secret",
        SLACK_API_URL: fake.apiUrl,
        PORT: port,
      },
      services,
      redis,
      prefix: "phasegate:start-failure:",
      logger,
      withWorker: true,
      host: "127.0.0.1",
    });
    await expect(started).rejects.toThrow("EADDRINUSE");
    // The request and replay connections, the engines' queues and the worker's are closed; the caller's is not.
    for (let waited = 0; (await connectionsTo(server)) > 1 && waited < 5000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await connectionsTo(server)).toBe(1);
    expect(await redis.ping()).toBe("PONG");
  }, 30_000);
});
