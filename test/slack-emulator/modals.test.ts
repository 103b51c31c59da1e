import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChannelChange, SlackFake, SlackWorkspace } from "../../src/slack-emulator/index.js";

let fake: SlackFake;
let client: webApi.WebClient;
let app: Server;
let workspace: SlackWorkspace;
const changes: ChannelChange[] = [];

const modal = {
  type: "modal",
  callback_id: "why",
  private_metadata: "gate-1",
  title: { type: "plain_text", text: "Why?" },
  submit: { type: "plain_text", text: "Send" },
  blocks: [
    {
      type: "input",
      block_id: "reason",
      label: { type: "plain_text", text: "Reason" },
      element: { type: "plain_text_input", action_id: "reason" },
    },
  ],
};

/** An app that opens the modal on any click and refuses the reason "no". */
async function answer(body: string): Promise<object> {
  const payload = JSON.parse(new URLSearchParams(body).get("payload") ?? "{}");
  if (payload.type === "block_actions") {
    await client.views.open({ trigger_id: payload.trigger_id, view: modal as never });
    return {};
  }
  const reason = payload.view.state.values.reason.reason.value;
  expect(payload.view).toMatchObject({ callback_id: "why", private_metadata: "gate-1" });
  return reason === "no" ? { response_action: "errors", errors: { reason: "say why" } } : {};
}

beforeAll(async () => {
  fake = await new SlackFake({ token: "xoxb-fake", channels: ["C1"] }).start();
  fake.onChange((change) => changes.push(change));
  client = new webApi.WebClient("xoxb-fake", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  app = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.stringify(await answer(Buffer.concat(chunks).toString("utf8")));
    response.writeHead(200, { "content-type": "application/json" }).end(body);
  }).listen(0, "127.0.0.1");
  await once(app, "listening");
  const { port } = app.address() as { port: number };
  workspace = new SlackWorkspace(fake, { kind: "http", url: `http://127.0.0.1:${port}/`, secret: "s" });
});

afterAll(async () => {
  app?.close();
  await fake?.stop();
});

describe("modals in the emulator", () => {
  it("opens a modal in front of the user who clicked, keeps it open on the app's errors, closes it once accepted", async () => {
    const posted = await client.chat.postMessage({
      channel: "C1",
      text: "gate",
      blocks: [
        {
          type: "actions",
          elements: [{ type: "button", action_id: "reject", text: { type: "plain_text", text: "Reject" } }],
        },
      ] as never,
    });
    const click = await workspace.click({
      user: "U9",
      channel: "C1",
      messageTs: posted.ts ?? "",
      blockIndex: 0,
      actionId: "reject",
    });
    expect(click?.acked).toBe(true);
    const opened = changes.find((c) => c.kind === "view-opened");
    expect(opened).toMatchObject({ view: { user: "U9", view: { callback_id: "why" } } });
    const id = opened?.kind === "view-opened" ? opened.view.id : "";

    expect(await workspace.submitView("U8", id, { reason: { reason: "mine now" } })).toBeNull();
    expect(await workspace.submitView("U9", id, { reason: { reason: "no" } })).toEqual({
      acked: true,
      error: null,
      errors: { reason: "say why" },
    });
    expect(fake.views.find((v) => v.id === id)?.closed).toBe(false);
    expect(await workspace.submitView("U9", id, { reason: { reason: "backup first" } })).toEqual({
      acked: true,
      error: null,
      errors: null,
    });
    expect(fake.views.find((v) => v.id === id)?.closed).toBe(true);
    expect(await workspace.submitView("U9", id, { reason: { reason: "again" } })).toBeNull();
  });

  it("refuses a trigger_id older than 3 seconds, as Slack does", async () => {
    const trigger = fake.issueTrigger("U9");
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const error = await client.views
      .open({ trigger_id: trigger, view: modal as never })
      .then(() => "opened")
      .catch((e: { data?: { error?: string } }) => e.data?.error);
    expect(error).toBe("expired_trigger_id");
  });
});
