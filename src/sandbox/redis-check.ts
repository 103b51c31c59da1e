import { Redis } from "ioredis";
import { SandboxError } from "./sandbox-error.js";

/** Throws what to do when Redis does not answer at `url`. */
export async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
