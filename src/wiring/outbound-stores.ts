import type { Run } from "../domain/run/run.js";
import type { RedisClient } from "../net/redis/connect.js";
import type { CardRefs } from "../ports/card-refs.js";
import type { NotificationOutbox } from "../ports/notification-outbox.js";
import { StoreCardRefs } from "../store/redis-card-refs.js";
import { RedisNotificationOutbox } from "../store/redis-notification-outbox.js";
import { RedisRunStore } from "../store/redis-run-store.js";

/** Where the Slack notifier keeps its card references (with the runs) and the replies it must not lose. */
export function outboundStores(
  redis: RedisClient,
  prefix: string,
  onCardPosted: (run: Run) => void,
): { cards: CardRefs; outbox: NotificationOutbox; onCardPosted: (run: Run) => void } {
  return {
    cards: storeCardRefs(redis, prefix),
    outbox: new RedisNotificationOutbox(redis, prefix),
    onCardPosted,
  };
}

/** Where the Slack notifier records each run's card: with the run, in the engine's store. */
export function storeCardRefs(redis: RedisClient, prefix: string): CardRefs {
  return new StoreCardRefs(new RedisRunStore(redis, prefix));
}
