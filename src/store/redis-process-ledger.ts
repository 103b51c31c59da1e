import { z } from "zod";
import type { RedisClient } from "../net/redis/connect.js";
import type { AttemptProcess, ProcessLedger } from "../ports/attempt-processes.js";
import { unreachable } from "./deadline.js";
import { storeKeys } from "./keys.js";

/** A recorded process outlives its deadline in Redis by this much at most (then nobody waits for it anyway). */
const KEEP_AFTER_DEADLINE_MS = 10 * 60_000;

const entrySchema = z.strictObject({
  runId: z.string(),
  key: z.string(),
  host: z.string(),
  pid: z.number().int().positive(),
  deadlineMs: z.number(),
});

const field = (p: AttemptProcess) => `${p.host}#${p.pid}`;

/** ProcessLedger on Redis: a hash per run, field host#pid, expiring after the last deadline. */
export class RedisProcessLedger implements ProcessLedger {
  private readonly keyOf: (runId: string) => string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keyOf = storeKeys(prefix).processes;
  }

  async record(process: AttemptProcess): Promise<void> {
    const key = this.keyOf(process.runId);
    const ttlMs = Math.max(1, process.deadlineMs + KEEP_AFTER_DEADLINE_MS - Date.now());
    await this.redis
      .multi()
      .hset(key, field(process), JSON.stringify(process))
      // A run's commands run one after another: the latest one's deadline is the one that matters.
      .pexpire(key, ttlMs)
      .exec()
      .catch(rethrow);
  }

  async forget(process: AttemptProcess): Promise<void> {
    await this.redis.hdel(this.keyOf(process.runId), field(process)).catch(rethrow);
  }

  async list(runId: string): Promise<AttemptProcess[]> {
    const entries = await this.redis.hvals(this.keyOf(runId)).catch(rethrow);
    return entries.flatMap((json) => {
      const parsed = entrySchema.safeParse(safeJson(json));
      return parsed.success ? [parsed.data] : [];
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function rethrow(error: unknown): never {
  throw unreachable(error);
}
