import type { Run } from "../../domain/run/run.js";
import type { RolloutWatcher } from "../../ports/rollout-watcher.js";
import type { PollingSettings } from "../../ports/service-adapters.js";
import type { StepOutcome } from "./outcome.js";

/**
 * One poll of the rollout. The next poll comes after as long as the step has been waiting (clamped between the
 * first and the largest interval), which doubles the interval without keeping any state between polls.
 */
export async function pollRolloutStep(
  run: Run,
  watcher: RolloutWatcher,
  polling: PollingSettings,
  now: Date,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const state = run.steps[run.currentStep];
  const startedAt = Date.parse(state?.startedAt ?? now.toISOString());
  const elapsed = now.getTime() - startedAt;
  const last = state?.message ? ` (last: ${state.message})` : "";
  if (elapsed >= polling.deadlineMs) {
    return {
      kind: "timed-out",
      message: `the rollout of ${run.version} did not finish within ${Math.round(polling.deadlineMs / 1000)} s${last}; nothing destructive ran`,
    };
  }
  let progress: string;
  try {
    const status = await watcher.check({ runId: run.id, service: run.service, version: run.version }, signal);
    if (status.done) return { kind: "succeeded", message: status.message };
    if (status.failed) return { kind: "failed", message: `rollout failed: ${status.message}` };
    progress = status.message;
  } catch (error) {
    progress = `could not check the rollout: ${(error as Error).message}`;
  }
  const interval = Math.min(polling.maxIntervalMs, Math.max(polling.intervalMs, elapsed));
  return { kind: "later", delayMs: Math.min(interval, polling.deadlineMs - elapsed), progress };
}
