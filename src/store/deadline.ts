import { ReplyError } from "ioredis";
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
