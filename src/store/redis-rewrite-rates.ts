import { z } from "zod";
import type { RewriteRate } from "../domain/locks/live-facts.js";
import type { RedisClient } from "../net/redis/connect.js";
import type { RewriteRates } from "../ports/rewrite-rates.js";
import { type StoreKeys, storeKeys } from "./keys.js";

const rateSchema = z.strictObject({
  bytesPerSecond: z.number().positive(),
  source: z.literal("measured"),
  measuredAt: z.string(),
});

/** One JSON value per service; one that does not parse is ignored (the configured rate is used instead). */
export class RedisRewriteRates implements RewriteRates {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  async measured(service: string): Promise<RewriteRate | null> {
    const raw = await this.redis.get(this.keys.rewriteRate(service));
    if (raw === null) return null;
    try {
      const parsed = rateSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async record(service: string, rate: RewriteRate): Promise<void> {
    await this.redis.set(this.keys.rewriteRate(service), JSON.stringify(rate));
  }
}
