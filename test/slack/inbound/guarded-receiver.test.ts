import type { AddressInfo } from "node:net";
import type { App } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  blockActionsBody,
  postSigned,
  SlackFake,
  slashCommandBody,
} from "../../../src/slack-emulator/index.js";
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
/** Commands whose listener has ended; a listener waits for `blocking`, when it is set, before its ack. */
let finished: string[] = [];
let blocking: Promise<void> | null = null;
/** A click on the "hold" button is acked once `holding` resolves; `holds` counts the clicks its listener got. */
let holding: Promise<void> = Promise.resolve();
let holds = 0;

beforeAll(async () => {
  fake = await new SlackFake().start();
  app = slackAppOnFake(fake, SECRET, redis, prefix, logger);
  app.command("/migrate", async ({ command, ack }) => {
    heard.push(command.text);
    await blocking;
    await ack({ response_type: "ephemeral", text: `heard ${command.text}` });
    finished.push(command.text);
  });
  app.action("hold", async ({ ack }) => {
    holds += 1;
    await holding;
    await ack();
  });
  const server = (await app.start(0)) as { address(): AddressInfo };
  base = `http://127.0.0.1:${server.address().port}`;
});

beforeEach(() => {
  heard = [];
  holds = 0;
  finished = [];
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

/** A click on the "hold" button, its ack held until `release`. */
function holdClick(messageTs: string) {
  let release = () => {};
  holding = new Promise<void>((resolve) => {
    release = resolve;
  });
  let answered = false;
  const click = postSigned(
    `${base}/slack/events`,
    SECRET,
    blockActionsBody({
      user: "U0BOB",
      channel: "C0SHOP",
      messageTs,
      actionId: "hold",
      value: "{}",
      responseUrl: fake.responseUrl(`hold-${messageTs}`),
    }),
  ).finally(() => {
    answered = true;
  });
  return { click, release, answered: () => answered };
}

const command = (text: string) =>
  slashCommandBody({ text, user: "U0ALICE", channel: "C0SHOP", responseUrl: fake.responseUrl(text) });

/** The listener got these commands (it runs once the ack is out). */
async function heardSoon(texts: string[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while (heard.length < texts.length && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(heard).toEqual(texts);
}

describe("Slack's endpoint in HTTP mode", () => {
  it("acks a checked command at once (empty: its answer follows by response URL), then hands it to its listener", async () => {
    const answer = await postSigned(`${base}/slack/events`, SECRET, command("status"));
    expect(answer).toMatchObject({ status: 200, text: "" });
    await heardSoon(["status"]);
  });

  it("acks a typo or help with its answer, and the listener's own ack changes nothing", async () => {
    const typo = await postSigned(`${base}/slack/events`, SECRET, command("statuss"));
    expect(typo.status).toBe(200);
    expect(typo.json).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringContaining('Unknown subcommand "statuss"'),
    });
    const help = await postSigned(`${base}/slack/events`, SECRET, command("help"));
    expect(help.json).toMatchObject({ text: expect.stringContaining("`/migrate start <service> <version>") });
    await heardSoon(["statuss", "help"]);
  });

  it("answers a command while its listener is still busy: the ack never waits for Bolt's work", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    blocking = held;
    try {
      const answer = await postSigned(`${base}/slack/events`, SECRET, command("plan shop v2"));
      expect(answer).toMatchObject({ status: 200, text: "" });
      await heardSoon(["plan shop v2"]);
      expect(finished).toEqual([]);
    } finally {
      release();
      blocking = null;
    }
    await expect.poll(() => finished).toEqual(["plan shop v2"]);
  });

  it("hands an acked command to its listener only once every ack owed is out: a click's held ack goes first", async () => {
    const held = holdClick("1700000000.000100");
    try {
      await expect.poll(() => holds).toBe(1);
      const answer = await postSigned(`${base}/slack/events`, SECRET, command("plan shop v9"));
      expect(answer).toMatchObject({ status: 200, text: "" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toEqual([]);
    } finally {
      held.release();
    }
    expect((await held.click).status).toBe(200);
    await heardSoon(["plan shop v9"]);
  });

  it("carries out an acked command after 2 s all the same when another request's ack never comes", async () => {
    const held = holdClick("1700000000.000200");
    try {
      await expect.poll(() => holds).toBe(1);
      const sent = Date.now();
      await postSigned(`${base}/slack/events`, SECRET, command("plan shop v8"));
      await expect.poll(() => heard, { timeout: 4000 }).toEqual(["plan shop v8"]);
      expect(Date.now() - sent).toBeGreaterThanOrEqual(1900);
      expect(held.answered()).toBe(false);
    } finally {
      held.release();
    }
    expect((await held.click).status).toBe(200);
  });

  it("reads a form whose content type names its charset (a proxy may add one)", async () => {
    const answer = await postSigned(`${base}/slack/events`, SECRET, command("list"), {
      contentType: "application/x-www-form-urlencoded; charset=utf-8",
    });
    expect(answer.status).toBe(200);
    await heardSoon(["list"]);
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
