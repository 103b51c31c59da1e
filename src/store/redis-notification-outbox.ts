import { DAY_MS, DEFAULT_FINISHED_RUN_DAYS } from "../domain/run/retention.js";
import type { RedisClient } from "../net/redis/connect.js";
import type { NotificationOutbox, OutboxItem } from "../ports/notification-outbox.js";
import { storeKeys } from "./keys.js";

/**
 * The outbox as one Redis stream under the prefix: XADD to keep a message, XDEL once it is posted. A message Slack
 * has not taken for `keepMs` (the default retention of finished runs) is trimmed by a later XADD: its run is gone too.
 */
export class RedisNotificationOutbox implements NotificationOutbox {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly keepMs = DEFAULT_FINISHED_RUN_DAYS * DAY_MS,
  ) {
    this.key = storeKeys(prefix).outbox();
  }

  async add(runId: string, payload: string): Promise<string> {
    // Stream ids start with their Unix ms: MINID drops every entry older than keepMs, from the head.
    const oldest = Math.max(0, Date.now() - this.keepMs);
    const id = await this.redis.xadd(this.key, "MINID", oldest, "*", "runId", runId, "payload", payload);
    if (!id) throw new Error("Redis kept no outbox entry");
    return id;
  }

  async done(id: string): Promise<void> {
    await this.redis.xdel(this.key, id);
  }

  async pending(limit: number): Promise<OutboxItem[]> {
    const entries = await this.redis.xrange(this.key, "-", "+", "COUNT", limit);
    return entries.map(([id, fields]) => {
      const field = (name: string) => fields[fields.indexOf(name) + 1] ?? "";
      return { id, runId: field("runId"), payload: field("payload") };
    });
  }
}
