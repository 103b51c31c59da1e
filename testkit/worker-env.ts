import { redisEnvSchema } from "../src/net/redis/redis-env.js";

/** This process's environment with the given Redis settings in place of its own (and LOG_LEVEL info). */
export function workerEnv(redisEnv: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "info" };
  if (!redisEnv) return env;
  for (const name of Object.keys(redisEnvSchema.shape)) delete env[name];
  return { ...env, ...redisEnv };
}
