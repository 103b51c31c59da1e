import type { PlanStep } from "../src/domain/plan/plan.js";
import type { Run } from "../src/domain/run/run.js";
import type { DrivenRun } from "./drive-run.js";

export interface RunTimings {
  /** From the first `/migrate start` to the end of the last run. */
  wallMs: number;
  rolloutWaitMs: number;
  approvalWaitMs: number;
  /**
   * Run time left after Django's migrate commands, the rollout wait and the approval wait: Slack round trips,
   * introspection, the deploy hook, queueing and polling.
   */
  overheadMs: number;
}

function spentIn(run: Run, kind: PlanStep["kind"]): number {
  return run.plan.steps
    .filter((step) => step.kind === kind)
    .reduce((sum, step) => {
      const state = run.steps[step.index];
      if (!state?.startedAt || !state.finishedAt) return sum;
      return sum + Date.parse(state.finishedAt) - Date.parse(state.startedAt);
    }, 0);
}

function djangoMs(run: Run): number {
  return run.steps.flatMap((s) => s.commands).reduce((sum, c) => sum + c.durationMs, 0);
}

export function runTimings(driven: readonly DrivenRun[]): RunTimings {
  const first = driven[0];
  const last = driven.at(-1);
  if (!first || !last) throw new Error("no run to time");
  const runMs = driven.reduce((sum, d) => sum + Date.parse(d.run.updatedAt) - d.requestedAt, 0);
  const rolloutWaitMs = driven.reduce((sum, d) => sum + spentIn(d.run, "wait-rollout"), 0);
  const approvalWaitMs = driven.reduce((sum, d) => sum + spentIn(d.run, "approval"), 0);
  const migrateMs = driven.reduce((sum, d) => sum + djangoMs(d.run), 0);
  return {
    wallMs: Date.parse(last.run.updatedAt) - first.requestedAt,
    rolloutWaitMs,
    approvalWaitMs,
    overheadMs: runMs - rolloutWaitMs - approvalWaitMs - migrateMs,
  };
}
