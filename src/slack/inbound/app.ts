import { App, type AppOptions } from "@slack/bolt";
import { z } from "zod";
import { portNumber } from "../../config/port-number.js";
import { type ProxySettings, proxySettingsFromEnv } from "../../net/proxy/proxy-env.js";
import type { Logger } from "../../ports/logger.js";
import type { ReplayGuard } from "../../ports/replay-guard.js";
import { boltLogger } from "../bolt-logger.js";
import { slackAgent } from "../proxy-agent.js";
import type { AckGate } from "./ack-gate.js";
import { commandAck } from "./command-ack.js";
import { GuardedReceiver } from "./guarded-receiver.js";
import type { healthRoutes } from "./health-routes.js";
import type { InFlightWork } from "./in-flight-work.js";
import { requestIdMiddleware } from "./request-ids.js";
import { SocketModeWithRoutes } from "./socket-mode-routes.js";

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
    PORT: portNumber(3000).default(3000),
  })
  .refine((env) => env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET, {
    message: "set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
    path: ["SLACK_SIGNING_SECRET"],
  });

export type SlackEnv = z.infer<typeof slackEnvSchema>;

const ENDPOINT = "/slack/events";

/** A Bolt app over our logger with /healthz, /readyz and /metrics next to Slack's endpoint, on PORT. */
export function createSlackApp(
  env: SlackEnv,
  routes: ReturnType<typeof healthRoutes>,
  logger: Logger,
  acks: AckGate,
  work: InFlightWork,
  replays: ReplayGuard,
  proxy: ProxySettings = proxySettingsFromEnv(process.env),
): App {
  const botToken = env.SLACK_BOT_TOKEN;
  const agent = slackAgent(env.SLACK_API_URL, proxy);
  const common = {
    ...(agent ? { agent } : {}),
    // Not `token`: Bolt would call auth.test at once and keep its failure (Slack down, a revoked token) for every
    // request, crashing on the unhandled rejection. The handlers need no bot id; the token is checked at start.
    authorize: async () => ({ botToken }),
    ignoreSelf: false,
    logger: boltLogger(logger),
    // No handler keeps conversation state; Bolt's default store would build and throw away an Error per request.
    convoStore: false as const,
    // The app's own client (`app.client`) and the one a listener gets (the reject dialog's views.open) talk to the
    // same Slack as the notifier's.
    clientOptions: env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {},
    // app.error gets the request's body too (src/slack/inbound/error-handler.ts).
    extendedErrorHandler: true,
  };
  return socketOrHttpApp(env, routes, logger, acks, work, replays, common);
}

function socketOrHttpApp(
  env: SlackEnv,
  routes: ReturnType<typeof healthRoutes>,
  logger: Logger,
  acks: AckGate,
  work: InFlightWork,
  replays: ReplayGuard,
  common: AppOptions,
): App {
  if (env.SLACK_APP_TOKEN || !env.SLACK_SIGNING_SECRET) {
    const receiver = new SocketModeWithRoutes(
      {
        appToken: env.SLACK_APP_TOKEN ?? "",
        logger: common.logger,
        // The Socket Mode client has a Web API client of its own (for apps.connections.open): same base URL.
        installerOptions: { clientOptions: common.clientOptions },
      },
      routes,
    );
    const app = new App({ ...common, receiver });
    // An HTTP request got its id before Bolt saw it (withRequestIds); a Socket Mode event gets its own here.
    app.use(requestIdMiddleware);
    // The HTTP receiver tracks what it hands to Bolt; a Socket Mode event is tracked from here.
    app.use(({ next }) => work.track(next()));
    return app;
  }
  const receiver = new GuardedReceiver({
    signingSecret: env.SLACK_SIGNING_SECRET,
    endpoint: ENDPOINT,
    customRoutes: routes,
    logger: { bolt: boltLogger(logger), guard: logger },
    replays,
    onSigned: (response) => acks.track(response),
    commandAck,
    afterAcks: () => acks.settled(),
    work,
  });
  return new App({ ...common, receiver });
}
