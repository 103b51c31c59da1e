import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../logger.js";

/** Bolt's own messages go to our pino logger, under `component: "bolt"`. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: "bolt" });
  // Bolt logs at debug on every request; its arguments are only joined when the level is on.
  const at =
    (level: "debug" | "info" | "warn" | "error") =>
    (...messages: unknown[]) => {
      if (child.isLevelEnabled(level)) child[level](messages.map(String).join(" "));
    };
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
