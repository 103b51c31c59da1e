import { createHmac } from "node:crypto";

/** Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface SlashCommand {
  text: string;
  user: string;
  channel: string;
  responseUrl: string;
  command?: string;
  /** The trigger_id sent along (`trigger-<user>` when absent); SlackFake.issueTrigger makes ones views.open times. */
  triggerId?: string;
}

/** The form body Slack POSTs for a slash command. */
export function slashCommandBody(c: SlashCommand): string {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: "T0FAKE",
    team_domain: "fake",
    channel_id: c.channel,
    channel_name: "deploys",
    user_id: c.user,
    user_name: c.user.toLowerCase(),
    command: c.command ?? "/migrate",
    text: c.text,
    api_app_id: "A0PHASEGATE",
    is_enterprise_install: "false",
    response_url: c.responseUrl,
    trigger_id: c.triggerId ?? `trigger-${c.user}`,
  }).toString();
}

export interface ButtonClick {
  user: string;
  channel: string;
  /** The message holding the button. */
  messageTs: string;
  actionId: string;
  value: string;
  responseUrl: string;
  blockId?: string;
  /** The button's label (the action id when absent). */
  text?: string;
  /** The message as the user saw it (text and blocks), sent along as Slack does. */
  message?: { text?: string; blocks?: unknown[] };
  /** The click was on an ephemeral message. */
  ephemeral?: boolean;
  triggerId?: string;
}

/** The form body (`payload=` JSON) Slack POSTs when a user clicks a button in a message. */
export function blockActionsBody(click: ButtonClick): string {
  const payload = {
    type: "block_actions",
    user: {
      id: click.user,
      username: click.user.toLowerCase(),
      name: click.user.toLowerCase(),
      team_id: "T0FAKE",
    },
    api_app_id: "A0PHASEGATE",
    token: "deprecated-verification-token",
    container: {
      type: "message",
      message_ts: click.messageTs,
      channel_id: click.channel,
      is_ephemeral: click.ephemeral ?? false,
    },
    trigger_id: click.triggerId ?? `trigger-${click.user}`,
    team: { id: "T0FAKE", domain: "fake" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: click.channel, name: "deploys" },
    message: { type: "message", ts: click.messageTs, text: "", user: "U0BOT", ...click.message },
    state: { values: {} },
    response_url: click.responseUrl,
    actions: [
      {
        type: "button",
        action_id: click.actionId,
        block_id: click.blockId ?? "gate",
        text: { type: "plain_text", text: click.text ?? click.actionId },
        value: click.value,
        action_ts: `${nowSeconds()}.000100`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SignOptions {
  /** Unix seconds the request claims to be from (now by default; older than 5 minutes is refused). */
  timestamp?: number;
  /** Send this signature instead of the right one. */
  signature?: string;
  /** Give up after this long (AbortSignal's TimeoutError), as Slack does after 3 s. */
  timeoutMs?: number;
  /** Another content type than Slack's own (a proxy that adds a charset). */
  contentType?: string;
}

export interface SignedAnswer {
  status: number;
  text: string;
  /** The body parsed as JSON when it is JSON (an ack with a message), else null. */
  json: Record<string, unknown> | null;
}

/** POSTs a form body to the app the way Slack does: signed, form-encoded. */
export async function postSigned(
  url: string,
  secret: string,
  body: string,
  options: SignOptions = {},
): Promise<SignedAnswer> {
  const timestamp = options.timestamp ?? nowSeconds();
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": options.signature ?? slackSignature(secret, timestamp, body),
    },
    body,
    ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
  });
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  return { status: response.status, text, json };
}
