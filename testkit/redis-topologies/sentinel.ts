import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RedisTopology } from "../../src/net/redis/redis-env.js";
import { type RedisProcess, startRedisProcess, untilRedis } from "./redis-process.js";

export const SENTINEL_NAME = "pgmaster";

/** One primary, one replica and three sentinels of this test file, on loopback, under a temp dir, with passwords. */
export interface TestSentinels {
  data: RedisProcess[];
  sentinels: RedisProcess[];
  topology: RedisTopology;
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME for a phasegate process. */
  env: Record<string, string>;
  /** The data node the sentinels name as primary now. */
  primary(): Promise<RedisProcess>;
  /** Resolves once every live sentinel names `port` as the primary and it has a replica in sync (when expected). */
  settledOn(port: number, withReplica: boolean): Promise<void>;
  close(): Promise<void>;
}

const sentinelConfig = (primaryPort: number, dataPassword: string) => () =>
  [
    `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${primaryPort} 2`,
    `sentinel auth-pass ${SENTINEL_NAME} ${dataPassword}`,
    `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
    `sentinel failover-timeout ${SENTINEL_NAME} 4000`,
    `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
    "",
  ].join("\n");

export async function startRedisSentinels(): Promise<TestSentinels> {
  const dir = await mkdtemp(path.join(tmpdir(), "phasegate-redis-sentinel-"));
  // The data nodes and the sentinels each have a password of their own, as managed Sentinel setups do.
  const [password, sentinelPassword] = [randomBytes(12).toString("hex"), randomBytes(12).toString("hex")];
  // A primary waits 5 s by default before a diskless sync, for more replicas to share it; here there is one.
  const dataNode = (name: string, args: string[]) =>
    startRedisProcess(dir, name, {
      password,
      args: () => ["--masterauth", password, "--repl-diskless-sync-delay", "0", ...args],
    });
  const first = await dataNode("primary", []);
  const second = await dataNode("replica", ["--replicaof", "127.0.0.1", String(first.port)]);
  const data = [first, second];
  const sentinels = await Promise.all(
    [0, 1, 2].map((i) =>
      startRedisProcess(dir, `sentinel${i}`, {
        password: sentinelPassword,
        sentinelConfig: sentinelConfig(first.port, password),
      }),
    ),
  );
  // Sentinel's own periods are for production networks: a replica's INFO every 10 s, and a demoted primary made
  // a replica only 4 hello periods (8 s) after it last said it was primary. Shorter on this loopback group, where
  // they are most of a failover's time; the tilt settings (a stalled timer) stay, a loaded machine needs them.
  await Promise.all(
    sentinels.map((s) => s.cli("sentinel", "debug", "info-period", "1000", "publish-period", "500")),
  );
  const primaryPort = async () => {
    for (const sentinel of sentinels.filter((s) => s.alive())) {
      const reply = await sentinel.cli("sentinel", "get-master-addr-by-name", SENTINEL_NAME).catch(() => "");
      const port = Number(reply.split("\n")[1]);
      if (port) return port;
    }
    throw new Error("no sentinel names a primary");
  };
  const group: TestSentinels = {
    data,
    sentinels,
    topology: {
      kind: "sentinel",
      sentinels: sentinels.map((s) => ({ host: "127.0.0.1", port: s.port })),
      name: SENTINEL_NAME,
      sentinelPassword,
      auth: { password },
    },
    env: {
      REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(","),
      REDIS_SENTINEL_NAME: SENTINEL_NAME,
      REDIS_PASSWORD: password,
      REDIS_SENTINEL_PASSWORD: sentinelPassword,
    },
    async primary() {
      const port = await primaryPort();
      const node = data.find((d) => d.port === port);
      if (!node) throw new Error(`the sentinels name an unknown primary on ${port}`);
      return node;
    },
    async settledOn(port, withReplica) {
      await untilRedis(`every sentinel on primary ${port}`, async () => {
        for (const sentinel of sentinels.filter((s) => s.alive())) {
          const reply = await sentinel.cli("sentinel", "get-master-addr-by-name", SENTINEL_NAME);
          if (Number(reply.split("\n")[1]) !== port) return false;
          const replicas = Number(
            /num-slaves\n(\d+)/.exec(await sentinel.cli("sentinel", "master", SENTINEL_NAME))?.[1],
          );
          if (withReplica && replicas < 1) return false;
        }
        const info = await group.data.find((d) => d.port === port)?.cli("info", "replication");
        return Boolean(info?.includes("role:master")) && (!withReplica || /state=online/.test(info ?? ""));
      });
    },
    async close() {
      await Promise.all([...sentinels, ...data].map((n) => n.kill()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  await group.settledOn(first.port, true);
  return group;
}
