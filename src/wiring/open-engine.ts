import { loadServices } from "../config/load-services.js";
import { openRedis, type RedisClient, type RedisMode } from "../net/redis/connect.js";
import { describeTopology, RedisConfigError, type RedisTopology } from "../net/redis/redis-env.js";
import { logger } from "../telemetry/pino-logger.js";
import { createEngine, type Engine } from "./engine.js";
import { queueFirstStep } from "./first-step.js";
import { outboundStores } from "./outbound-stores.js";
import { StartupError } from "./startup-error.js";

/** Where an engine's settings come from: the services file, Redis and the prefix of every key. */
export interface Connection {
  services: string | undefined;
  redis: RedisTopology;
  prefix: string;
}

/**
 * Checks the prefix against the topology and connects (a command waits for Redis, a serving process does not);
 * a setting that cannot work is a StartupError naming the fix.
 */
export async function connectRedis(connection: Connection, mode: RedisMode): Promise<RedisClient> {
  const redis = await openRedis(connection.redis, connection.prefix, mode).catch((error: unknown) => {
    throw error instanceof RedisConfigError ? new StartupError(error.message) : error;
  });
  if (mode === "serve")
    logger.info({ redis: describeTopology(connection.redis), prefix: connection.prefix }, "redis");
  return redis;
}

export interface OpenEngine {
  engine: Engine;
  close(): Promise<void>;
}

/**
 * Loads the services file and connects to Redis. A worker keeps retrying a lost connection (BullMQ needs that);
 * a one-shot command gives up quickly with a message instead of hanging.
 */
export async function openEngine(connection: Connection, mode: "worker" | "command"): Promise<OpenEngine> {
  if (!connection.services)
    throw new StartupError("no services file: pass --services FILE or set PHASEGATE_SERVICES");
  // A ConfigError reaches the CLI, which prints it like `config check` (file:line:column, path, fix).
  const services = await loadServices(connection.services);
  const redis = await connectRedis(connection, mode === "worker" ? "serve" : "command");
  // Without a token Slack hears nothing from this process: its Web API client (Bolt, axios) is not even loaded.
  const slack =
    process.env.SLACK_BOT_TOKEN === undefined
      ? null
      : (await import("../slack/outbound/outbound.js")).slackOutboundFromEnv(
          process.env,
          services,
          logger,
          outboundStores(
            redis,
            connection.prefix,
            () => engine.workerDeps,
            queueFirstStep(() => engine.queue, logger),
          ),
        );
  const engine: Engine = createEngine({
    redis,
    prefix: connection.prefix,
    services,
    ...(slack
      ? { notifiers: [slack.notifier], usergroups: slack.usergroups, reminders: slack.reminders }
      : {}),
  });
  return {
    engine,
    async close() {
      await slack?.notifier.flush();
      await engine.close();
      redis.disconnect();
    },
  };
}
