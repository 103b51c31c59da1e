import { z } from "zod";

/** The parts of a @slack/web-api error that name what went wrong. */
export const slackErrorSchema = z.object({
  code: z.string().optional(),
  data: z.object({ error: z.string() }).optional(),
  retryAfter: z.number().optional(),
  message: z.string().optional(),
});

/** "channel_not_found" for an error Slack answered; "timeout", "rate_limited", "request" or "http" for the client's own. */
export function slackErrorCode(error: unknown): string {
  const parsed = slackErrorSchema.safeParse(error);
  if (!parsed.success) return "unknown";
  if (parsed.data.data) return parsed.data.data.error;
  if (/timeout/i.test(parsed.data.message ?? "")) return "timeout";
  return (parsed.data.code ?? "unknown").replace(/^slack_webapi_/, "").replace(/_error$/, "");
}
