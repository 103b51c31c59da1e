import pino from "pino";

/** Structured JSON logs on stderr (stdout stays free for command output such as `plan --json`). */
export const logger = pino(
  { name: "phasegate", level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info") },
  pino.destination(2),
);

export type Logger = typeof logger;
