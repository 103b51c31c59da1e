import { z } from "zod";
import type { Connection } from "../wiring/open-engine.js";
import type { OptionSpecs } from "./args.js";

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

export function connectionOf(options: { services?: string; redis?: string; prefix?: string }): Connection {
  return {
    services: options.services ?? process.env.PHASEGATE_SERVICES,
    redis: options.redis ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    prefix: options.prefix ?? process.env.PHASEGATE_PREFIX ?? "phasegate:",
  };
}
