import { z } from "zod";
import { APPROVE_ACTION, gateButtonSchema } from "../src/slack/blocks/approval.js";
import {
  blockActionsBody,
  postSigned,
  type SlackFake,
  type StoredMessage,
  slashCommandBody,
} from "../src/slack-emulator/index.js";

/** What the people in the channel do, as Slack sends it to the bot: signed slash commands and button clicks. */
export interface SlackOperator {
  /** `/migrate start <service> <version>`; the id of the run it started. */
  start(version: string): Promise<string>;
  /** Clicks Approve on the gate message of the run, in the thread of its card. */
  approve(runId: string, cardTs: string): Promise<void>;
}

export interface SlackOperatorOptions {
  fake: SlackFake;
  /** The bot's Slack endpoint. */
  url: string;
  secret: string;
  service: string;
  channel: string;
  requester: string;
  approver: string;
}

/** `/migrate start` answers after Django read the release: generous on a busy machine. */
const ANSWER_TIMEOUT_MS = 120_000;

const buttonsSchema = z.object({
  type: z.literal("actions"),
  elements: z.array(z.object({ action_id: z.string(), value: z.string() })),
});

/** The Approve button of `runId`'s gate in a message, if the message has it. */
function approveButton(message: StoredMessage, runId: string): string | undefined {
  for (const block of message.blocks ?? []) {
    const parsed = buttonsSchema.safeParse(block);
    if (!parsed.success) continue;
    for (const element of parsed.data.elements) {
      if (element.action_id !== APPROVE_ACTION) continue;
      const button = gateButtonSchema.safeParse(JSON.parse(element.value));
      if (button.success && button.data.runId === runId) return element.value;
    }
  }
  return undefined;
}

export function slackOperator(options: SlackOperatorOptions): SlackOperator {
  const { fake, url, secret, channel } = options;
  let requests = 0;

  /** Sends a signed request and returns the text the user sees (the ack's own, or the response_url answer). */
  async function send(body: (responseUrl: string) => string): Promise<string> {
    const key = `proof-${++requests}`;
    const ack = await postSigned(url, secret, body(fake.responseUrl(key)));
    if (ack.status !== 200) throw new Error(`the bot answered HTTP ${ack.status}: ${ack.text}`);
    if (ack.json?.text) return String(ack.json.text);
    const answer = await fake.waitFor(() => fake.responses.find((r) => r.key === key), ANSWER_TIMEOUT_MS);
    return JSON.stringify(answer.body);
  }

  return {
    async start(version) {
      const text = `start ${options.service} ${version}`;
      const answer = await send((responseUrl) =>
        slashCommandBody({ text, user: options.requester, channel, responseUrl }),
      );
      const runId = /Started \*([\w-]+)\*/.exec(answer)?.[1];
      if (!runId) throw new Error(`/migrate ${text} did not start a run: ${answer}`);
      return runId;
    },
    async approve(runId, cardTs) {
      const found = await fake.waitFor(
        () =>
          fake.replies(channel, cardTs).flatMap((message) => {
            const value = approveButton(message, runId);
            return value ? [{ message, value }] : [];
          })[0],
        ANSWER_TIMEOUT_MS,
      );
      const answer = await send((responseUrl) =>
        blockActionsBody({
          user: options.approver,
          channel,
          messageTs: found.message.ts,
          actionId: APPROVE_ACTION,
          value: found.value,
          responseUrl,
        }),
      );
      if (!answer.includes("Approved by"))
        throw new Error(`the Approve click on ${runId} was refused: ${answer}`);
    },
  };
}
