import { once } from "node:events";
import { createServer } from "node:http";
import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  type ChannelChange,
  MAX_BLOCKS_TEXT,
  SlackFake,
  SlackWorkspace,
} from "../../src/slack-emulator/index.js";

let fake: SlackFake;
let client: webApi.WebClient;
const changes: ChannelChange[] = [];

beforeAll(async () => {
  fake = await new SlackFake({ token: "xoxb-fake", channels: ["C1"], appToken: "xapp-fake" }).start();
  fake.onChange((change) => changes.push(change));
  client = new webApi.WebClient("xoxb-fake", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});

afterAll(async () => {
  await fake.stop();
});

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

async function respond(url: string, body: object): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe("the emulator's channel view", () => {
  it("refuses blocks holding more than 12,000 characters of text in all, each block within its limit", async () => {
    const blocks = Array.from({ length: 5 }, () => section("x".repeat(2500)));
    const error = await client.chat
      .postMessage({ channel: "C1", text: "big", blocks: blocks as never })
      .then(() => "posted")
      .catch((e: { data?: { error?: string } }) => e.data?.error);
    expect(5 * 2500).toBeGreaterThan(MAX_BLOCKS_TEXT);
    expect(error).toBe("msg_blocks_too_long");
  });

  it("tells listeners about posts and edits, and keeps ephemerals per user", async () => {
    changes.length = 0;
    const posted = await client.chat.postMessage({ channel: "C1", text: "hi" });
    await client.chat.update({ channel: "C1", ts: posted.ts ?? "", text: "edited" });
    await client.chat.postEphemeral({ channel: "C1", user: "U1", text: "only you" });
    expect(changes.map((c) => c.kind)).toEqual(["posted", "updated", "ephemeral"]);
    expect(fake.ephemerals("C1", "U1").map((m) => m.text)).toEqual(["only you"]);
    expect(fake.ephemerals("C1", "U2")).toEqual([]);
  });

  it("applies response_url answers as Slack does: ephemeral, replace_original, and refuses bad blocks", async () => {
    const posted = await client.chat.postMessage({
      channel: "C1",
      text: "gate",
      blocks: [section("gate")] as never,
    });
    const url = fake.responseUrl("k1", { channel: "C1", user: "U2", messageTs: posted.ts ?? "" });
    expect((await respond(url, { text: "private" })).status).toBe(200);
    expect(fake.ephemerals("C1", "U2").at(-1)?.text).toBe("private");
    await respond(url, { replace_original: true, text: "decided", blocks: [section("decided")] });
    expect(fake.message("C1", posted.ts ?? "")?.text).toBe("decided");
    expect(await respond(url, { blocks: [section("x".repeat(3001))] })).toMatchObject({
      status: 400,
      json: { ok: false, error: "invalid_blocks" },
    });
  });

  it("opens Socket Mode connections only for the app-level token", async () => {
    const appClient = new webApi.WebClient("xapp-fake", {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    const opened = await appClient.apps.connections.open();
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/socket-mode\?ticket=/);
    const refused = await client.apps.connections
      .open()
      .then(() => "opened")
      .catch((e: { data?: { error?: string } }) => e.data?.error);
    expect(refused).toBe("not_allowed_token_type");
  });
});

describe("the users' side: what Slack shows when the app does not answer", () => {
  it("delivers a command as a Socket Mode envelope, shows the ack's text, and operation_timeout without an ack", async () => {
    const appClient = new webApi.WebClient("xapp-fake", {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    const socket = new WebSocket(String((await appClient.apps.connections.open()).url));
    const [hello] = (await once(socket, "message")) as [Buffer];
    expect(JSON.parse(String(hello))).toMatchObject({ type: "hello" });
    let ack = true;
    socket.on("message", (data) => {
      const envelope = JSON.parse(String(data)) as {
        envelope_id: string;
        type: string;
        payload: { text: string };
      };
      expect(envelope).toMatchObject({ type: "slash_commands", payload: { command: "/migrate" } });
      if (ack)
        socket.send(
          JSON.stringify({
            envelope_id: envelope.envelope_id,
            payload: { text: `you said ${envelope.payload.text}` },
          }),
        );
    });
    const workspace = new SlackWorkspace(fake, { kind: "socket-mode" });
    expect(await workspace.command("U7", "C1", "status")).toMatchObject({
      acked: true,
      ackText: "you said status",
    });
    expect(fake.ephemerals("C1", "U7").at(-1)?.text).toBe("you said status");
    ack = false;
    expect(await workspace.command("U7", "C1", "list")).toMatchObject({
      acked: false,
      error: "operation_timeout",
    });
    expect(fake.ephemerals("C1", "U7").at(-1)?.text).toBe(
      '/migrate failed with the error "operation_timeout"',
    );
    socket.close();
  });

  it("shows dispatch_failed when the app refuses the request (a wrong signing secret: 401)", async () => {
    const app = createServer((_request, response) => response.writeHead(401).end()).listen(0, "127.0.0.1");
    await once(app, "listening");
    const { port } = app.address() as { port: number };
    const workspace = new SlackWorkspace(fake, {
      kind: "http",
      url: `http://127.0.0.1:${port}/`,
      secret: "s",
    });
    expect(await workspace.command("U8", "C1", "help")).toMatchObject({
      acked: false,
      error: "dispatch_failed",
    });
    expect(fake.ephemerals("C1", "U8").at(-1)?.text).toContain("dispatch_failed");
    app.close();
  });
});
