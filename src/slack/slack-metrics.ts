import { Counter } from "prom-client";
import { slackErrorCode } from "./slack-error.js";

export const slackApiErrors = new Counter({
  name: "phasegate_slack_api_errors_total",
  help: "Failed Slack Web API calls, by method and error (Slack's error code, or rate_limited, request, http)",
  labelNames: ["method", "error"] as const,
});

/** Called by the Slack notifier when a Web API call fails. */
export function recordSlackApiError(method: string, error: unknown): void {
  slackApiErrors.inc({ method, error: slackErrorCode(error) });
}

export const slackNotificationsRerouted = new Counter({
  name: "phasegate_slack_notifications_rerouted_total",
  help: "Run messages Slack could no longer take where they belonged, by Slack's error and where they went instead (fresh-card, direct-message, nobody)",
  labelNames: ["error", "route"] as const,
});
