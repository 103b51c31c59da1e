import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { prefixProblem } from "./hash-tag.js";
import { describeTopology, RedisConfigError, type RedisTopology } from "./redis-env.js";

/** A connection to phasegate's Redis, whatever its topology: the store, the queue and the health check take it. */
export type RedisClient = Redis | Cluster;

/**
 * "serve": a bot or worker, which waits out a lost connection or a failover (BullMQ needs maxRetriesPerRequest
 * null). "command": a one-shot CLI command, which fails quickly with a message instead of hanging.
 */
export type RedisMode = "serve" | "command";

function tlsOf(caFile: string | undefined): ConnectionOptions {
  if (!caFile) return {};
  try {
    return { ca: readFileSync(caFile, "utf8") };
  } catch (error) {
    throw new RedisConfigError(
      `REDIS_CA_FILE ${caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): point it at the PEM file of the CA that signed the Redis server's certificate`,
    );
  }
}

/**
 * A primary demoted by a failover answers writes with READONLY: reconnect (Sentinel then names the new primary)
 * and send the command again.
 */
const reconnectOnReadonly = (error: Error): 2 | false => (error.message.startsWith("READONLY") ? 2 : false);

function nodeOptions(mode: RedisMode): RedisOptions {
  return {
    maxRetriesPerRequest: mode === "serve" ? null : 1,
    reconnectOnError: reconnectOnReadonly,
    lazyConnect: mode === "command",
    ...(mode === "command" ? { retryStrategy: () => null } : {}),
  };
}

/** How long a serving connection that ioredis ended waits before it connects again. */
const CONNECT_AGAIN_MS = 100;

/**
 * ioredis ends a connection for good when a connect under way is cut off. A Sentinel connection's failover
 * detector does that when a sentinel announces the new primary (+switch-master) while the connection is already
 * reconnecting because its primary died: every command then failed with "Connection is closed" until the process
 * restarted. A serving connection connects again, unless phasegate closed it.
 */
function connectAgainWhenEnded(connection: Redis): Redis {
  let closed = false;
  const disconnect = connection.disconnect.bind(connection);
  connection.disconnect = (reconnect = false) => {
    if (!reconnect) closed = true;
    disconnect(reconnect);
  };
  const quit = connection.quit.bind(connection);
  connection.quit = ((...args: Parameters<Redis["quit"]>) => {
    closed = true;
    return quit(...args);
  }) as Redis["quit"];
  connection.on("end", () => {
    setTimeout(() => {
      if (!closed && connection.status === "end") connection.connect().catch(() => undefined);
    }, CONNECT_AGAIN_MS).unref();
  });
  return connection;
}

/**
 * The one place a Redis connection is made (bot, worker, CLI, bench and tests). "serve" connects at once and keeps
 * trying; "command" connects on `connect()`.
 */
export function createRedisClient(topology: RedisTopology, mode: RedisMode): RedisClient {
  const client = newClient(topology, mode);
  return mode === "serve" && client instanceof Redis ? connectAgainWhenEnded(client) : client;
}

function newClient(topology: RedisTopology, mode: RedisMode): RedisClient {
  if (topology.kind === "standalone") {
    const tls = topology.url.startsWith("rediss://") ? { tls: tlsOf(topology.caFile) } : {};
    return new Redis(topology.url, { ...nodeOptions(mode), ...tls });
  }
  const { auth } = topology;
  const credentials = {
    ...(auth.username ? { username: auth.username } : {}),
    ...(auth.password ? { password: auth.password } : {}),
    ...(auth.tls ? { tls: tlsOf(auth.tls.caFile) } : {}),
  };
  if (topology.kind === "sentinel")
    return new Redis({
      ...nodeOptions(mode),
      ...credentials,
      sentinels: topology.sentinels,
      name: topology.name,
      ...(topology.sentinelPassword ? { sentinelPassword: topology.sentinelPassword } : {}),
      ...(auth.tls ? { enableTLSForSentinelMode: true, sentinelTLS: credentials.tls } : {}),
      // Subscribes to the sentinels' +switch-master: a promoted replica is used at once, not at the next error.
      failoverDetector: true,
      ...(mode === "command" ? { sentinelRetryStrategy: () => null } : {}),
    });
  const { lazyConnect, ...redisOptions } = nodeOptions(mode);
  return new Cluster(topology.nodes, {
    redisOptions: { ...redisOptions, ...credentials },
    lazyConnect,
    // ioredis resolves node names to addresses first, which the TLS certificate check then fails on (managed
    // clusters such as ElastiCache certify names): connect by name.
    ...(auth.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    // A failover (a replica elected after its primary died) takes the cluster's node timeout and an election:
    // a serving process retries through it instead of failing the step it runs.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    maxRedirections: mode === "serve" ? 1000 : 16,
    ...(mode === "command" ? { clusterRetryStrategy: () => null } : {}),
  });
}

/**
 * Checks the prefix against the topology and connects, or throws RedisConfigError saying what to fix. A serving
 * process does not wait for Redis (its /readyz tells while Redis is away); a command does.
 */
export async function openRedis(
  topology: RedisTopology,
  prefix: string,
  mode: RedisMode,
): Promise<RedisClient> {
  const problem = prefixProblem(prefix, topology);
  if (problem) throw new RedisConfigError(problem);
  const client = createRedisClient(topology, mode);
  if (mode === "serve") return client;
  // ioredis rejects with "Connection is closed"; the reason (refused, TLS) comes as an error event.
  let cause: Error | undefined;
  const remember = (error: Error) => {
    cause = error;
  };
  client.on("error", remember);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new RedisConfigError(
      `cannot reach ${describeTopology(topology)}: ${(cause ?? (error as Error)).message}; ${fixOf(cause ?? (error as Error))}`,
    );
  } finally {
    client.off("error", remember);
  }
}

function fixOf(error: Error): string {
  if (/certificate|self.signed|unable to verify/i.test(error.message))
    return "set REDIS_CA_FILE to the PEM file of the CA that signed the Redis server's certificate";
  return "start it, or fix REDIS_URL / REDIS_SENTINELS / REDIS_CLUSTER_NODES (or pass --redis URL)";
}

/** Command options a second connection may change (the Slack requests' fail-fast connection, the replay check's). */
export type CommandOptions = Pick<
  RedisOptions,
  "enableOfflineQueue" | "commandTimeout" | "maxRetriesPerRequest" | "enableAutoPipelining"
>;

/**
 * Another connection to the same Redis with other command options; a Cluster applies them to every node. Like a
 * serving connection, it connects again when ioredis ends it, unless phasegate closed it.
 */
export function duplicateWith(client: RedisClient, options: CommandOptions): RedisClient {
  if (client instanceof Cluster) {
    const { enableOfflineQueue, enableAutoPipelining, ...perNode } = options;
    return client.duplicate([], {
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
      redisOptions: { ...client.options.redisOptions, ...perNode },
    });
  }
  return connectAgainWhenEnded(client.duplicate(options));
}
