import { webApi } from "@slack/bolt";
import { z } from "zod";
import type { LoadedServices } from "../../config/load-services.js";
import { describeIssues } from "../../config/load-services.js";
import type { Run } from "../../domain/run/run.js";
import { type ProxySettings, proxySettingsFromEnv } from "../../net/proxy/proxy-env.js";
import type { CardRefs } from "../../ports/card-refs.js";
import type { Logger } from "../../ports/logger.js";
import type { NotificationOutbox } from "../../ports/notification-outbox.js";
import { boltLogger } from "../bolt-logger.js";
import { slackAgent } from "../proxy-agent.js";
import { slackClientOptions } from "./slack-failure.js";
import { SlackGateReminders } from "./slack-gate-reminders.js";
import { SlackNotifier } from "./slack-notifier.js";
import { SlackUsergroupDirectory } from "./slack-usergroup-directory.js";

/** What an engine needs from Slack in any process: the notifier for its changes and the members of user groups. */
export interface SlackOutbound {
  notifier: SlackNotifier;
  usergroups: SlackUsergroupDirectory;
  reminders: SlackGateReminders;
}

/** Where the notifier keeps what it must not lose, and whom it tells when a card is out. */
export interface OutboundStores {
  cards: CardRefs;
  outbox?: NotificationOutbox;
  onCardPosted?: (run: Run) => void;
}

export function createSlackOutbound(
  client: webApi.WebClient,
  services: LoadedServices,
  logger: Logger,
  stores: OutboundStores,
): SlackOutbound {
  const usergroups = new SlackUsergroupDirectory(client, logger);
  return {
    notifier: new SlackNotifier({ client, services, logger, usergroups, ...stores }),
    usergroups,
    reminders: new SlackGateReminders(client, services, usergroups, logger),
  };
}

const outboundEnvSchema = z.object({
  SLACK_BOT_TOKEN: z.string().startsWith("xox", "must be the Bot User OAuth Token (xoxb-…) of the Slack app"),
  SLACK_API_URL: z.url().optional(),
});

/**
 * Slack for processes other than the bot (`phasegate worker`, `phasegate run …`) when SLACK_BOT_TOKEN is set: the
 * changes they make update the run's card and thread like the bot's own (wiring/open-engine.ts decides whether it is).
 */
export function slackOutboundFromEnv(
  env: NodeJS.ProcessEnv,
  services: LoadedServices,
  logger: Logger,
  stores: OutboundStores,
): SlackOutbound {
  const parsed = outboundEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Slack settings: ${describeIssues(parsed.error.issues).join("; ")}`);
  const { SLACK_BOT_TOKEN: token, SLACK_API_URL: slackApiUrl } = parsed.data;
  return createSlackOutbound(slackClient(token, slackApiUrl, logger), services, logger, stores);
}

/** The Web API client of every process: a timeout on each call, our own retries (no half-hour retry loops). */
export function slackClient(
  token: string,
  slackApiUrl: string | undefined,
  logger: Logger,
  proxy: ProxySettings = proxySettingsFromEnv(process.env),
): webApi.WebClient {
  const agent = slackAgent(slackApiUrl, proxy);
  return new webApi.WebClient(token, {
    logger: boltLogger(logger),
    ...(agent ? { agent } : {}),
    ...slackClientOptions,
    ...(slackApiUrl ? { slackApiUrl } : {}),
  });
}
