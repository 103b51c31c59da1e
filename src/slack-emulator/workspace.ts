import { z } from "zod";
import type { SlackFake } from "./server.js";
import { blockActionsBody, postSigned, slashCommandBody } from "./signing.js";

type Json = Record<string, unknown>;

/** How Slack reaches the app: signed HTTP POSTs to its request URL, or envelopes over its Socket Mode connection. */
export type AppTransport = { kind: "http"; url: string; secret: string } | { kind: "socket-mode" };

/** What came of a user's action: whether the app acked it in time, and the text it acked with, if any. */
export interface ActionOutcome {
  acked: boolean;
  /** Slack's error when the app did not ack: `operation_timeout` (no answer in 3 s) or `dispatch_failed`. */
  error: string | null;
  /** The ack's own message (shown to the user as an ephemeral), if it had one. */
  ackText: string | null;
  /** The response_url key of the request, for looking up later answers in `fake.responses`. */
  key: string;
}

/** The button a user clicks, found in a message they see. */
export interface ButtonRef {
  user: string;
  channel: string;
  messageTs: string;
  blockIndex: number;
  actionId: string;
}

const buttonSchema = z.object({
  type: z.literal("button"),
  action_id: z.string(),
  value: z.string().optional(),
  text: z.object({ text: z.string() }).optional(),
});

/** Slack gives up on an app's answer after 3 seconds. */
const ACK_TIMEOUT_MS = 3000;

const ackMessageSchema = z.object({
  text: z.string().optional(),
  blocks: z.array(z.record(z.string(), z.unknown())).optional(),
  response_type: z.string().optional(),
});

/**
 * Slack's client side, for a user in a channel: a typed slash command or a clicked button reaches the app exactly
 * as Slack sends it (signed form POST, or a Socket Mode envelope), with a response_url whose answers land in the
 * user's view; the ack's own text is shown to that user only, and an app that does not ack in 3 s gets the error
 * Slack shows then.
 */
export class SlackWorkspace {
  private requests = 0;

  constructor(
    private readonly fake: SlackFake,
    private readonly transport: AppTransport,
  ) {}

  /** `/migrate <text>` (or another command) typed by `user` in `channel`. */
  async command(user: string, channel: string, text: string, command = "/migrate"): Promise<ActionOutcome> {
    const key = `command-${++this.requests}`;
    const body = slashCommandBody({
      text,
      user,
      channel,
      command,
      responseUrl: this.fake.responseUrl(key, { channel, user }),
    });
    const outcome = await this.deliver("slash_commands", body, key);
    this.showAck(outcome, user, channel, command);
    return outcome;
  }

  /** A click on a button of a message `user` sees; null when there is no such button. */
  async click(ref: ButtonRef): Promise<ActionOutcome | null> {
    const shared = this.fake.message(ref.channel, ref.messageTs);
    const own = this.fake.ephemerals(ref.channel, ref.user).find((m) => m.ts === ref.messageTs);
    const message = shared ?? own;
    const block = message?.blocks?.[ref.blockIndex];
    const elements = Array.isArray(block?.elements) ? block.elements : [block?.accessory];
    const button = elements
      .map((element) => buttonSchema.safeParse(element))
      .find((parsed) => parsed.success && parsed.data.action_id === ref.actionId)?.data;
    if (!message || !block || !button) return null;
    const key = `click-${++this.requests}`;
    const body = blockActionsBody({
      user: ref.user,
      channel: ref.channel,
      messageTs: ref.messageTs,
      actionId: button.action_id,
      value: button.value ?? "",
      text: button.text?.text ?? button.action_id,
      blockId: typeof block.block_id === "string" ? block.block_id : `b${ref.blockIndex}`,
      message: { text: message.text ?? "", blocks: message.blocks ?? [] },
      ephemeral: !shared,
      responseUrl: this.fake.responseUrl(key, {
        channel: ref.channel,
        user: ref.user,
        messageTs: ref.messageTs,
      }),
    });
    const outcome = await this.deliver("interactive", body, key);
    if (!outcome.acked) this.failed(outcome, ref.user, ref.channel, "The button");
    return outcome;
  }

  private async deliver(
    type: "slash_commands" | "interactive",
    body: string,
    key: string,
  ): Promise<ActionOutcome> {
    if (this.transport.kind === "http") {
      const answer = await postSigned(this.transport.url, this.transport.secret, body, {
        timeoutMs: ACK_TIMEOUT_MS,
      }).catch((error: Error) => (error.name === "TimeoutError" ? "operation_timeout" : "dispatch_failed"));
      if (typeof answer === "string") return { acked: false, error: answer, ackText: null, key };
      if (answer.status !== 200) return { acked: false, error: "dispatch_failed", ackText: null, key };
      return { acked: true, error: null, ackText: this.ackText(answer.json ?? {}), key };
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    const payload = type === "interactive" ? (JSON.parse(form.payload ?? "{}") as Json) : form;
    const ack = await this.fake.socketMode.deliver(type, payload);
    return ack.acked
      ? { acked: true, error: null, ackText: this.ackText(ack.payload), key }
      : { acked: false, error: "operation_timeout", ackText: null, key };
  }

  private ackText(payload: Json): string | null {
    const parsed = ackMessageSchema.safeParse(payload);
    return parsed.success && parsed.data.text ? parsed.data.text : null;
  }

  private showAck(outcome: ActionOutcome, user: string, channel: string, command: string): void {
    if (!outcome.acked) this.failed(outcome, user, channel, command);
    else if (outcome.ackText) this.fake.addEphemeral({ channel, user, text: outcome.ackText });
  }

  private failed(outcome: ActionOutcome, user: string, channel: string, what: string): void {
    this.fake.addEphemeral({ channel, user, text: `${what} failed with the error "${outcome.error}"` });
  }
}
