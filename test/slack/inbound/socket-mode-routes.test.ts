import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../src/net/free-ports.js";
import { SlackFake } from "../../../src/slack-emulator/index.js";
import { cliArgv } from "../../../testkit/cli-entry.js";
import { writeMinimalServices } from "../../../testkit/minimal-services.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../../../testkit/redis.js";

const prefix = uniquePrefix("socketroutes");
let fake: SlackFake;
let bot: ChildProcess;
let dir: string;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-socketroutes-"));
  const servicesFile = await writeMinimalServices(dir, "C0SHOP", { approvers: { users: ["U0A"] } });
  fake = await new SlackFake({ token: "xoxb-socketroutes", appToken: "xapp-socketroutes" }).start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  bot = spawn(process.execPath, cliArgv("bot"), {
    stdio: "ignore",
    env: {
      ...process.env,
      LOG_LEVEL: "silent",
      PORT: String(port),
      SLACK_BOT_TOKEN: "xoxb-socketroutes",
      SLACK_APP_TOKEN: "xapp-socketroutes",
      SLACK_API_URL: fake.apiUrl,
      PHASEGATE_SERVICES: servicesFile,
      PHASEGATE_PREFIX: prefix,
      REDIS_URL: redisUrl,
    },
  });
  for (const deadline = Date.now() + 60_000; ; ) {
    if (
      (await fetch(`${base}/healthz`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      break;
    if (bot.exitCode !== null || Date.now() > deadline) throw new Error("the bot did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 90_000);

afterAll(async () => {
  bot?.kill("SIGTERM");
  await fake?.stop();
  const redis = connectRedis();
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe("the bot in Socket Mode, its HTTP routes", () => {
  it("a path with broken percent-encoding is refused with 400; the bot goes on", async () => {
    const broken = await fetch(`${base}/api/v1/runs/%E0%A4%A`);
    // Before: Bolt's Socket Mode server threw in an async listener and the bot exited on the unhandled rejection.
    expect({ status: broken.status, body: await broken.json() }).toEqual({
      status: 400,
      body: { error: "bad-path", message: "the path /api/v1/runs/%E0%A4%A is not valid percent-encoding" },
    });
    expect((await fetch(`${base}/api/v1/runs`)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bot.exitCode).toBeNull();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("serves no Slack endpoint: a command posted to /slack/events over HTTP is not taken", async () => {
    const posted = await fetch(`${base}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        command: "/migrate",
        text: "start shop v2",
        user_id: "U0A",
        channel_id: "C0SHOP",
      }),
    });
    expect(posted.status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.history("C0SHOP")).toEqual([]);
  });
});
