import { readFileSync } from "node:fs";
import path from "node:path";
import type { LockGuardConfig } from "../config/lock-guard-schema.js";
import { findPackageFile } from "./helper.js";

const WRAPPER = path.join("src", "django", "migrate_guarded.py");

let wrapperPath: string | undefined;
let wrapperSource: string | undefined;

/**
 * What goes between the Python command and `manage.py migrate …` to run it under the lock guard and the migrate
 * lock: the wrapper's
 * path, or its source (`-c`) when the command runs in the release's image, where phasegate's files are absent.
 */
export function guardArgv(inline: boolean): string[] {
  wrapperPath ??= findPackageFile(WRAPPER);
  if (!inline) return [wrapperPath];
  wrapperSource ??= readFileSync(wrapperPath, "utf8");
  return ["-c", wrapperSource];
}

/**
 * The wrapper's settings, in the environment of the migrate process. A disabled lock guard sets no timeouts, but
 * the wrapper still keeps two migrates of one database from overlapping; it waits for another one until shortly
 * before the step's own timeout, so its message (naming the session that holds the lock) is the one the run shows.
 */
export function guardEnv(guard: LockGuardConfig, migrateTimeoutMs: number): Record<string, string> {
  return {
    PHASEGATE_LOCK_TIMEOUT_MS: String(guard.enabled ? guard.lockTimeoutMs : 0),
    PHASEGATE_STATEMENT_TIMEOUT_MS: String(guard.enabled ? guard.statementTimeoutMs : 0),
    PHASEGATE_MIGRATE_LOCK_WAIT_MS: String(Math.max(1000, migrateTimeoutMs - 10_000)),
  };
}
