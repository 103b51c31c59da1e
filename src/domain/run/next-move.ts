import type { PlanStep } from "../plan/plan.js";
import { isTerminal, type Run, type StepStatus } from "./run.js";

/** What a step job names: the step, and the retry of the run it was queued for. */
export interface JobOfStep {
  step: number;
  retries: number;
}

/**
 * What the worker does with a step job of an existing run, decided from the stored run alone:
 * - `stale`: the job is no longer the run's next move (the run ended, was retried or moved on); dropped, and what
 *   the run needs next is queued again when it still runs (the worker that moved it on may have died first).
 * - `missing-step`: the run has no such step (a corrupt job or run).
 * - `finish-cancel`: the run is being cancelled and its step's worker stopped before recording the end.
 * - `queue-next`: an approval gate; no worker runs it, only its expiry and reminders are queued.
 * - `start`: the step is pending: wait for its contract turn, record the start, run it.
 * - `duplicate`: the step already ended; the job is a duplicate.
 * - `take-over`: started and never ended (its worker died); it is run again and the thread told.
 * - `resume`: a step polled or run again: a rollout's or an analysis's poll, a try after a lock timeout, a backfill
 *   batch.
 */
export type NextMove =
  | { kind: "stale"; requeue: boolean }
  | { kind: "missing-step" }
  | { kind: "finish-cancel"; step: PlanStep }
  | { kind: "queue-next"; step: PlanStep }
  | { kind: "start"; step: PlanStep }
  | { kind: "duplicate"; step: PlanStep; status: StepStatus }
  | { kind: "take-over"; step: PlanStep }
  | { kind: "resume"; step: PlanStep; status: StepStatus };

export function nextMove(run: Run, job: JobOfStep): NextMove {
  if (isTerminal(run.status) || job.retries !== run.retries || job.step !== run.currentStep)
    return { kind: "stale", requeue: !isTerminal(run.status) };
  const step = run.plan.steps[job.step];
  const state = run.steps[job.step];
  if (!step || !state) return { kind: "missing-step" };
  if (run.status === "cancelling") return { kind: "finish-cancel", step };
  if (step.kind === "approval") return { kind: "queue-next", step };
  if (state.status === "pending") return { kind: "start", step };
  if (state.status !== "running" && state.status !== "waiting")
    return { kind: "duplicate", step, status: state.status };
  // A rollout or an analysis only polls: a poll cut short is asked again, nothing to take over.
  const polls = step.kind === "wait-rollout" || step.kind === "analysis";
  if (state.status === "running" && !polls) return { kind: "take-over", step };
  return { kind: "resume", step, status: state.status };
}
