import { expect } from "vitest";
import { startRedisCluster, type TestCluster } from "../../../testkit/redis-topologies/cluster.js";
import { untilRedis } from "../../../testkit/redis-topologies/redis-process.js";
import { describeOnTopology } from "./topology-suite.js";

/** The primary and replica of the slot every key of the harness lives in (its prefix is hash-tagged). */
const holderOfRuns = (cluster: TestCluster, prefix: string) => cluster.holderOf(`${prefix}run:x`);

describeOnTopology("a Redis Cluster (3 primaries, 3 replicas)", startRedisCluster, [
  {
    name: "CLUSTER FAILOVER on the replica of the primary holding the run",
    async trigger(cluster, h) {
      const { primary, replica } = await holderOfRuns(cluster, h.prefix);
      expect(await replica.cli("cluster", "failover")).toBe("OK");
      await untilRedis("the replica promoted", async () => (await replica.cli("role")).startsWith("master"));
      await cluster.settled();
      expect((await holderOfRuns(cluster, h.prefix)).primary.port).not.toBe(primary.port);
    },
  },
  {
    name: "SIGKILL of the primary holding the run",
    async trigger(cluster, h) {
      const { primary, replica } = await holderOfRuns(cluster, h.prefix);
      await primary.kill();
      await untilRedis("the replica elected", async () => (await replica.cli("role")).startsWith("master"));
      await cluster.settled();
    },
  },
]);
