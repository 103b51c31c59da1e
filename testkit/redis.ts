import { randomUUID } from "node:crypto";
import { createRedisClient, type RedisClient } from "../src/net/redis/connect.js";
import { type RedisTopology, redisTopologyFromEnv } from "../src/net/redis/redis-env.js";

export { deleteKeys } from "../src/store/delete-prefix.js";

export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A key prefix of its own for one test, so test files can run in parallel on one Redis. Hash-tagged, so the same
 * prefix works on a Redis Cluster (every key of the test in one slot).
 */
export function uniquePrefix(name = "t"): string {
  return `pgtest:{${name}:${randomUUID().slice(0, 8)}}:`;
}

/** The machine's Redis (REDIS_URL, else 127.0.0.1:6379), or the given topology, through phasegate's own factory. */
export function connectRedis(
  topology: RedisTopology = redisTopologyFromEnv({ REDIS_URL: redisUrl }),
): RedisClient {
  return createRedisClient(topology, "serve");
}
