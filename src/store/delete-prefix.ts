import type { RedisClient } from "../net/redis/connect.js";

/**
 * Deletes every key under the prefix (BullMQ's keys too when the queue uses the same prefix). SCAN is per node, so
 * on a Cluster every primary is scanned.
 */
export async function deleteKeys(redis: RedisClient, prefix: string): Promise<void> {
  const nodes = "nodes" in redis && redis.isCluster ? redis.nodes("master") : [redis];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      // One DEL per key: under a prefix without a hash tag the keys of a Cluster node span several slots.
      if (keys.length > 0) await Promise.all(keys.map((key) => redis.del(key)));
    } while (cursor !== "0");
  }
}
