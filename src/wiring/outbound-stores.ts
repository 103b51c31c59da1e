import { recordCardRefs } from "../app/record-card-refs.js";
import type { RunWriteDeps } from "../app/transition.js";
import type { Run } from "../domain/run/run.js";
import type { RedisClient } from "../net/redis/connect.js";
import type { CardRefs } from "../ports/card-refs.js";
import type { NotificationOutbox } from "../ports/notification-outbox.js";
import { RedisNotificationOutbox } from "../store/redis-notification-outbox.js";

/**
 * Where the Slack notifier keeps its card references (with the runs, written through the engine's store that
 * `writes` reads once it is built) and the replies it must not lose.
 */
export function outboundStores(
  redis: RedisClient,
  prefix: string,
  writes: () => RunWriteDeps,
  onCardPosted: (run: Run) => void,
): { cards: CardRefs; outbox: NotificationOutbox; onCardPosted: (run: Run) => void } {
  return { cards: recordCardRefs(writes), outbox: new RedisNotificationOutbox(redis, prefix), onCardPosted };
}
