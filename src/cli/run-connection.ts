import { Redis } from "ioredis";
import { z } from "zod";
import { ConfigError, loadServices } from "../config/load-services.js";
import { slackOutboundFromEnv } from "../slack/outbound/outbound.js";
import { logger } from "../telemetry/logger.js";
import { createEngine, type Engine } from "../wiring/engine.js";
import type { OptionSpecs } from "./args.js";
import { CliError } from "./errors.js";

/** Options every engine command takes; each falls back to its environment variable. */
export const CONNECTION_OPTIONS: OptionSpecs = {
  services: { type: "string" },
  redis: { type: "string" },
  prefix: { type: "string" },
};

export const CONNECTION_USAGE = `  --services FILE      services file (default: $PHASEGATE_SERVICES)
  --redis URL          Redis (default: $REDIS_URL, else redis://127.0.0.1:6379)
  --prefix P           prefix of every Redis key (default: $PHASEGATE_PREFIX, else "phasegate:")`;

/** Spread into a command's option schema. */
export const connectionFields = {
  services: z.string().min(1, "--services needs a file").optional(),
  redis: z.string().min(1, "--redis needs a URL, e.g. redis://127.0.0.1:6379").optional(),
  prefix: z.string().min(1, '--prefix needs a value, e.g. "phasegate:"').optional(),
};

export interface Connection {
  services: string | undefined;
  redis: string;
  prefix: string;
}

export function connectionOf(options: { services?: string; redis?: string; prefix?: string }): Connection {
  return {
    services: options.services ?? process.env.PHASEGATE_SERVICES,
    redis: options.redis ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    prefix: options.prefix ?? process.env.PHASEGATE_PREFIX ?? "phasegate:",
  };
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
    throw new CliError("no services file: pass --services FILE or set PHASEGATE_SERVICES");
  const services = await loadServices(connection.services).catch((error: unknown) => {
    throw error instanceof ConfigError ? new CliError(error.message) : error;
  });
  const redis = new Redis(connection.redis, {
    maxRetriesPerRequest: mode === "worker" ? null : 1,
    lazyConnect: true,
    ...(mode === "command" ? { retryStrategy: () => null } : {}),
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new CliError(
      `cannot reach Redis at ${connection.redis}: ${(error as Error).message}; start it or pass --redis URL`,
    );
  }
  const slack = slackOutboundFromEnv(process.env, services, logger);
  const engine = createEngine({
    redis,
    prefix: connection.prefix,
    services,
    ...(slack ? { notifiers: [slack.notifier], approvers: slack.approvers } : {}),
  });
  slack?.bind(engine.useCases);
  return {
    engine,
    async close() {
      await slack?.notifier.flush();
      await engine.close();
      redis.disconnect();
    },
  };
}
