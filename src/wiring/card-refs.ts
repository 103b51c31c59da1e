import type { Redis } from "ioredis";
import type { CardRefs } from "../ports/card-refs.js";
import { StoreCardRefs } from "../store/card-refs.js";
import { RedisRunStore } from "../store/redis-run-store.js";

/** Where the Slack notifier records each run's card: with the run, in the engine's store. */
export function storeCardRefs(redis: Redis, prefix: string): CardRefs {
  return new StoreCardRefs(new RedisRunStore(redis, prefix));
}
