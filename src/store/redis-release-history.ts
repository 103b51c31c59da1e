import type { RedisClient } from "../net/redis/connect.js";
import type { ReleaseHistory } from "../ports/release-history.js";
import { unreachable } from "./deadline.js";
import { storeKeys } from "./keys.js";

/** ReleaseHistory on Redis: one hash per service with the version phasegate last deployed and the run that did. */
export class RedisReleaseHistory implements ReleaseHistory {
  private readonly keyOf: (service: string) => string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keyOf = storeKeys(prefix).deployed;
  }

  async lastDeployed(service: string): Promise<string | null> {
    return this.redis.hget(this.keyOf(service), "version").catch(rethrow);
  }

  async recordDeployed(service: string, version: string, runId: string): Promise<void> {
    await this.redis.hset(this.keyOf(service), "version", version, "runId", runId).catch(rethrow);
  }
}

function rethrow(error: unknown): never {
  throw unreachable(error);
}
