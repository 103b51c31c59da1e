import type { LoggerOptions } from "pino";

/** Cloud Logging's severities (GKE reads `severity`; a numeric pino level shows there as DEFAULT). */
const SEVERITY: Record<string, string> = {
  trace: "DEBUG",
  debug: "DEBUG",
  info: "INFO",
  warn: "WARNING",
  error: "ERROR",
  fatal: "CRITICAL",
};

/**
 * Every line carries its level as a word (`"level":"warn"`) and the matching `severity`, so log platforms that do not
 * know pino's numbers (GKE, Cloud Logging, Loki's level detection) still sort and filter by it.
 */
export const logFormat: Pick<LoggerOptions, "formatters"> = {
  formatters: {
    level: (label) => ({ level: label, severity: SEVERITY[label] ?? "DEFAULT" }),
  },
};
