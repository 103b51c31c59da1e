import type { PlanStep } from "../domain/plan/plan.js";
import { type Run, type RunEvent, SYSTEM_ACTOR } from "../domain/run/run.js";
import type { AttemptProcesses, EarlierProcesses } from "../ports/attempt-processes.js";
import type { JobControl } from "../ports/step-queue.js";
import { earlierAttemptNote } from "./earlier-attempt.js";
import { type TransitionDeps, transition } from "./transition.js";

/** Steps that only poll (a rollout, an analysis) or wait for people (a gate) have nothing to take over. */
const TAKEN_OVER: Record<Exclude<PlanStep["kind"], "wait-rollout" | "analysis" | "approval">, string> = {
  migrate: "the migrate",
  deploy: "the deploy",
  backfill: "a backfill batch",
};

/** What the thread is told when a step is run again because its first run was never recorded as ended. */
function takeOverMessage(
  kind: keyof typeof TAKEN_OVER,
  n: number,
  failedBefore: boolean,
  earlier: EarlierProcesses,
): string {
  const what = TAKEN_OVER[kind];
  const why = failedBefore
    ? `phasegate could not record how ${what} ended (the worker's log has the error)`
    : `the worker restarted during ${what}`;
  const migrate =
    kind === "migrate"
      ? ": a migration the earlier attempt applied is not applied again, and one still running in the database is waited for"
      : "";
  return `${why}; ${earlierAttemptNote(earlier, n - 1)}; running it again, attempt ${n}${migrate}`;
}

export interface TakeOverDeps extends TransitionDeps {
  processes: AttemptProcesses;
}

/**
 * Runs again a step whose first run never ended: first waits until no process of the earlier attempt is left
 * (that attempt may still record its end meanwhile: then nothing is taken over), then records the take-over,
 * which fences the earlier attempt off, and tells the thread. The run to go on with, or null when refused.
 */
export async function takeOver(
  deps: TakeOverDeps,
  run: Run,
  step: PlanStep,
  control: JobControl,
): Promise<Run | null> {
  if (step.kind === "wait-rollout" || step.kind === "analysis" || step.kind === "approval") return run;
  const n = (run.steps[step.index]?.executions ?? 0) + 1;
  deps.logger.warn(
    { runId: run.id, step: step.index, attempt: n },
    "taking over a step that never ended: waiting for the earlier attempt's processes first",
  );
  const earlier = await deps.processes.awaitGone(run.id);
  const message = takeOverMessage(step.kind, n, control.failedBefore, earlier);
  const event: RunEvent = { type: "step-taken-over", step: step.index, message };
  const taken = await transition(deps, run.id, event, SYSTEM_ACTOR, run);
  if (taken.ok) return taken.run;
  deps.logger.warn({ runId: run.id, step: step.index, reason: taken.message }, "step not taken over");
  return null;
}
