import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { freePort } from "../../src/net/free-ports.js";
import { type BotProcess, startBotProcess } from "../../testkit/bot-process.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../../testkit/redis.js";

const TOKEN = "xoxb-1234-5678-never-in-a-log";
const prefix = uniquePrefix("notoken");
let dir: string;
let bot: BotProcess;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-notoken-"));
  const servicesFile = path.join(dir, "services.yaml");
  const shop = {
    project: { path: "." },
    deployer: { kind: "command", command: ["true"] },
    rollout: { kind: "command", command: ["true"] },
    slack: { channel: "C0SHOP" },
    access: { approvers: { users: ["U0BOB"] } },
  };
  await writeFile(servicesFile, stringify({ services: { shop } }));
  // Nothing listens there: every Web API call fails before an answer, as when Slack or the proxy is unreachable.
  const unreachable = `http://127.0.0.1:${await freePort()}/api/`;
  bot = await startBotProcess({
    servicesFile,
    redisUrl,
    prefix,
    slackApiUrl: unreachable,
    token: TOKEN,
    signingSecret: "notoken-secret",
  });
});

afterAll(async () => {
  await bot?.stop();
  const redis = connectRedis();
  await deleteKeys(redis, prefix);
  redis.disconnect();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the log of a bot that cannot reach Slack", () => {
  it("says why each call failed, without the bot token its requests carried", async () => {
    const lineOf = () =>
      bot
        .output()
        .split("\n")
        .find((line) => line.includes("Slack does not accept the bot token yet"));
    const deadline = Date.now() + 20_000;
    while (!lineOf() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = lineOf() ?? "the line never came";
    const line = JSON.parse(refused) as { err: { code: string; original: Record<string, unknown> } };
    expect(line.err.code).toBe("slack_webapi_request_error");
    expect(line.err.original).toMatchObject({ code: "ECONNREFUSED" });
    expect(String(line.err.original.message)).toContain("ECONNREFUSED");
    expect(bot.output()).not.toContain(TOKEN);
    expect(bot.output()).not.toContain("Bearer");
  });
});
