import type { RedisClient } from "../net/redis/connect.js";
import type { NotificationOutbox, OutboxItem } from "../ports/notification-outbox.js";
import { storeKeys } from "./keys.js";

/** The outbox as one Redis stream under the prefix: XADD to keep a message, XDEL once it is posted. */
export class RedisNotificationOutbox implements NotificationOutbox {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = storeKeys(prefix).outbox();
  }

  async add(runId: string, payload: string): Promise<string> {
    const id = await this.redis.xadd(this.key, "*", "runId", runId, "payload", payload);
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
