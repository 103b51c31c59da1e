import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix of its own for one test, so test files can run in parallel on one Redis. */
export function uniquePrefix(name = "t"): string {
  return `pgtest:${name}:${randomUUID().slice(0, 8)}:`;
}

export function connectRedis(): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null });
}

/** Deletes every key under the prefix (BullMQ keys included when the queue uses the same prefix). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}
