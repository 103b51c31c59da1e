import type { RedisClient } from "../net/redis/connect.js";
import type { ReplayGuard } from "../ports/replay-guard.js";
import { unreachable } from "./deadline.js";
import { storeKeys } from "./keys.js";

/** One key per signature seen (SET NX), expiring when the signed request would be too old to pass anyway. */
export class RedisReplayGuard implements ReplayGuard {
  private readonly keys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  async firstUse(signature: string, ttlMs: number): Promise<boolean> {
    const set = await this.redis
      .set(this.keys.replay(signature), "1", "PX", Math.max(1, Math.ceil(ttlMs)), "NX")
      .catch((error: unknown) => {
        throw unreachable(error);
      });
    return set === "OK";
  }
}
