import type { Run } from "../../domain/run/run.js";
import type { RolloutRequest, RolloutWatcher } from "../../ports/rollout-watcher.js";
import type { PollingSettings } from "../../ports/service-adapters.js";
import type { StepOutcome } from "./outcome.js";

/** Where a wait for a rollout stands: since when it waits, and the last progress it reported. */
export interface RolloutWait {
  startedAt: string | null;
  lastMessage: string | null;
}

/**
 * One poll of a rollout (a run's wait-rollout step, or a rollback's). The next poll comes after as long as the
 * wait has lasted (clamped between the first and the largest interval), which doubles the interval without
 * keeping any state between polls.
 */
export async function pollRollout(
  request: RolloutRequest,
  wait: RolloutWait,
  watcher: RolloutWatcher,
  polling: PollingSettings,
  now: Date,
  signal?: AbortSignal,
): Promise<Exclude<StepOutcome, { kind: "again" }>> {
  const startedAt = Date.parse(wait.startedAt ?? now.toISOString());
  const elapsed = now.getTime() - startedAt;
  const last = wait.lastMessage ? ` (last: ${wait.lastMessage})` : "";
  if (elapsed >= polling.deadlineMs) {
    return {
      kind: "timed-out",
      message: `the rollout of ${request.version} did not finish within ${Math.round(polling.deadlineMs / 1000)} s${last}; nothing destructive ran`,
    };
  }
  let progress: string;
  try {
    const status = await watcher.check(request, signal);
    if (status.done) return { kind: "succeeded", message: status.message };
    if (status.failed) return { kind: "failed", message: `rollout failed: ${status.message}` };
    progress = status.message;
  } catch (error) {
    progress = `could not check the rollout: ${(error as Error).message}`;
  }
  const interval = Math.min(polling.maxIntervalMs, Math.max(polling.intervalMs, elapsed));
  return { kind: "later", delayMs: Math.min(interval, polling.deadlineMs - elapsed), progress };
}

/** One poll of the run's wait-rollout step. */
export function pollRolloutStep(
  run: Run,
  watcher: RolloutWatcher,
  polling: PollingSettings,
  now: Date,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const state = run.steps[run.currentStep];
  return pollRollout(
    { runId: run.id, service: run.service, version: run.version },
    { startedAt: state?.startedAt ?? null, lastMessage: state?.message ?? null },
    watcher,
    polling,
    now,
    signal,
  );
}
