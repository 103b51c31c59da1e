import type { Logger as PinoLogger } from "pino";

/** Structured logs (pino's interface); the process's logger itself is made in src/telemetry. */
export type Logger = PinoLogger;
