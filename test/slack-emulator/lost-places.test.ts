import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackFake } from "../../src/slack-emulator/index.js";

let fake: SlackFake;
let client: webApi.WebClient;

beforeAll(async () => {
  fake = await new SlackFake({ token: "xoxb-fake", channels: ["C1", "C2", "C3", "C4"] }).start();
  client = new webApi.WebClient("xoxb-fake", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});

afterAll(async () => {
  await fake.stop();
});

async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as { data?: { error: string } }).data?.error ?? String(error);
  }
  throw new Error("the call succeeded");
}

const post = (channel: string, thread_ts?: string) =>
  client.chat.postMessage({ channel, text: "hi", ...(thread_ts ? { thread_ts } : {}) });

describe("what users do to the Slack emulator, answered with Slack's errors", () => {
  it("a deleted message: chat.update answers message_not_found, its thread replies stay", async () => {
    const parent = await post("C1");
    const reply = await post("C1", parent.ts);
    const changes: string[] = [];
    const stop = fake.onChange((change) => changes.push(change.kind));
    expect(fake.deleteMessage("C1", parent.ts ?? "")).toBe(true);
    stop();
    expect(changes).toEqual(["deleted"]);
    expect(await errorOf(client.chat.update({ channel: "C1", ts: parent.ts ?? "", text: "x" }))).toBe(
      "message_not_found",
    );
    expect(fake.replies("C1", parent.ts ?? "").map((m) => m.ts)).toEqual([reply.ts]);
    expect(fake.deleteMessage("C1", parent.ts ?? "")).toBe(false);
  });

  it.each([
    ["an archived channel", "C2", (c: string) => fake.archiveChannel(c), "is_archived"],
    ["a channel the bot was removed from", "C3", (c: string) => fake.removeBot(c), "not_in_channel"],
    ["a deleted channel", "C4", (c: string) => fake.deleteChannel(c), "channel_not_found"],
  ])(
    "%s: posts and updates answer %s, direct messages still go through",
    async (_what, channel, act, error) => {
      const card = await post(channel);
      act(channel);
      expect(await errorOf(post(channel))).toBe(error);
      expect(await errorOf(post(channel, card.ts))).toBe(error);
      expect(await errorOf(client.chat.update({ channel, ts: card.ts ?? "", text: "x" }))).toBe(error);
      const opened = await client.conversations.open({ users: "U0ALICE" });
      expect(await post(opened.channel?.id ?? "")).toMatchObject({ ok: true });
    },
  );
});
