import { Redis } from "ioredis";
import { loadServices } from "../config/load-services.js";
import { slackOutboundFromEnv } from "../slack/outbound/outbound.js";
import { logger } from "../telemetry/logger.js";
import { outboundStores } from "./card-refs.js";
import { createEngine, type Engine } from "./engine.js";
import { queueFirstStep } from "./first-step.js";
import { StartupError } from "./startup-error.js";

/** Where an engine's settings come from: the services file, Redis and the prefix of every key. */
export interface Connection {
  services: string | undefined;
  redis: string;
  prefix: string;
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
  const redis = new Redis(connection.redis, {
    maxRetriesPerRequest: mode === "worker" ? null : 1,
    lazyConnect: true,
    ...(mode === "command" ? { retryStrategy: () => null } : {}),
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new StartupError(
      `cannot reach Redis at ${connection.redis}: ${(error as Error).message}; start it or pass --redis URL`,
    );
  }
  const slack = slackOutboundFromEnv(
    process.env,
    services,
    logger,
    outboundStores(
      redis,
      connection.prefix,
      queueFirstStep(() => engine.queue, logger),
    ),
  );
  const engine: Engine = createEngine({
    redis,
    prefix: connection.prefix,
    services,
    ...(slack ? { notifiers: [slack.notifier], usergroups: slack.usergroups } : {}),
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
