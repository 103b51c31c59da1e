import type { App } from "@slack/bolt";
import type { RedisClient } from "../src/net/redis/connect.js";
import type { Logger } from "../src/ports/logger.js";
import { AckGate } from "../src/slack/inbound/ack-gate.js";
import { createSlackApp } from "../src/slack/inbound/app.js";
import { healthRoutes } from "../src/slack/inbound/health-routes.js";
import { InFlightWork } from "../src/slack/inbound/in-flight-work.js";
import type { SlackFake } from "../src/slack-emulator/index.js";
import { RedisReplayGuard } from "../src/store/redis-replay-guard.js";

/**
 * phasegate's Bolt app in HTTP mode (request guard, receiver, health routes), with no listener of the bot's: a test
 * adds its own, then starts it. Its Web API is the fake's, its replay checks under the prefix.
 */
export function slackAppOnFake(
  fake: SlackFake,
  secret: string,
  redis: RedisClient,
  prefix: string,
  logger: Logger,
): App {
  return createSlackApp(
    { SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: secret, SLACK_API_URL: fake.apiUrl, PORT: 0 },
    healthRoutes(redis, logger),
    logger,
    new AckGate(),
    new InFlightWork(),
    new RedisReplayGuard(redis, prefix),
  );
}
