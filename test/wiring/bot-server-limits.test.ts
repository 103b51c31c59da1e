import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_TIMEOUTS } from "../../src/net/http/server-limits.js";
import { SlackFake } from "../../src/slack-emulator/index.js";
import { type BotProcess, startBotProcess } from "../../testkit/bot-process.js";
import { writeMinimalServices } from "../../testkit/minimal-services.js";
import { dribbleHeaders, rawGet } from "../../testkit/raw-client.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../../testkit/redis.js";

const TOKEN = "xoxb-bot-limits";
const prefix = uniquePrefix("bot-limits");
let fake: SlackFake;
let bot: BotProcess;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-bot-limits-"));
  const servicesFile = await writeMinimalServices(dir, "C0SHOP", { approvers: { users: ["U0ALICE"] } });
  fake = await new SlackFake({ token: TOKEN }).start();
  bot = await startBotProcess({
    servicesFile,
    redisUrl,
    prefix,
    slackApiUrl: fake.apiUrl,
    token: TOKEN,
    signingSecret: "bot-limits-secret",
  });
}, 90_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.stop();
  const redis = connectRedis();
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe("the bot's HTTP server", () => {
  it("cuts a client dribbling its headers off with 408 within the headers limit, and answers others meanwhile", async () => {
    const slow = dribbleHeaders(bot.port, 500, 45_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await rawGet(bot.port, "/healthz")).toMatch(/^HTTP\/1\.1 200 /);
    const { answer, closedAfterMs } = await slow;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // Before, the limit was checked every 30 s (Node's default): a client stayed up to 35 s.
    expect(closedAfterMs).toBeLessThan(SERVER_TIMEOUTS.headersTimeout + 2500);
  }, 60_000);
});
