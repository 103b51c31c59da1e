import { z } from "zod";
import type { SlackFake } from "./server.js";
import { blockActionsBody, postSigned, slashCommandBody } from "./signing.js";
import { viewSubmissionBody } from "./view-submission.js";

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

/** What came of a modal's submission: `errors` (block_id → message) when the app refused it and kept it open. */
export interface ViewOutcome {
  acked: boolean;
  error: string | null;
  errors: Record<string, string> | null;
}

const viewErrorsSchema = z.object({
  response_action: z.literal("errors"),
  errors: z.record(z.string(), z.string()),
});

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
      triggerId: this.fake.issueTrigger(user),
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
      triggerId: this.fake.issueTrigger(ref.user),
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

  /**
   * `user` submits the modal `viewId` opened in front of them with these values (block_id → action_id → text): the
   * app's errors, shown under the inputs, keep it open; otherwise it closes. Null when the user has no such modal.
   */
  async submitView(
    user: string,
    viewId: string,
    values: Record<string, Record<string, string>>,
  ): Promise<ViewOutcome | null> {
    const opened = this.fake.views.find((v) => v.id === viewId && v.user === user && !v.closed);
    if (!opened) return null;
    const metadata = opened.view.private_metadata;
    const body = viewSubmissionBody({
      user,
      viewId,
      callbackId: String(opened.view.callback_id ?? ""),
      privateMetadata: typeof metadata === "string" ? metadata : "",
      values,
    });
    const outcome = await this.deliver("interactive", body, `view-${++this.requests}`);
    const errors = outcome.acked ? viewErrorsSchema.safeParse(outcome.payload) : null;
    const refused = errors?.success ? errors.data.errors : null;
    if (outcome.acked && !refused) this.fake.closeView(viewId);
    return { acked: outcome.acked, error: outcome.error, errors: refused };
  }

  private async deliver(
    type: "slash_commands" | "interactive",
    body: string,
    key: string,
  ): Promise<ActionOutcome & { payload: Json }> {
    const failed = (error: string) => ({ acked: false, error, ackText: null, key, payload: {} });
    const acked = (payload: Json) => ({
      acked: true,
      error: null,
      ackText: this.ackText(payload),
      key,
      payload,
    });
    if (this.transport.kind === "http") {
      const answer = await postSigned(this.transport.url, this.transport.secret, body, {
        timeoutMs: ACK_TIMEOUT_MS,
      }).catch((error: Error) => (error.name === "TimeoutError" ? "operation_timeout" : "dispatch_failed"));
      if (typeof answer === "string") return failed(answer);
      if (answer.status !== 200) return failed("dispatch_failed");
      return acked(answer.json ?? {});
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    const payload = type === "interactive" ? (JSON.parse(form.payload ?? "{}") as Json) : form;
    const ack = await this.fake.socketMode.deliver(type, payload);
    return ack.acked ? acked(ack.payload) : failed("operation_timeout");
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
