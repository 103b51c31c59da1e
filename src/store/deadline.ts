import { createHash } from "node:crypto";
import { ReplyError } from "ioredis";
import type { RedisClient } from "../net/redis/connect.js";
import { StoreUnavailableError } from "../ports/store-unavailable.js";

/**
 * Prefixes a script so that its first ARGV is a deadline (Unix ms; 0 for none) checked against Redis's own clock:
 * a write that reaches a Redis paused past its deadline answers {'expired'} and changes nothing, instead of being
 * carried out long after its caller gave up. The rest of ARGV keeps its positions.
 */
export function withDeadline(script: string): string {
  return `
local deadline = tonumber(table.remove(ARGV, 1))
if deadline > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > deadline then return {'expired'} end
end
${script}`;
}

/** A Redis error that is not Redis's answer (a timeout, a closed connection, no offline queue) means unreachable. */
export function unreachable(error: unknown): unknown {
  if (error instanceof ReplyError || !(error instanceof Error)) return error;
  return new StoreUnavailableError(error.message);
}

/**
 * Runs a script made by withDeadline, due within `budgetMs` (no deadline when undefined). A write Redis got too late
 * or could not be reached throws StoreUnavailableError.
 */
export async function evalWithin(
  redis: RedisClient,
  budgetMs: number | undefined,
  script: string,
  keys: string[],
  args: Array<string | number>,
): Promise<string[]> {
  const deadline = budgetMs === undefined ? 0 : Date.now() + budgetMs;
  const reply = (await runScript(redis, script, [...keys, deadline, ...args], keys.length).catch(
    (error: unknown) => {
      throw unreachable(error);
    },
  )) as string[];
  if (reply[0] === "expired")
    throw new StoreUnavailableError(`the write reached Redis after ${budgetMs} ms and was not carried out`);
  return reply;
}

const digests = new Map<string, string>();

function digestOf(script: string): string {
  let digest = digests.get(script);
  if (!digest) {
    digest = createHash("sha1").update(script).digest("hex");
    digests.set(script, digest);
  }
  return digest;
}

/**
 * EVALSHA, and EVAL only when that Redis does not have the script yet (a new or restarted server, a failover, another
 * Cluster node): a burst of writes sends 40 bytes each instead of the script's text. NOSCRIPT ran nothing, so the
 * EVAL that follows is the only run.
 */
async function runScript(
  redis: RedisClient,
  script: string,
  keysAndArgs: Array<string | number>,
  keyCount: number,
): Promise<unknown> {
  try {
    return await redis.evalsha(digestOf(script), keyCount, ...keysAndArgs);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
    return redis.eval(script, keyCount, ...keysAndArgs);
  }
}
