import { App } from "@slack/bolt";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Logger } from "../../ports/logger.js";
import { boltLogger } from "../bolt-logger.js";
import { healthRoutes } from "./health-routes.js";

/** The Slack side of the environment, validated: HTTP (signed requests) by default, Socket Mode with an app token. */
export const slackEnvSchema = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: "set it to the Bot User OAuth Token (xoxb-…) of the Slack app" })
      .startsWith("xox", "must be the Bot User OAuth Token (xoxb-…) of the Slack app"),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_APP_TOKEN: z
      .string()
      .startsWith("xapp-", "must be an app-level token (xapp-…) with the connections:write scope")
      .optional(),
    /** Another Web API base URL (a proxy, a test double); Slack's own by default. */
    SLACK_API_URL: z.url().optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  })
  .refine((env) => env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET, {
    message: "set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
    path: ["SLACK_SIGNING_SECRET"],
  });

export type SlackEnv = z.infer<typeof slackEnvSchema>;

/** A Bolt app over our logger with /healthz, /readyz and /metrics next to Slack's endpoint, on PORT. */
export function createSlackApp(env: SlackEnv, redis: Redis, logger: Logger): App {
  const common = {
    token: env.SLACK_BOT_TOKEN,
    logger: boltLogger(logger),
    clientOptions: env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {},
    customRoutes: healthRoutes(redis, logger),
    // No handler keeps conversation state; Bolt's default store would build and throw away an Error per request.
    convoStore: false as const,
  };
  if (env.SLACK_APP_TOKEN)
    return new App({
      ...common,
      appToken: env.SLACK_APP_TOKEN,
      socketMode: true,
      installerOptions: { port: env.PORT },
    });
  return new App({ ...common, signingSecret: env.SLACK_SIGNING_SECRET });
}
