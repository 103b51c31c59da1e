import pino from "pino";
import { logContext } from "../ports/log-context.js";
import type { Logger } from "../ports/logger.js";
import { logFormat } from "./log-format.js";

/** Structured JSON logs on stderr (stdout stays free for command output such as `plan --json`). */
export const logger: Logger = pino(
  {
    name: "phasegate",
    level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
    ...logFormat,
    // The request, run and step of the work at hand, on each of its lines (src/ports/log-context.ts).
    mixin: logContext,
  },
  pino.destination(2),
);
