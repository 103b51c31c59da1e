import { createRedisClient } from "../net/redis/connect.js";
import { redisTopologyFromEnv } from "../net/redis/redis-env.js";
import { SandboxError } from "./sandbox-error.js";

/** Throws what to do when Redis does not answer at `url`. */
export async function checkRedis(url: string): Promise<void> {
  const redis = createRedisClient(redisTopologyFromEnv({ REDIS_URL: url }), "command");
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new SandboxError(
      `Redis does not answer at ${url} (${(error as Error).message}). Start it with \`bash scripts/bootstrap.sh\` (or \`redis-server --daemonize yes\`), or set REDIS_URL to a running one.`,
    );
  } finally {
    redis.disconnect();
  }
}
