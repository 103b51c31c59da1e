import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../ports/logger.js";

/** Bolt's own messages go to our pino logger, under `component: "bolt"`. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: "bolt" });
  // Bolt logs at debug several times per request: a level that is off (set at start) costs an empty call.
  const ignore = () => undefined;
  const at = (level: "debug" | "info" | "warn" | "error") =>
    child.isLevelEnabled(level)
      ? (...messages: unknown[]) => child[level](messages.map(String).join(" "))
      : ignore;
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
