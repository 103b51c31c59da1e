import { slackErrorCode, slackErrorSchema } from "../slack-error.js";

/** Every Web API call gives up after this long (a hung connection costs one attempt, not the run's messages). */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

/** The WebClient settings of every process: our own retries (slack-post.ts), a timeout on every call. */
export const slackClientOptions = {
  timeout: SLACK_CALL_TIMEOUT_MS,
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
} as const;

const HINTS: Record<string, string> = {
  invalid_auth: "Slack refused phasegate's token: reinstall the app or check SLACK_BOT_TOKEN",
  not_authed: "Slack got no token from phasegate: check SLACK_BOT_TOKEN",
  token_revoked: "phasegate's token was revoked: reinstall the app and update SLACK_BOT_TOKEN",
  account_inactive: "phasegate's Slack app was deactivated: reinstall it and update SLACK_BOT_TOKEN",
  channel_not_found:
    "the channel does not exist or the bot cannot see it: check slack.channel of the service",
  not_in_channel: "the bot is not in the channel: invite it (/invite @phasegate)",
  rate_limited: "Slack is rate limiting phasegate",
  timeout: `Slack did not answer within ${SLACK_CALL_TIMEOUT_MS / 1000} s`,
  http: "Slack answered with an HTTP error",
  request: "Slack could not be reached",
};

/** What to tell a person about a failed Web API call: the code and what to do about it. */
export function describeSlackFailure(error: unknown): string {
  const code = slackErrorCode(error);
  return `${HINTS[code] ?? "Slack refused the message"} (${code})`;
}

/**
 * Failures worth trying again at once: Slack or the network having a bad moment. Others (invalid_auth, a channel
 * the bot is not in, invalid blocks) wait for a person to fix something: the bot's repair tries again later.
 */
const TRANSIENT = new Set([
  "rate_limited",
  "timeout",
  "http",
  "request",
  "unknown",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "ratelimited",
]);

/** How long to wait before trying again (Slack's Retry-After when it gave one), or null when it is pointless. */
export function retryDelayMs(error: unknown, attempt: number): number | null {
  if (!TRANSIENT.has(slackErrorCode(error))) return null;
  const parsed = slackErrorSchema.safeParse(error);
  const retryAfter = parsed.success ? parsed.data.retryAfter : undefined;
  if (retryAfter !== undefined) return Math.min(retryAfter * 1000, 30_000);
  return Math.min(500 * 2 ** attempt, 8000);
}
