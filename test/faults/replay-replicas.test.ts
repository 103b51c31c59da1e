import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nowSeconds, postSigned, SlackFake, slashCommandBody } from "../../src/slack-emulator/index.js";
import { type BotProcess, startBotProcess } from "../../testkit/bot-process.js";
import { writeMinimalServices } from "../../testkit/minimal-services.js";
import { uniquePrefix } from "../../testkit/redis.js";
import { RedisServer } from "../../testkit/redis-server.js";

const SECRET = "replicas-secret";
const TOKEN = "xoxb-replicas";
const CHANNEL = "C0SHOP";
const ALICE = "U0ALICE";

let redis: RedisServer;
let fake: SlackFake;
let dir: string;
let first: BotProcess;
let second: BotProcess;
let requests = 0;

/** A signed `/migrate list` (answered on its response URL), with the key its answer is found by. */
function list() {
  const key = `list-${++requests}`;
  const body = slashCommandBody({
    text: "list",
    user: ALICE,
    channel: CHANNEL,
    responseUrl: fake.responseUrl(key),
  });
  return { key, body, timestamp: nowSeconds() };
}

const answered = (key: string) => fake.responses.filter((r) => r.key === key);

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-replicas-"));
  const servicesFile = await writeMinimalServices(dir, CHANNEL, {
    starters: [ALICE],
    approvers: { users: [ALICE] },
  });
  fake = await new SlackFake({ token: TOKEN }).start();
  // Two replicas of the bot, as the shipped manifests run them: one Redis, one prefix.
  const options = {
    servicesFile,
    redisUrl: redis.url,
    prefix: uniquePrefix("replicas"),
    slackApiUrl: fake.apiUrl,
    token: TOKEN,
    signingSecret: SECRET,
  };
  [first, second] = await Promise.all([startBotProcess(options), startBotProcess(options)]);
}, 120_000);

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  await fake?.stop();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("replays across bot replicas", () => {
  it("a signed request received by one replica is refused by the other, and by itself", async () => {
    const { key, body, timestamp } = list();
    expect((await postSigned(first.url, SECRET, body, { timestamp })).status).toBe(200);
    await fake.waitFor(() => answered(key)[0]);

    for (const replica of [second, first]) {
      const replay = await postSigned(replica.url, SECRET, body, { timestamp });
      expect(replay.status).toBe(401);
      expect(replay.text).toContain("replayed: this signed request was already received");
    }
    // The other replica answers requests of its own.
    const fresh = list();
    expect((await postSigned(second.url, SECRET, fresh.body, { timestamp: fresh.timestamp })).status).toBe(
      200,
    );
    await fake.waitFor(() => answered(fresh.key)[0]);
    expect(answered(key)).toHaveLength(1);
  });

  it("the same signed request sent 20 times at once, to both replicas, is answered once", async () => {
    const { key, body, timestamp } = list();
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postSigned((i % 2 === 0 ? first : second).url, SECRET, body, { timestamp }),
      ),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, ...Array(19).fill(401)]);
    await fake.waitFor(() => answered(key)[0]);
    expect(answered(key)).toHaveLength(1);
  });

  it("Redis unreachable for the replay check: the request is refused with an answer, nothing done; a retry works once it is back", async () => {
    const { key, body, timestamp } = list();
    redis.pause();
    try {
      const started = Date.now();
      const refused = await postSigned(first.url, SECRET, body, { timestamp });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(refused.status).toBe(200);
      expect(JSON.parse(refused.text)).toMatchObject({
        response_type: "ephemeral",
        text: expect.stringContaining("cannot reach Redis to check that this request was not sent before"),
      });
    } finally {
      redis.resume();
    }
    await fake.waitFor(() => first.output().includes('"reason":"replay-check-unavailable"'));
    expect(answered(key)).toHaveLength(0);

    // The user tries again (Slack signs a new request): carried out once Redis is back.
    const retry = list();
    expect((await postSigned(second.url, SECRET, retry.body, { timestamp: retry.timestamp })).status).toBe(
      200,
    );
    await fake.waitFor(() => answered(retry.key)[0]);
  });
});
