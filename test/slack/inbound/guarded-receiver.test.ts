import type { AddressInfo } from "node:net";
import type { App } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postSigned, SlackFake, slashCommandBody } from "../../../src/slack-emulator/index.js";
import { logger } from "../../../src/telemetry/pino-logger.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../../testkit/redis.js";
import { slackAppOnFake } from "../../../testkit/slack-app.js";

const SECRET = "guarded-receiver-secret";
const redis = connectRedis();
const prefix = uniquePrefix("guarded-receiver");
let fake: SlackFake;
let app: App;
let base: string;
let heard: string[] = [];

beforeAll(async () => {
  fake = await new SlackFake().start();
  app = slackAppOnFake(fake, SECRET, redis, prefix, logger);
  app.command("/migrate", async ({ command, ack }) => {
    heard.push(command.text);
    await ack({ response_type: "ephemeral", text: `heard ${command.text}` });
  });
  const server = (await app.start(0)) as { address(): AddressInfo };
  base = `http://127.0.0.1:${server.address().port}`;
});

beforeEach(() => {
  heard = [];
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const command = (text: string) =>
  slashCommandBody({ text, user: "U0ALICE", channel: "C0SHOP", responseUrl: fake.responseUrl(text) });

describe("Slack's endpoint in HTTP mode", () => {
  it("hands a checked command to its listener, whose ack is the answer", async () => {
    const answer = await postSigned(`${base}/slack/events`, SECRET, command("status"));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ text: "heard status" });
    expect(heard).toEqual(["status"]);
  });

  it("reads a form whose content type names its charset (a proxy may add one)", async () => {
    const answer = await postSigned(`${base}/slack/events`, SECRET, command("list"), {
      contentType: "application/x-www-form-urlencoded; charset=utf-8",
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ text: "heard list" });
    expect(heard).toEqual(["list"]);
  });

  it("answers Slack's SSL check with an empty 200, and no listener sees it", async () => {
    const answer = await postSigned(`${base}/slack/events`, SECRET, "ssl_check=1&token=legacy");
    expect(answer).toMatchObject({ status: 200, text: "" });
    expect(heard).toEqual([]);
  });

  it("has no way to a listener but the guard's: a signed command to another path is 404", async () => {
    for (const path of ["/slack/events/", "/slack/event", "/slack/events/x"]) {
      const answer = await postSigned(`${base}${path}`, SECRET, command(`via ${path}`));
      expect(answer.status, path).toBe(404);
    }
    expect(heard).toEqual([]);
  });
});
