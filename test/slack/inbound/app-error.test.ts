import type { AddressInfo } from "node:net";
import type { App } from "@slack/bolt";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerErrorHandler } from "../../../src/slack/inbound/error-handler.js";
import {
  blockActionsBody,
  postSigned,
  SlackFake,
  slashCommandBody,
} from "../../../src/slack-emulator/index.js";
import { logFormat } from "../../../src/telemetry/log-format.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../../testkit/redis.js";
import { slackAppOnFake } from "../../../testkit/slack-app.js";

const SECRET = "app-error-secret";
const lines: Array<Record<string, unknown>> = [];
const logger = pino(
  { level: "info", ...logFormat },
  { write: (line: string) => lines.push(JSON.parse(line)) },
);
const redis = connectRedis();
const prefix = uniquePrefix("app-error");
let fake: SlackFake;
let app: App;
let url: string;

beforeAll(async () => {
  fake = await new SlackFake().start();
  app = slackAppOnFake(fake, SECRET, redis, prefix, logger);
  registerErrorHandler(app, logger);
  app.action("test.boom", async ({ ack }) => {
    await ack();
    throw Object.assign(new Error("the listener broke"), { code: "test_boom" });
  });
  app.command("/migrate", async () => {
    throw Object.assign(new Error("the command broke"), { code: "test_command_boom" });
  });
  const server = (await app.start(0)) as { address(): AddressInfo };
  url = `http://127.0.0.1:${server.address().port}/slack/events`;
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe("app.error", () => {
  it("logs what a listener throws once, structured, with the request it came from", async () => {
    const body = blockActionsBody({
      user: "U0ALICE",
      channel: "C0SHOP",
      messageTs: "1.000001",
      actionId: "test.boom",
      value: "{}",
      responseUrl: fake.responseUrl("boom"),
    });
    expect((await postSigned(url, SECRET, body)).status).toBe(200);
    const deadline = Date.now() + 5000;
    while (!lines.some((l) => l.msg === "a Slack request failed inside phasegate") && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const logged = lines.filter((l) => l.msg === "a Slack request failed inside phasegate");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: "error",
      severity: "ERROR",
      code: "test_boom",
      err: { message: "the listener broke" },
      request: { kind: "block_actions", user: "U0ALICE", action: "test.boom" },
    });
  });

  it("tells the user of a slash command that failed before its listener acked, by its response URL", async () => {
    const body = slashCommandBody({
      text: "status",
      user: "U0ALICE",
      channel: "C0SHOP",
      responseUrl: fake.responseUrl("command-boom"),
    });
    expect(await postSigned(url, SECRET, body)).toMatchObject({ status: 200, text: "" });
    const told = await fake.waitFor(() => fake.responses.find((r) => r.key === "command-boom"), 5000);
    expect(told.body).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringContaining("Something went wrong on phasegate's side"),
    });
    expect(lines.filter((l) => l.code === "test_command_boom")).toMatchObject([
      {
        msg: "a Slack request failed inside phasegate",
        request: { kind: "command", command: "/migrate", user: "U0ALICE" },
      },
    ]);
  });
});
