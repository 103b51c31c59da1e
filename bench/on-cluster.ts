import { startRedisCluster } from "../testkit/redis-topologies/cluster.js";
import type { BenchRedis } from "./engine-setup.js";
import type { Benchmark, Figure } from "./figure.js";

/** The benchmark on a Redis Cluster of its own (three primaries, three replicas on loopback), started and removed. */
export function onCluster(benchmark: (on: BenchRedis) => Promise<Figure[]>): Benchmark {
  return async () => {
    const cluster = await startRedisCluster();
    try {
      return await benchmark({ label: " (Cluster)", topology: cluster.topology, env: cluster.env });
    } finally {
      await cluster.close();
    }
  };
}
