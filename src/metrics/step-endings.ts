import type { StepKind } from "../domain/plan/plan.js";
import type { RunEvent, StepState, StepStatus } from "../domain/run/run.js";
import type { RunChange } from "../ports/notifier.js";

/** A step that was running (or waiting) before the change and is over after it. */
export interface StepEnding {
  kind: StepKind;
  status: StepStatus;
  seconds: number;
  /** The event that ended it: tells an approval apart from a rejection, a timeout or a cancel. */
  event: RunEvent | null;
}

const ACTIVE: readonly StepStatus[] = ["running", "waiting"];
const ENDED: readonly StepStatus[] = ["succeeded", "failed", "cancelled"];

function seconds(state: StepState): number | null {
  if (!state.startedAt || !state.finishedAt) return null;
  return (Date.parse(state.finishedAt) - Date.parse(state.startedAt)) / 1000;
}

/** The steps this change ended, with how long each ran (from the run's own start and finish times). */
export function stepEndings({ before, after, event }: RunChange): StepEnding[] {
  if (!before) return [];
  return after.steps.flatMap((state) => {
    const previous = before.steps[state.index];
    const kind = after.plan.steps[state.index]?.kind;
    const took = seconds(state);
    if (!previous || !kind || took === null) return [];
    if (!ACTIVE.includes(previous.status) || !ENDED.includes(state.status)) return [];
    return [{ kind, status: state.status, seconds: took, event }];
  });
}
