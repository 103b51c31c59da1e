import { once } from "node:events";
import { Cluster } from "ioredis";
import { expect } from "vitest";
import { RedisReplayGuard } from "../../../src/store/redis-replay-guard.js";
import { logger } from "../../../src/telemetry/pino-logger.js";
import { replayConnection, requestConnection } from "../../../src/wiring/request-redis.js";
import type { Harness } from "../../../testkit/engine-harness.js";
import { startRedisCluster, type TestCluster } from "../../../testkit/redis-topologies/cluster.js";
import { untilRedis } from "../../../testkit/redis-topologies/redis-process.js";
import { describeOnTopology } from "./topology-suite.js";

/** The Slack requests' fail-fast connection, as the bot makes it, once it is ready. */
async function requestsReady(h: Harness) {
  const requests = await requestConnection(h.redis, logger);
  if (requests.status !== "ready") await once(requests, "ready");
  return requests;
}

/** The primary and replica of the slot every key of the harness lives in (its prefix is hash-tagged). */
const holderOfRuns = (cluster: TestCluster, prefix: string) => cluster.holderOf(`${prefix}run:x`);

describeOnTopology(
  "a Redis Cluster (3 primaries, 3 replicas)",
  startRedisCluster,
  [
    {
      name: "CLUSTER FAILOVER on the replica of the primary holding the run",
      async trigger(cluster, h) {
        const { primary, replica } = await holderOfRuns(cluster, h.prefix);
        expect(await replica.cli("cluster", "failover")).toBe("OK");
        await untilRedis("the replica promoted", async () =>
          (await replica.cli("role")).startsWith("master"),
        );
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
  ],
  [
    {
      name: "every key of the runs and of the queue sits on one primary (the prefix's hash tag)",
      async check(_, h) {
        if (!(h.redis instanceof Cluster)) throw new Error("the harness is not on the Cluster");
        const holders: string[][] = [];
        for (const node of h.redis.nodes("master")) {
          const keys: string[] = [];
          let cursor = "0";
          do {
            const [next, found] = await node.scan(cursor, "MATCH", `${h.prefix}*`, "COUNT", 500);
            keys.push(...found);
            cursor = next;
          } while (cursor !== "0");
          if (keys.length > 0) holders.push(keys);
        }
        expect(holders).toHaveLength(1);
        const keys = holders[0] ?? [];
        expect(keys).toContain(`${h.prefix}runs`);
        expect(keys.some((key) => key.startsWith(`${h.prefix}audit:`))).toBe(true);
        expect(keys.some((key) => key.startsWith(`${h.prefix}bull:phasegate-steps:`))).toBe(true);
      },
    },
    {
      name: "the Slack requests' fail-fast connection (a duplicate without offline queue) reads the runs",
      async check(_, h) {
        const requests = await requestsReady(h);
        try {
          expect(requests).toBeInstanceOf(Cluster);
          expect(await requests.zcard(`${h.prefix}runs`)).toBeGreaterThan(0);
        } finally {
          requests.disconnect();
        }
      },
    },
    {
      name: "a channel's runs of several services are read in one script across their indexes",
      async check(_, h) {
        const services = ["shop", "race", "failover0", "failover1", "not-a-service"];
        const channel = await h.engine.useCases.list({ services, limit: 10 });
        const all = await h.engine.useCases.list({ limit: 10 });
        expect(channel.length).toBeGreaterThan(1);
        expect(channel.map((run) => run.id).sort()).toEqual(all.map((run) => run.id).sort());
        const created = channel.map((run) => run.createdAt);
        expect(created).toEqual([...created].sort().reverse());
      },
    },
    {
      name: "the replay check's auto-pipelined connection lets each of 40 signatures through once, however many arrive at once",
      async check(_, h) {
        const requests = await requestsReady(h);
        const replay = await replayConnection(requests);
        try {
          expect(replay).toBeInstanceOf(Cluster);
          const guard = new RedisReplayGuard(replay, h.prefix);
          const signatures = Array.from({ length: 120 }, (_, i) => `v0=cluster-${i % 40}`);
          const first = await Promise.all(signatures.map((signature) => guard.firstUse(signature, 60_000)));
          expect(first.filter(Boolean)).toHaveLength(40);
          expect(new Set(signatures.filter((_, i) => first[i]))).toHaveProperty("size", 40);
        } finally {
          replay.disconnect();
          requests.disconnect();
        }
      },
    },
  ],
);
