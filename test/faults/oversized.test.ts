import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_TIMEOUTS } from "../../src/net/http/server-limits.js";
import {
  nowSeconds,
  postSigned,
  SlackFake,
  slackSignature,
  slashCommandBody,
} from "../../src/slack-emulator/index.js";
import { type BotProcess, startBotProcess } from "../../testkit/bot-process.js";
import { writeMinimalServices } from "../../testkit/minimal-services.js";
import { oversizedPost } from "../../testkit/oversized-post.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../../testkit/redis.js";
import { dribbleBeside } from "../../testkit/slow-clients.js";

const SECRET = "oversized-secret";
const TOKEN = "xoxb-oversized";
const CHANNEL = "C0SHOP";
const ALICE = "U0ALICE";
const MiB = 1024 * 1024;

let fake: SlackFake;
let bot: BotProcess;
let dir: string;
const prefix = uniquePrefix("oversized");
let requests = 0;

function command(text: string) {
  const key = `cmd-${++requests}`;
  return {
    key,
    body: slashCommandBody({ text, user: ALICE, channel: CHANNEL, responseUrl: fake.responseUrl(key) }),
  };
}

/** A signed POST to the bot at `rawPath`, sent as written (fetch would resolve `/./` and `\\` first). */
function rawSignedPost(
  rawPath: string,
  body: string,
  timestamp: number,
  signature = slackSignature(SECRET, timestamp, body),
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port: bot.port,
        method: "POST",
        path: rawPath,
        agent: false,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-slack-request-timestamp": String(timestamp),
          "x-slack-signature": signature,
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-oversized-"));
  const servicesFile = await writeMinimalServices(dir, CHANNEL, {
    starters: [ALICE],
    approvers: { users: [ALICE] },
  });
  fake = await new SlackFake({ token: TOKEN }).start();
  bot = await startBotProcess({
    servicesFile,
    redisUrl,
    prefix,
    slackApiUrl: fake.apiUrl,
    token: TOKEN,
    signingSecret: SECRET,
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

describe("Slack's endpoint in front of authentication", () => {
  it("refuses 100 MB unauthenticated posts with 413 before buffering them; the bot's peak memory stays low", async () => {
    const before = await bot.peakMemoryMiB();
    const declared = await oversizedPost(bot.url, 100 * MiB, true);
    const chunked = await Promise.all(
      Array.from({ length: 10 }, () => oversizedPost(bot.url, 100 * MiB, false)),
    );
    const after = await bot.peakMemoryMiB();
    for (const post of [declared, ...chunked]) {
      // The bot answers 413 after 1 MiB and closes; the client may see the close before the answer.
      expect([413, "reset"]).toContain(post.status);
      expect(post.sentBytes).toBeLessThan(50 * MiB);
    }
    expect(after - before).toBeLessThan(40);
    expect(after).toBeLessThan(200);
    // The bot is still answering.
    const { key, body } = command("help");
    expect((await postSigned(bot.url, SECRET, body)).status).toBe(200);
    expect(key).toBeTruthy();
  }, 60_000);

  // Bolt routes by the URL's pathname, where these are its endpoint: each must meet the same guard.
  const aliases = ["/slack/./events", "/slack/x/../events", "/slack\\events", "/slack/events#x"];

  it("guards every path Bolt reads as its endpoint: an oversized post is cut off, a replay and a forgery refused", async () => {
    for (const alias of aliases) {
      const oversized = await oversizedPost(bot.url, 20 * MiB, true, alias);
      expect([413, "reset"]).toContain(oversized.status);
      expect(oversized.sentBytes).toBeLessThan(10 * MiB);

      const { key, body } = command("list");
      const timestamp = nowSeconds();
      expect((await rawSignedPost(alias, body, timestamp)).status).toBe(200);
      await fake.waitFor(() => fake.responses.find((r) => r.key === key));
      const replay = await rawSignedPost(alias, body, timestamp);
      expect(replay).toEqual({ status: 401, text: "replayed: this signed request was already received\n" });
      expect((await rawSignedPost(alias, command("list").body, timestamp, "v0=00")).status).toBe(401);
      expect(fake.responses.filter((r) => r.key === key)).toHaveLength(1);
    }
  });

  it("refuses a replayed signed request (same signature within Slack's window)", async () => {
    const { key, body } = command("list");
    const timestamp = nowSeconds();
    const first = await postSigned(bot.url, SECRET, body, { timestamp });
    expect(first.status).toBe(200);
    await fake.waitFor(() => fake.responses.find((r) => r.key === key));
    const replay = await postSigned(bot.url, SECRET, body, { timestamp });
    expect(replay.status).toBe(401);
    expect(replay.text).toContain("replayed");
    expect(fake.responses.filter((r) => r.key === key)).toHaveLength(1);
  });

  it("refuses unsigned, stale and malformed requests with a status, never a crash", async () => {
    const { body } = command("list");
    expect((await postSigned(bot.url, SECRET, body, { signature: "v0=00" })).status).toBe(401);
    expect((await postSigned(bot.url, SECRET, body, { timestamp: nowSeconds() - 400 })).status).toBe(401);
    const noUser = new URLSearchParams({
      payload: JSON.stringify({ type: "block_actions", actions: [{ action_id: "phasegate.approve" }] }),
    }).toString();
    const malformed = await postSigned(bot.url, SECRET, noUser);
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain("block_actions");
    expect((await postSigned(bot.url, SECRET, "payload=%7Bnot-json")).status).toBe(400);
    expect((await fetch(`${bot.url.replace("/slack/events", "/healthz")}`)).status).toBe(200);
  });

  it("a client that stalls after its headers delays no one else's answer, and is cut off", async () => {
    const stalled = connect(bot.port, "127.0.0.1");
    stalled.write(
      `POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n`,
    );
    let stalledAnswer = "";
    stalled.on("data", (chunk: Buffer) => (stalledAnswer += chunk.toString()));
    stalled.on("error", () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { key, body } = command("list");
    const started = Date.now();
    const ts = nowSeconds();
    const ack = await fetch(bot.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": slackSignature(SECRET, ts, body),
      },
      body,
    });
    expect(ack.status).toBe(200);
    await fake.waitFor(() => fake.responses.find((r) => r.key === key));
    // Before the guard the stalled request held every answer back by about 4 s.
    expect(Date.now() - started).toBeLessThan(2500);
    await fake.waitFor(() => stalledAnswer.includes("408"), 15_000);
    stalled.destroy();
  }, 30_000);

  it("cuts a client dribbling its headers off with 408 within the headers limit, and answers others meanwhile", async () => {
    const { other, answer, closedAfterMs } = await dribbleBeside(bot.port, "/healthz", 45_000);
    expect(other).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // Before, the limit was checked every 30 s (Node's default): a client stayed up to 35 s.
    expect(closedAfterMs).toBeLessThan(SERVER_TIMEOUTS.headersTimeout + 2500);
  }, 60_000);
});
