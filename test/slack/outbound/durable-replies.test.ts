import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../../src/domain/run/run.js";
import type { RedisClient } from "../../../src/net/redis/connect.js";
import { slackClient } from "../../../src/slack/outbound/outbound.js";
import { SlackNotifier } from "../../../src/slack/outbound/slack-notifier.js";
import { SlackFake } from "../../../src/slack-emulator/index.js";
import { RedisNotificationOutbox } from "../../../src/store/redis-notification-outbox.js";
import { logger } from "../../../src/telemetry/pino-logger.js";
import { replay, shopRun } from "../../../testkit/plans.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../../testkit/redis.js";
import { shopServices } from "../../../testkit/shop-services.js";

const TOKEN = "xoxb-durable";
const prefix = uniquePrefix("outbox");
let fake: SlackFake;
let redis: RedisClient;

const services = shopServices("C0SHOP");

/** A notifier as a bot process builds it, over the shared outbox; `retryAfterMs` 0 drains at once. */
function notifier() {
  return new SlackNotifier({
    client: slackClient(TOKEN, fake.apiUrl, logger),
    services,
    logger,
    cards: { attachCard: async () => undefined, attachGateMessage: async () => undefined },
    outbox: new RedisNotificationOutbox(redis, prefix),
    outboxRetryAfterMs: 0,
  });
}

beforeAll(async () => {
  fake = await new SlackFake({ token: TOKEN, channels: ["C0SHOP"] }).start();
  redis = connectRedis();
});

afterAll(async () => {
  await fake.stop();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe("thread replies through the outbox", () => {
  it("a reply Slack refused every try stays in the outbox and another process (a restarted bot) posts it", async () => {
    const run = shopRun();
    const first = notifier();
    await first.notify({ before: null, after: run, event: null, actor: SYSTEM_ACTOR });
    await first.flush();
    const card = fake.history("C0SHOP").find((m) => !m.thread_ts);
    if (!card) throw new Error("no card");
    const started = replay({ ...run, notification: { channel: "C0SHOP", ts: card.ts } }, [
      { type: "step-started", step: 0 },
    ]);
    fake.failNext("chat.postMessage", "internal_error", 3);
    for (const change of started) await first.notify(change);
    await first.flush();
    expect(fake.replies("C0SHOP", card.ts)).toHaveLength(0);
    const outbox = new RedisNotificationOutbox(redis, prefix);
    expect(await outbox.pending(10)).toHaveLength(1);

    const second = notifier();
    second.repair([]);
    await fake.waitFor(() => fake.replies("C0SHOP", card.ts).length === 1);
    await second.flush();
    expect(fake.replies("C0SHOP", card.ts)[0]?.text).toContain("started");
    expect(await outbox.pending(10)).toHaveLength(0);
  });
});
