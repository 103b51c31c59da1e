import path from "node:path";
import { describe, expect, it } from "vitest";
import { prefixHashTag, prefixProblem } from "../../../src/net/redis/hash-tag.js";
import { describeTopology, redisTopologyFromEnv } from "../../../src/net/redis/redis-env.js";
import { repoRoot, runCli } from "../../../testkit/run-cli.js";

describe("the Redis settings of the environment", () => {
  it("defaults to the local Redis; a --redis flag stands for REDIS_URL", () => {
    expect(redisTopologyFromEnv({})).toEqual({ kind: "standalone", url: "redis://127.0.0.1:6379" });
    expect(redisTopologyFromEnv({ REDIS_URL: "redis://a:1" }, "rediss://b:2")).toEqual({
      kind: "standalone",
      url: "rediss://b:2",
    });
  });

  it("reads Sentinel and Cluster settings, IPv6 included, blank values as unset", () => {
    expect(
      redisTopologyFromEnv({
        REDIS_URL: " ",
        REDIS_SENTINELS: "s1:26379, [::1]:26380",
        REDIS_SENTINEL_NAME: "mymaster",
        REDIS_PASSWORD: "secret",
        REDIS_TLS: "true",
        REDIS_CA_FILE: "/etc/ca.pem",
      }),
    ).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "s1", port: 26379 },
        { host: "::1", port: 26380 },
      ],
      name: "mymaster",
      auth: { password: "secret", tls: { caFile: "/etc/ca.pem" } },
    });
    const cluster = redisTopologyFromEnv({ REDIS_CLUSTER_NODES: "10.0.0.1:7000,10.0.0.2:7000" });
    expect(cluster).toEqual({
      kind: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 7000 },
      ],
      auth: {},
    });
    expect(describeTopology(cluster)).toBe("Redis Cluster (nodes 10.0.0.1:7000,10.0.0.2:7000)");
    expect(describeTopology(redisTopologyFromEnv({ REDIS_URL: "rediss://u:pw@h:6380/1" }))).toBe(
      "Redis at rediss://***@h:6380/1",
    );
  });

  it.each([
    [
      { REDIS_URL: "http://redis:6379" },
      "REDIS_URL: must be a redis:// or rediss:// (TLS) URL, e.g. rediss://:password@redis.internal:6380/0",
    ],
    [
      { REDIS_CLUSTER_NODES: "a:7000,b" },
      'REDIS_CLUSTER_NODES: REDIS_CLUSTER_NODES takes host:port pairs separated by commas, e.g. redis-0.internal:6379,redis-1.internal:6379 (not host:port: "b")',
    ],
    [
      { REDIS_URL: "redis://a:1", REDIS_CLUSTER_NODES: "a:7000" },
      "REDIS_URL and REDIS_CLUSTER_NODES are both set: set only one",
    ],
    [
      { REDIS_URL: "redis://127.0.0.1:99999" },
      "REDIS_URL: cannot be read as a URL: check the port (1 to 65535) and percent-encode a password's @, : or /",
    ],
    [
      { REDIS_URL: "redis://127.0.0.1:6379/abc" },
      'REDIS_URL: names the database "abc": a Redis database is a number, e.g. /0',
    ],
    [
      { REDIS_URL: "redis://127.0.0.1:6379?db=one" },
      'REDIS_URL: names the database "one": a Redis database is a number, e.g. /0',
    ],
    [{ REDIS_SENTINELS: "s:26379" }, "REDIS_SENTINELS is set without REDIS_SENTINEL_NAME"],
    [{ REDIS_SENTINEL_NAME: "m" }, "REDIS_SENTINEL_NAME is set without REDIS_SENTINELS"],
    [{ REDIS_PASSWORD: "pw" }, "REDIS_PASSWORD applies to REDIS_SENTINELS and REDIS_CLUSTER_NODES only"],
    [{ REDIS_CLUSTER_NODES: "a:1", REDIS_TLS: "yes" }, 'REDIS_TLS: REDIS_TLS is "true"'],
    [{ REDIS_CA_FILE: "/ca.pem" }, "REDIS_CA_FILE is set but REDIS_URL is not a rediss:// URL"],
  ])("refuses %o, saying what to set", (env, message) => {
    expect(() => redisTopologyFromEnv(env)).toThrow(message);
  });

  it("phasegate run and worker say a Redis URL's bad database (exit 2) instead of crashing on Redis's answer", async () => {
    for (const command of ["run list", "worker"]) {
      const result = await runCli(
        [...command.split(" "), "--services", path.join(repoRoot, "examples", "services.example.yaml")],
        { REDIS_URL: "redis://127.0.0.1:6379/abc" },
      );
      expect(result).toEqual({
        code: 2,
        stdout: "",
        stderr: `phasegate ${command.split(" ")[0]}: REDIS_URL: names the database "abc": a Redis database is a number, e.g. /0\n`,
      });
    }
  });
});

describe("the key prefix on a Redis Cluster", () => {
  const cluster = redisTopologyFromEnv({ REDIS_CLUSTER_NODES: "a:7000" });

  it("takes the hash tag as Redis does: the first {…} that is not empty", () => {
    expect(prefixHashTag("{phasegate}:")).toBe("phasegate");
    expect(prefixHashTag("team:{pg}:")).toBe("pg");
    expect(prefixHashTag("{}pg:")).toBeNull();
    expect(prefixHashTag("{pg:")).toBeNull();
    expect(prefixHashTag("phasegate:")).toBeNull();
  });

  it("refuses a prefix without a hash tag on a Cluster only, with the prefix to use", () => {
    expect(prefixProblem("{phasegate}:", cluster)).toBeNull();
    expect(prefixProblem("phasegate:", redisTopologyFromEnv({}))).toBeNull();
    expect(prefixProblem("phasegate:", cluster)).toMatch(
      /CROSSSLOT: set PHASEGATE_PREFIX \(or --prefix\) to "\{phasegate\}:"$/,
    );
  });

  it("phasegate run refuses it at start (exit 2) before any Redis is asked", async () => {
    const result = await runCli(
      ["run", "list", "--services", path.join(repoRoot, "examples", "services.example.yaml")],
      { REDIS_URL: undefined, REDIS_CLUSTER_NODES: "127.0.0.1:1", PHASEGATE_PREFIX: "phasegate:" },
    );
    expect(result.stderr).toContain('set PHASEGATE_PREFIX (or --prefix) to "{phasegate}:"');
    expect(result.code).toBe(2);
  });
});
