import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisTopologyFromEnv } from "../../../src/net/redis/redis-env.js";
import { AckGate } from "../../../src/slack/inbound/ack-gate.js";
import { guardRequests } from "../../../src/slack/inbound/request-guard.js";
import { postSigned, slashCommandBody } from "../../../src/slack-emulator/index.js";
import { RedisReplayGuard } from "../../../src/store/redis-replay-guard.js";
import { logger } from "../../../src/telemetry/pino-logger.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../../../testkit/redis.js";
import { TcpProxy } from "../../../testkit/tcp-proxy.js";

const SECRET = "ack-gate-secret";
const prefix = uniquePrefix("ackgate");
let proxy: TcpProxy;
let redis: ReturnType<typeof connectRedis>;
let server: Server;
const acks = new AckGate();

beforeAll(async () => {
  const target = new URL(redisUrl);
  proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
  redis = connectRedis(redisTopologyFromEnv({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` }));
  // The proxy resets the connection on purpose; ioredis reconnects by itself.
  redis.on("error", () => undefined);
  await redis.ping();
  const answer = guardRequests((_request, response) => response.writeHead(404).end(), {
    signingSecret: SECRET,
    replays: new RedisReplayGuard(redis, prefix),
    endpoint: "/slack/events",
    logger,
    onSigned: (response) => acks.track(response),
    accepted: (_request, _body, response) => response.end(),
  });
  server = createServer(answer).listen(0, "127.0.0.1");
  await once(server, "listening");
});

afterAll(async () => {
  server.close();
  await proxy.set("pass");
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await proxy.stop();
});

describe("the work after an ack (the AckGate)", () => {
  it("waits for a signed request still in its replay check, which waits on Redis, before going ahead", async () => {
    await proxy.set("blackhole");
    const { port } = server.address() as AddressInfo;
    const body = slashCommandBody({
      text: "status",
      user: "U0ALICE",
      channel: "C0SHOP",
      responseUrl: "https://hooks.slack.com/commands/T0/1/x",
    });
    const request = postSigned(`http://127.0.0.1:${port}/slack/events`, SECRET, body);
    await new Promise((resolve) => setTimeout(resolve, 200));

    let settled = false;
    const work = acks.settled().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);

    // Redis answers again (the swallowed check is sent again on a new connection): the ack goes, then the work.
    await proxy.set("refuse");
    await proxy.set("pass");
    expect((await request).status).toBe(200);
    await work;
    expect(settled).toBe(true);
  });
});
