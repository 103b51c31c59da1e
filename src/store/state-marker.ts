import { randomUUID } from "node:crypto";
import type { RedisClient } from "../net/redis/connect.js";
import { unreachable } from "./deadline.js";
import { storeKeys } from "./keys.js";

/**
 * A key phasegate writes the first time it uses a Redis (under its prefix). While phasegate runs, the key
 * disappearing means Redis lost phasegate's data (restarted without persistence, flushed, failed over to an empty
 * replica): every run it held is gone.
 */
export class StateMarker {
  private readonly key: string;
  private id: string | null = null;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = storeKeys(prefix).stateMarker();
  }

  /** Writes the marker unless one is there, and remembers whichever is. */
  async claim(): Promise<void> {
    const fresh = `${new Date().toISOString()} ${randomUUID()}`;
    await this.redis.set(this.key, fresh, "NX").catch(rethrow);
    this.id = await this.redis.get(this.key).catch(rethrow);
  }

  /** False when the marker this process knows is gone (or replaced); throws when Redis cannot be read. */
  async intact(): Promise<boolean> {
    if (this.id === null) {
      await this.claim();
      return true;
    }
    return (await this.redis.get(this.key).catch(rethrow)) === this.id;
  }
}

function rethrow(error: unknown): never {
  throw unreachable(error);
}
