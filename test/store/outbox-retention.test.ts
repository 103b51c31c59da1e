import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedisClient } from "../../src/net/redis/connect.js";
import { RedisNotificationOutbox } from "../../src/store/redis-notification-outbox.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../testkit/redis.js";

const prefix = uniquePrefix("outbox-retention");
let redis: RedisClient;

beforeAll(() => {
  redis = connectRedis();
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe("the notification outbox's retention", () => {
  it("drops a reply Slack never took once it is older than the retention, keeping the newer ones", async () => {
    const outbox = new RedisNotificationOutbox(redis, prefix, 300);
    await outbox.add("shop-old-1", "old reply");
    await new Promise((resolve) => setTimeout(resolve, 400));
    await outbox.add("shop-new-1", "new reply");
    expect((await outbox.pending(10)).map((item) => item.payload)).toEqual(["new reply"]);
  });
});
