import type { CommandOutcome } from "../run/run.js";

/** When and how often a migrate step that hit the lock timeout is tried again. */
export interface LockRetryPolicy {
  maxTries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

/** PostgreSQL's message for SQLSTATE 55P03 under lock_timeout, and the line the guard wrapper adds. */
const LOCK_TIMEOUT = /canceling statement due to lock timeout|SQLSTATE 55P03/;

/** The command failed because a statement gave up waiting for a lock: nothing was changed, trying again is safe. */
export function isLockTimeout(command: CommandOutcome): boolean {
  return command.exitCode !== 0 && LOCK_TIMEOUT.test(`${command.stdoutTail}\n${command.stderrTail}`);
}

/**
 * Wait before the try after `failedTries` tries: exponential backoff with half of it random ("equal jitter"), so
 * runs of several services that collide on a busy database do not retry in step. `random` is in [0, 1).
 */
export function lockRetryDelayMs(failedTries: number, policy: LockRetryPolicy, random: number): number {
  const ceiling = Math.min(policy.maxRetryDelayMs, policy.retryDelayMs * 2 ** Math.max(0, failedTries - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
