const REDIS_VARIABLES = ["REDIS_URL", "REDIS_SENTINELS", "REDIS_SENTINEL_NAME", "REDIS_CLUSTER_NODES"];

/** This process's environment with the given Redis settings in place of its own (and LOG_LEVEL info). */
export function workerEnv(redisEnv: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "info" };
  if (!redisEnv) return env;
  for (const name of REDIS_VARIABLES) delete env[name];
  return { ...env, ...redisEnv };
}
