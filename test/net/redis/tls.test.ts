import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRedis, type RedisClient } from "../../../src/net/redis/connect.js";
import { redisTopologyFromEnv } from "../../../src/net/redis/redis-env.js";
import { RedisRunStore } from "../../../src/store/redis-run-store.js";
import { shopRun } from "../../../testkit/plans.js";
import { deleteKeys, uniquePrefix } from "../../../testkit/redis.js";
import { startTlsRedis, type TestTlsRedis } from "../../../testkit/redis-topologies/tls.js";

let server: TestTlsRedis;
let redis: RedisClient | undefined;
const prefix = uniquePrefix("tls");

beforeAll(async () => {
  server = await startTlsRedis();
});

afterAll(async () => {
  if (redis) {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
  await server.close();
});

describe("Redis over TLS (rediss://)", () => {
  it("trusts the server through REDIS_CA_FILE and stores runs over TLS", async () => {
    const topology = redisTopologyFromEnv({
      REDIS_URL: server.url,
      REDIS_CA_FILE: server.certificates.caFile,
    });
    redis = await openRedis(topology, prefix, "command");
    const store = new RedisRunStore(redis, prefix);
    const audit = {
      at: shopRun().createdAt,
      actor: { kind: "user" as const, id: "U_ALICE" },
      action: "created" as const,
      from: null,
      to: "running" as const,
      outcome: "applied" as const,
      detail: null,
    };
    const created = await store.create("shop", (id) => shopRun({ id }), audit);
    if (!created.ok) throw new Error(`shop is held by ${created.activeRunId}`);
    expect(await store.get(created.run.id)).toEqual(created.run);
    expect((await store.audit(created.run.id)).map((a) => a.action)).toEqual(["created"]);
  });

  it("refuses a server its CA did not sign, naming the setting to fix", async () => {
    await expect(
      openRedis(redisTopologyFromEnv({ REDIS_URL: server.url }), prefix, "command"),
    ).rejects.toThrow(
      new RegExp(
        `^cannot reach Redis at ${server.url}: (self-signed certificate in certificate chain|unable to verify the first certificate); set REDIS_CA_FILE to the PEM file of the CA that signed the Redis server's certificate$`,
      ),
    );
  });

  it("says which file REDIS_CA_FILE names when it cannot be read", async () => {
    await expect(async () =>
      openRedis(
        redisTopologyFromEnv({ REDIS_URL: server.url, REDIS_CA_FILE: "/nonexistent/ca.pem" }),
        prefix,
        "command",
      ),
    ).rejects.toThrow(
      "REDIS_CA_FILE /nonexistent/ca.pem cannot be read (ENOENT): point it at the PEM file of the CA that signed the Redis server's certificate",
    );
  });
});
