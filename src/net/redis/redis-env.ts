import { z } from "zod";
import { issueLines } from "../../domain/issues/issue-lines.js";

export interface HostPort {
  host: string;
  port: number;
}

/** Credentials and TLS of the data nodes (Sentinel and Cluster; a URL carries its own). */
export interface RedisAuth {
  username?: string;
  password?: string;
  /** TLS to every node; `ca` is the PEM of a private CA (REDIS_CA_FILE). */
  tls?: { caFile?: string };
}

/** Where phasegate's Redis is: one server (or a managed primary behind one name), a Sentinel group, or a Cluster. */
export type RedisTopology =
  | { kind: "standalone"; url: string; caFile?: string }
  | { kind: "sentinel"; sentinels: HostPort[]; name: string; sentinelPassword?: string; auth: RedisAuth }
  | { kind: "cluster"; nodes: HostPort[]; auth: RedisAuth };

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

function parseHostPort(item: string): HostPort | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(item.trim());
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) return null;
  return { host: match[1] ?? match[2] ?? "", port };
}

const hostPortList = (variable: string) =>
  z.string().transform((text, ctx) => {
    const items = text.split(",").filter((item) => item.trim() !== "");
    const parsed = items.map(parseHostPort);
    const bad = items.filter((_, i) => parsed[i] === null);
    if (items.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `${variable} takes host:port pairs separated by commas, e.g. redis-0.internal:6379,redis-1.internal:6379${bad.length > 0 ? ` (not host:port: ${bad.map((b) => `"${b.trim()}"`).join(", ")})` : ""}`,
      });
      return z.NEVER;
    }
    return parsed as HostPort[];
  });

/** What ioredis would fail on only once it connects: a URL it cannot parse, a database that is not a number. */
function urlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "cannot be read as a URL: check the port (1 to 65535) and percent-encode a password's @, : or /";
  }
  const database = url.pathname.slice(1) || (url.searchParams.get("db") ?? "");
  if (database !== "" && !/^\d+$/.test(database))
    return `names the database "${database}": a Redis database is a number, e.g. /0`;
  return null;
}

const redisUrl = z
  .string()
  .regex(/^rediss?:\/\/[^\s]+$/, {
    message: "must be a redis:// or rediss:// (TLS) URL, e.g. rediss://:password@redis.internal:6380/0",
    abort: true,
  })
  .superRefine((text, ctx) => {
    const problem = urlProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const optionalText = z.string().min(1).optional();

/** The Redis part of the environment; empty values count as unset (a Secret key left blank). */
export const redisEnvSchema = z.object({
  REDIS_URL: redisUrl.optional(),
  REDIS_CA_FILE: optionalText,
  REDIS_SENTINELS: hostPortList("REDIS_SENTINELS").optional(),
  REDIS_SENTINEL_NAME: optionalText,
  REDIS_SENTINEL_PASSWORD: optionalText,
  REDIS_CLUSTER_NODES: hostPortList("REDIS_CLUSTER_NODES").optional(),
  REDIS_USERNAME: optionalText,
  REDIS_PASSWORD: optionalText,
  REDIS_TLS: z
    .enum(["true", "false"], { error: 'REDIS_TLS is "true" (TLS to every node) or "false"' })
    .optional(),
});

type RedisEnv = z.infer<typeof redisEnvSchema>;

function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = Object.keys(redisEnvSchema.shape);
  return Object.fromEntries(
    names.flatMap((name) => {
      const value = env[name];
      return value === undefined || value.trim() === "" ? [] : [[name, value.trim()]];
    }),
  );
}

export class RedisConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RedisConfigError";
  }
}

function authOf(env: RedisEnv): RedisAuth {
  return {
    ...(env.REDIS_USERNAME ? { username: env.REDIS_USERNAME } : {}),
    ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
    ...(env.REDIS_TLS === "true" || env.REDIS_CA_FILE ? { tls: { caFile: env.REDIS_CA_FILE } } : {}),
  };
}

function pick(env: RedisEnv): RedisTopology {
  const chosen = (["REDIS_URL", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES"] as const).filter((n) => env[n]);
  if (chosen.length > 1)
    throw new RedisConfigError(
      `${chosen.join(" and ")} are both set: set only one (REDIS_URL for one server, REDIS_SENTINELS with REDIS_SENTINEL_NAME for Sentinel, REDIS_CLUSTER_NODES for a Cluster)`,
    );
  if (env.REDIS_SENTINEL_NAME && !env.REDIS_SENTINELS)
    throw new RedisConfigError(
      "REDIS_SENTINEL_NAME is set without REDIS_SENTINELS: list the sentinels as host:port,host:port",
    );
  if (env.REDIS_SENTINELS) {
    if (!env.REDIS_SENTINEL_NAME)
      throw new RedisConfigError(
        "REDIS_SENTINELS is set without REDIS_SENTINEL_NAME: set it to the name the sentinels monitor (sentinel monitor <name> …), e.g. mymaster",
      );
    return {
      kind: "sentinel",
      sentinels: env.REDIS_SENTINELS,
      name: env.REDIS_SENTINEL_NAME,
      ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
      auth: authOf(env),
    };
  }
  if (env.REDIS_CLUSTER_NODES) return { kind: "cluster", nodes: env.REDIS_CLUSTER_NODES, auth: authOf(env) };
  for (const name of ["REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_TLS"] as const)
    if (env[name])
      throw new RedisConfigError(
        `${name} applies to REDIS_SENTINELS and REDIS_CLUSTER_NODES only: put the credentials in REDIS_URL (rediss://user:password@host:port for TLS)`,
      );
  return {
    kind: "standalone",
    url: env.REDIS_URL ?? DEFAULT_REDIS_URL,
    ...(env.REDIS_CA_FILE ? { caFile: env.REDIS_CA_FILE } : {}),
  };
}

/**
 * The Redis topology from the environment; `urlOverride` (a --redis flag) stands for REDIS_URL.
 * Throws RedisConfigError naming the variable to fix.
 */
export function redisTopologyFromEnv(env: NodeJS.ProcessEnv, urlOverride?: string): RedisTopology {
  const raw = withoutEmpty(env);
  if (urlOverride !== undefined) raw.REDIS_URL = urlOverride;
  const parsed = redisEnvSchema.safeParse(raw);
  if (!parsed.success) throw new RedisConfigError(issueLines(parsed.error.issues, "").join("; "));
  const topology = pick(parsed.data);
  if (topology.kind === "standalone" && topology.caFile && !topology.url.startsWith("rediss://"))
    throw new RedisConfigError(
      "REDIS_CA_FILE is set but REDIS_URL is not a rediss:// URL: use rediss:// for TLS, or unset REDIS_CA_FILE",
    );
  return topology;
}

const list = (nodes: HostPort[]) =>
  nodes.map((n) => (n.host.includes(":") ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(",");

/** For logs and messages; never shows a password. */
export function describeTopology(topology: RedisTopology): string {
  if (topology.kind === "sentinel")
    return `Redis Sentinel group "${topology.name}" (sentinels ${list(topology.sentinels)})`;
  if (topology.kind === "cluster") return `Redis Cluster (nodes ${list(topology.nodes)})`;
  return `Redis at ${topology.url.replace(/\/\/[^@/]*@/, "//***@")}`;
}
