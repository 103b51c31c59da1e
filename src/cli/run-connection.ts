import { z } from "zod";
import { RedisConfigError, redisTopologyFromEnv } from "../net/redis/redis-env.js";
import type { Connection } from "../wiring/open-engine.js";
import type { OptionSpecs } from "./args.js";
import { CliError } from "./cli-error.js";

/** Options every engine command takes; each falls back to its environment variable. */
export const CONNECTION_OPTIONS: OptionSpecs = {
  services: { type: "string" },
  redis: { type: "string" },
  prefix: { type: "string" },
};

export const CONNECTION_USAGE = `  --services FILE      services file (default: $PHASEGATE_SERVICES)
  --redis URL          Redis (default: $REDIS_URL, else redis://127.0.0.1:6379; Sentinel and Cluster:
                       REDIS_SENTINELS or REDIS_CLUSTER_NODES, see docs/operations.md)
  --prefix P           prefix of every Redis key (default: $PHASEGATE_PREFIX, else "phasegate:")`;

/** Spread into a command's option schema. */
export const connectionFields = {
  services: z.string().min(1, "--services needs a file").optional(),
  redis: z.string().min(1, "--redis needs a URL, e.g. redis://127.0.0.1:6379").optional(),
  prefix: z.string().min(1, '--prefix needs a value, e.g. "phasegate:"').optional(),
};

/** Flags first, then the environment; a Redis setting that cannot work is a CliError naming the fix. */
export function connectionOf(options: { services?: string; redis?: string; prefix?: string }): Connection {
  return {
    services: options.services ?? process.env.PHASEGATE_SERVICES,
    redis: redisTopology(options.redis),
    prefix: options.prefix ?? process.env.PHASEGATE_PREFIX ?? "phasegate:",
  };
}

function redisTopology(urlFlag: string | undefined) {
  try {
    return redisTopologyFromEnv(process.env, urlFlag);
  } catch (error) {
    throw error instanceof RedisConfigError ? new CliError(error.message) : error;
  }
}
