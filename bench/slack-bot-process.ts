import { loadServices } from "../src/config/load-services.js";
import { logger } from "../src/telemetry/pino-logger.js";
import { startBot } from "../src/wiring/bot.js";
import { boundHeapGrowth } from "../src/wiring/heap-growth.js";
import { connectRedis } from "../testkit/redis.js";
import { generateIntrospection } from "./generate-introspection.js";

/**
 * The bot of the Slack benchmark in a process of its own, as in production (the measuring client and the Slack
 * fake stay in the bench process). argv: services file, Redis prefix, Slack API URL, signing secret, bot token.
 * Prints `{"port":N}` once listening; stops on SIGTERM.
 */
const [servicesFile = "", prefix = "", slackApiUrl = "", secret = "", token = ""] = process.argv.slice(2);
// As `phasegate bot` does at start.
boundHeapGrowth();
const redis = connectRedis();
const bot = await startBot({
  env: { SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: secret, SLACK_API_URL: slackApiUrl, PORT: 0 },
  services: await loadServices(servicesFile),
  redis,
  prefix,
  logger,
  withWorker: false,
  engine: { introspect: async () => generateIntrospection(1, 3) },
});
process.stdout.write(`${JSON.stringify({ port: bot.port })}\n`);
process.once("SIGTERM", async () => {
  await bot.stop();
  redis.disconnect();
  process.exit(0);
});
