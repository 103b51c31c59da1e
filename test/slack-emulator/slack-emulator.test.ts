import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackFake } from "../../src/slack-emulator/index.js";

let fake: SlackFake;
let client: webApi.WebClient;

beforeAll(async () => {
  fake = await new SlackFake({ token: "xoxb-fake", channels: ["C1"] }).start();
  client = new webApi.WebClient("xoxb-fake", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});

afterAll(async () => {
  await fake.stop();
});

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const button = (fields: Record<string, string>) => ({
  type: "actions",
  elements: [
    { type: "button", text: { type: "plain_text", text: "Go" }, action_id: "go", value: "v", ...fields },
  ],
});

async function errorOf(call: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: { error: string; response_metadata?: { messages?: string[] } } }).data;
    return { error: data?.error ?? String(error), messages: data?.response_metadata?.messages ?? [] };
  }
  throw new Error("the call succeeded");
}

describe("Slack Web API fake (through the production WebClient)", () => {
  it("stores a message and its updates, and answers ts like Slack", async () => {
    const posted = await client.chat.postMessage({
      channel: "C1",
      text: "hi",
      blocks: [section("hi")] as never,
    });
    expect(posted).toMatchObject({ ok: true, channel: "C1", ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    await client.chat.update({ channel: "C1", ts: posted.ts ?? "", text: "bye" });
    expect(fake.message("C1", posted.ts ?? "")?.text).toBe("bye");
    expect(await errorOf(client.chat.update({ channel: "C1", ts: "9.9", text: "x" }))).toMatchObject({
      error: "message_not_found",
    });
  });

  it.each([
    ["51 blocks", Array.from({ length: 51 }, () => section("x")), "blocks: must have at most 50 items"],
    [
      "a 3,001-character section",
      [section("x".repeat(3001))],
      "/blocks/0.text: must be at most 3000 characters",
    ],
    [
      "a 2,001-character button value",
      [button({ value: "v".repeat(2001) })],
      "value: must be at most 2000 characters",
    ],
    [
      "a 256-character action_id",
      [button({ action_id: "a".repeat(256) })],
      "action_id: must be at most 255 characters",
    ],
  ])("refuses %s with invalid_blocks", async (_what, blocks, problem) => {
    const answer = await errorOf(
      client.chat.postMessage({ channel: "C1", text: "x", blocks: blocks as never }),
    );
    expect(answer.error).toBe("invalid_blocks");
    expect(answer.messages.join("\n")).toContain(problem);
  });

  it("answers channel_not_found, invalid_auth, and ratelimited with Retry-After on demand", async () => {
    expect((await errorOf(client.chat.postMessage({ channel: "C404", text: "x" }))).error).toBe(
      "channel_not_found",
    );
    const stranger = new webApi.WebClient("xoxb-other", {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    expect((await errorOf(stranger.chat.postMessage({ channel: "C1", text: "x" }))).error).toBe(
      "invalid_auth",
    );
    fake.rateLimitNext("chat.postMessage", 7);
    const response = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { authorization: "Bearer xoxb-fake", "content-type": "application/json" },
      body: JSON.stringify({ channel: "C1", text: "x" }),
    });
    expect([
      response.status,
      response.headers.get("retry-after"),
      ((await response.json()) as { error: string }).error,
    ]).toEqual([429, "7", "ratelimited"]);
  });

  it("takes POSTs to the response_urls it hands out", async () => {
    await fetch(fake.responseUrl("k1"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"text":"done"}',
    });
    expect(fake.responses).toEqual([{ key: "k1", body: { text: "done" } }]);
  });
});
