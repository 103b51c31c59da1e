import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../src/net/free-ports.js";
import type { RedisTopology } from "../../src/net/redis/redis-env.js";
import { type RedisProcess, startRedisProcess, untilRedis } from "./redis-process.js";

/**
 * A Redis Cluster of this test file: three primaries with a replica each, on loopback, under a temp dir, with a
 * password (requirepass and masterauth), as managed clusters have.
 */
export interface TestCluster {
  nodes: RedisProcess[];
  topology: RedisTopology;
  /** REDIS_CLUSTER_NODES for a phasegate process. */
  env: Record<string, string>;
  /** The primary serving the slot of `key`, and its replica once it is in sync. */
  holderOf(key: string): Promise<{ primary: RedisProcess; replica: RedisProcess }>;
  /** Resolves once every live node sees the cluster as ok with three primaries. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface NodeLine {
  id: string;
  port: number;
  flags: string[];
  primaryId: string;
  slots: string[];
}

function parseNodes(text: string): NodeLine[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [id = "", address = "", flags = "", primaryId = "", , , , , ...slots] = line.split(" ");
      return {
        id,
        port: Number(address.split("@")[0]?.split(":")[1]),
        flags: flags.split(","),
        primaryId,
        slots,
      };
    });
}

const servesSlot = (ranges: string[], slot: number) =>
  ranges.some((range) => {
    const [from, to = from] = range.split("-").map(Number);
    return from !== undefined && to !== undefined && slot >= from && slot <= to;
  });

/**
 * Node timeout 1 s so a dead primary is replaced within seconds; replicas may always take over (validity
 * factor 0) since a test kills primaries on purpose.
 */
export async function startRedisCluster(): Promise<TestCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), "phasegate-redis-cluster-"));
  const password = randomBytes(12).toString("hex");
  const nodes = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      startRedisProcess(dir, `node${i}`, {
        password,
        args: async () => [
          ...["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--masterauth", password],
          ...["--cluster-port", String(await freePort())],
          ...["--cluster-node-timeout", "1000", "--cluster-replica-validity-factor", "0"],
          // A primary waits 5 s by default before a diskless sync, for more replicas to share it; each has one.
          ...["--repl-diskless-sync-delay", "0"],
        ],
      }),
    ),
  );
  const byPort = (port: number) => {
    const node = nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no test cluster node on port ${port}`);
    return node;
  };
  const [first] = nodes;
  if (!first) throw new Error("no node");
  await first.cli(
    "--cluster",
    "create",
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    "--cluster-replicas",
    "1",
    "--cluster-yes",
  );
  const live = () => nodes.filter((n) => n.alive());
  const cluster: TestCluster = {
    nodes,
    topology: {
      kind: "cluster",
      nodes: nodes.map((n) => ({ host: "127.0.0.1", port: n.port })),
      auth: { password },
    },
    env: { REDIS_CLUSTER_NODES: nodes.map((n) => `127.0.0.1:${n.port}`).join(","), REDIS_PASSWORD: password },
    async holderOf(key) {
      let found: { primary: RedisProcess; replica: RedisProcess } | undefined;
      // Right after the cluster is made (or a failover), a replica may still be attaching or syncing.
      await untilRedis(`a primary with a replica in sync for ${key}`, async () => {
        const [anyLive] = live();
        if (!anyLive) throw new Error("every test cluster node is dead");
        const slot = Number(await anyLive.cli("cluster", "keyslot", key));
        const table = parseNodes(await anyLive.cli("cluster", "nodes"));
        const primary = table.find(
          (n) => n.flags.includes("master") && !n.flags.includes("fail") && servesSlot(n.slots, slot),
        );
        const replica = table.find((n) => n.primaryId === primary?.id && !n.flags.includes("fail"));
        if (!primary || !replica) return false;
        const synced = (await byPort(replica.port).cli("info", "replication")).includes(
          "master_link_status:up",
        );
        if (synced) found = { primary: byPort(primary.port), replica: byPort(replica.port) };
        return synced;
      });
      if (!found) throw new Error(`no primary with a replica for ${key}`);
      return found;
    },
    async settled() {
      await untilRedis("the cluster ok on every live node", async () => {
        for (const node of live()) {
          const info = await node.cli("cluster", "info");
          if (!info.includes("cluster_state:ok")) return false;
          const primaries = parseNodes(await node.cli("cluster", "nodes")).filter(
            (n) => n.flags.includes("master") && !n.flags.includes("fail") && n.slots.length > 0,
          );
          if (primaries.length !== 3) return false;
        }
        return true;
      });
    },
    async close() {
      await Promise.all(nodes.map((n) => n.kill()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.settled();
  return cluster;
}
