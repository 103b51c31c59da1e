import type { RedisTopology } from "./redis-env.js";

/**
 * The hash tag of a key prefix: Redis Cluster hashes only the part between the first "{" and the next "}" when it
 * is not empty. A prefix that holds the whole tag puts every key behind it (store and queue) into one slot.
 */
export function prefixHashTag(prefix: string): string | null {
  const open = prefix.indexOf("{");
  if (open < 0) return null;
  const close = prefix.indexOf("}", open + 1);
  return close > open + 1 ? prefix.slice(open + 1, close) : null;
}

/**
 * Every Lua script of the store and of BullMQ touches several keys, which a Cluster only allows within one slot:
 * under a Cluster the prefix must carry its hash tag. Returns the problem and its fix, or null.
 */
export function prefixProblem(prefix: string, topology: RedisTopology): string | null {
  if (topology.kind !== "cluster" || prefixHashTag(prefix) !== null) return null;
  const suggestion = `{${prefix.replace(/[{}]/g, "").replace(/:+$/, "") || "phasegate"}}:`;
  return (
    `the key prefix "${prefix}" has no hash tag, so on a Redis Cluster the keys of one run (and of the queue) would ` +
    `land in different slots and its scripts would fail with CROSSSLOT: set PHASEGATE_PREFIX (or --prefix) to "${suggestion}"`
  );
}
