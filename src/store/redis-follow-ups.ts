import { z } from "zod";
import { type MigrationKey, migrationLabel } from "../domain/classify/migration.js";
import type { OwedFollowUp } from "../domain/plan/follow-up-report.js";
import type { RedisClient } from "../net/redis/connect.js";
import type { FollowUpStore } from "../ports/follow-up-store.js";
import { storeKeys } from "./keys.js";

const key = z.object({ app: z.string(), name: z.string() });
const owedSchema = key.extend({
  phase: z.enum(["expand", "contract"]).nullable(),
  owedBy: key,
  runId: z.string(),
  version: z.string(),
  at: z.string(),
}) satisfies z.ZodType<OwedFollowUp>;

/** FollowUpStore on Redis: one hash per service, field `app.migration`, value the follow-up as JSON. */
export class RedisFollowUps implements FollowUpStore {
  private readonly keyOf: (service: string) => string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keyOf = storeKeys(prefix).owed;
  }

  async owed(service: string): Promise<OwedFollowUp[]> {
    const all = await this.redis.hgetall(this.keyOf(service));
    return Object.keys(all)
      .sort()
      .flatMap((field) => {
        const parsed = owedSchema.safeParse(JSON.parse(all[field] ?? "null"));
        return parsed.success ? [parsed.data] : [];
      });
  }

  async update(service: string, owe: OwedFollowUp[], settle: MigrationKey[]): Promise<void> {
    const multi = this.redis.multi();
    const hash = this.keyOf(service);
    if (settle.length > 0) multi.hdel(hash, ...settle.map(migrationLabel));
    for (const owed of owe) multi.hset(hash, migrationLabel(owed), JSON.stringify(owed));
    await multi.exec();
  }

  async drop(service: string, migration: MigrationKey): Promise<OwedFollowUp | null> {
    const hash = this.keyOf(service);
    const field = migrationLabel(migration);
    const [[, json], [, removed]] = (await this.redis.multi().hget(hash, field).hdel(hash, field).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    if (!removed || json === null) return null;
    const parsed = owedSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  }
}
