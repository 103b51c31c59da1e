import path from "node:path";
import { pathToFileURL } from "node:url";
import { generateIntrospection } from "./generate-introspection.js";

/**
 * The bot of the Slack benchmark in a process of its own, as in production: phasegate's code as compiled for the
 * shipped image (tsx would add its own wrappers to every function of the bot; the measuring client and the Slack
 * fake stay in the bench process). argv: the compiled tree (`buildCli`'s), services file, Redis prefix, Slack API
 * URL, signing secret, bot token. Prints `{"port":N}` once listening; stops on SIGTERM.
 */
const [built = "", servicesFile = "", prefix = "", slackApiUrl = "", secret = "", token = ""] =
  process.argv.slice(2);
const compiled = <Module>(module: string) =>
  import(pathToFileURL(path.join(built, "src", module)).href) as Promise<Module>;

const { loadServices } =
  await compiled<typeof import("../src/config/load-services.js")>("config/load-services.js");
const { logger } =
  await compiled<typeof import("../src/telemetry/pino-logger.js")>("telemetry/pino-logger.js");
const { startBot } = await compiled<typeof import("../src/wiring/bot.js")>("wiring/bot.js");
const { boundHeapGrowth } =
  await compiled<typeof import("../src/wiring/heap-growth.js")>("wiring/heap-growth.js");
const { createRedisClient } =
  await compiled<typeof import("../src/net/redis/connect.js")>("net/redis/connect.js");
const { redisTopologyFromEnv } =
  await compiled<typeof import("../src/net/redis/redis-env.js")>("net/redis/redis-env.js");

// As `phasegate bot` does at start.
boundHeapGrowth();
const redis = createRedisClient(redisTopologyFromEnv(process.env), "serve");
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
