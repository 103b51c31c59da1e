import { Counter } from "prom-client";
import { z } from "zod";

export const slackApiErrors = new Counter({
  name: "phasegate_slack_api_errors_total",
  help: "Failed Slack Web API calls, by method and error (Slack's error code, or rate_limited, request, http)",
  labelNames: ["method", "error"] as const,
});

/** The parts of a @slack/web-api error that name what went wrong. */
const slackErrorSchema = z.object({
  code: z.string(),
  data: z.object({ error: z.string() }).optional(),
});

/** "channel_not_found" for an error Slack answered; "rate_limited", "request" or "http" for the client's own. */
function slackErrorLabel(error: unknown): string {
  const parsed = slackErrorSchema.safeParse(error);
  if (!parsed.success) return "unknown";
  if (parsed.data.data) return parsed.data.data.error;
  return parsed.data.code.replace(/^slack_webapi_/, "").replace(/_error$/, "");
}

/** Called by the Slack notifier when a Web API call fails. */
export function recordSlackApiError(method: string, error: unknown): void {
  slackApiErrors.inc({ method, error: slackErrorLabel(error) });
}
