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
const button = (fields: Record<string, unknown>) => ({
  type: "actions",
  elements: [
    { type: "button", text: { type: "plain_text", text: "Go" }, action_id: "go", value: "v", ...fields },
  ],
});
const plain = (text: string) => ({ type: "plain_text", text });
const confirm = (overrides: Record<string, unknown>) => ({
  confirm: {
    title: plain("Sure?"),
    text: plain("Really"),
    confirm: plain("Yes"),
    deny: plain("No"),
    ...overrides,
  },
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
    [
      "a confirm dialog title of 101 characters",
      [button(confirm({ title: plain("t".repeat(101)) }))],
      "confirm.title: must be at most 100 characters",
    ],
    [
      "a confirm dialog text of 301 characters",
      [button(confirm({ text: plain("t".repeat(301)) }))],
      "confirm.text: must be at most 300 characters",
    ],
    [
      "a confirm button text of 31 characters",
      [button(confirm({ confirm: plain("t".repeat(31)) }))],
      "confirm.confirm: must be at most 30 characters",
    ],
    [
      "a deny button text of 31 characters",
      [button(confirm({ deny: plain("t".repeat(31)) }))],
      "confirm.deny: must be at most 30 characters",
    ],
    [
      "a context element of 2,001 characters",
      [{ type: "context", elements: [{ type: "mrkdwn", text: "c".repeat(2001) }] }],
      "/blocks/0.elements[0].text: must be 1 to 2000 characters",
    ],
    ["an empty section text", [section("")], "/blocks/0.text: must be more than 0 characters"],
    [
      "mrkdwn in a header",
      [{ type: "header", text: { type: "mrkdwn", text: "*h*" } }],
      "/blocks/0.text: must be a plain_text text object",
    ],
  ])("refuses %s with invalid_blocks", async (_what, blocks, problem) => {
    const answer = await errorOf(
      client.chat.postMessage({ channel: "C1", text: "x", blocks: blocks as never }),
    );
    expect(answer.error).toBe("invalid_blocks");
    expect(answer.messages.join("\n")).toContain(problem);
  });

  it("counts characters, not UTF-16 units: 100 emoji are a valid confirm title, 101 are not", async () => {
    const title = (n: number) => [button(confirm({ title: plain("\u{1F680}".repeat(n)) }))];
    await client.chat.postMessage({ channel: "C1", text: "x", blocks: title(100) as never });
    const answer = await errorOf(
      client.chat.postMessage({ channel: "C1", text: "x", blocks: title(101) as never }),
    );
    expect(answer.messages.join("\n")).toContain("confirm.title: must be at most 100 characters");
  });

  it("refuses more than 12,000 characters of text over all blocks with msg_blocks_too_long", async () => {
    const blocks = (n: number) => Array.from({ length: 4 }, () => section("x".repeat(n)));
    await client.chat.postMessage({ channel: "C1", text: "x", blocks: blocks(3000) as never });
    const posted = await client.chat.postMessage({
      channel: "C1",
      text: "x",
      blocks: [section("x")] as never,
    });
    for (const call of [
      client.chat.postMessage({
        channel: "C1",
        text: "x",
        blocks: blocks(3000).concat([section("y")]) as never,
      }),
      client.chat.update({
        channel: "C1",
        ts: posted.ts ?? "",
        text: "x",
        blocks: blocks(3000).concat([section("y")]) as never,
      }),
    ])
      expect(await errorOf(call)).toEqual({ error: "msg_blocks_too_long", messages: [] });
  });

  it("opens a modal on views.open within a view's limits, and refuses one beyond them", async () => {
    const view = (title: string) => ({
      type: "modal",
      callback_id: "cb",
      title: plain(title),
      submit: plain("Send"),
      blocks: [
        {
          type: "input",
          block_id: "b",
          label: plain("Why"),
          element: { type: "plain_text_input", action_id: "a" },
        },
      ],
    });
    const opened = await client.views.open({ trigger_id: "trigger-1", view: view("Reject") as never });
    expect(opened.view?.id).toBe(fake.views.at(-1)?.id);
    expect(fake.views.at(-1)).toMatchObject({ triggerId: "trigger-1", view: { callback_id: "cb" } });
    const tooLong = await errorOf(
      client.views.open({ trigger_id: "trigger-2", view: view("t".repeat(25)) as never }),
    );
    expect(tooLong).toEqual({
      error: "invalid_arguments",
      messages: ["view.title: must be 1 to 24 characters"],
    });
    expect((await errorOf(client.views.open({ trigger_id: "", view: view("x") as never }))).error).toBe(
      "invalid_trigger_id",
    );
  });

  it("fails only the calls a conditional fault matches", async () => {
    fake.failNextMatching("chat.postMessage", "msg_too_long", (args) => args.text === "big");
    await client.chat.postMessage({ channel: "C1", text: "small" });
    expect((await errorOf(client.chat.postMessage({ channel: "C1", text: "big" }))).error).toBe(
      "msg_too_long",
    );
    await client.chat.postMessage({ channel: "C1", text: "big" });
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

  it("holds response_url answers to a message's limits and to five answers per URL", async () => {
    const post = (key: string, body: unknown) =>
      fetch(fake.responseUrl(key), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const tooLong = await post("k2", {
      text: "x",
      blocks: Array.from({ length: 5 }, () => section("x".repeat(2500))),
    });
    expect([tooLong.status, ((await tooLong.json()) as { error: string }).error]).toEqual([
      400,
      "msg_blocks_too_long",
    ]);
    const header = await post("k2", {
      text: "x",
      blocks: [{ type: "header", text: { type: "mrkdwn", text: "h" } }],
    });
    expect([header.status, ((await header.json()) as { error: string }).error]).toEqual([
      400,
      "invalid_blocks",
    ]);
    for (let i = 0; i < 5; i++) expect((await post("k3", { text: `answer ${i}` })).status).toBe(200);
    const sixth = await post("k3", { text: "answer 5" });
    expect([sixth.status, ((await sixth.json()) as { error: string }).error]).toEqual([400, "used_url"]);
    expect(fake.responses.filter((r) => r.key === "k2").map((r) => r.error)).toEqual([
      "msg_blocks_too_long",
      "invalid_blocks",
    ]);
  });
});
