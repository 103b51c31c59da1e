/** pino's own numbers: a line below the level is dropped without pino. */
export const SEVERITY: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** LOG_LEVEL, or the default: silent under vitest, info otherwise. */
export const LOG_LEVEL = process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info");

/**
 * Why LOG_LEVEL cannot be used, with the fix; null when it can. pino refuses a level it does not know when it loads,
 * which is at the first line logged: a bot would die on its first line instead of being told at its start.
 */
export function logLevelProblem(): string | null {
  if (LOG_LEVEL === "silent" || LOG_LEVEL in SEVERITY) return null;
  return `LOG_LEVEL ${JSON.stringify(LOG_LEVEL)} is not a log level: set it to debug, info, warn or error, or leave it unset (info)`;
}
