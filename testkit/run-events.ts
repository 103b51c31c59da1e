import { applyRunEvent } from "../src/domain/run/reducer.js";
import type { Run, RunEvent } from "../src/domain/run/run.js";

/** The run after the event; throws with the reducer's reason when it refuses it. */
export function applied(run: Run, event: RunEvent, at: string): Run {
  const result = applyRunEvent(run, event, at);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.run;
}

/** Why the reducer refuses the event; throws when it accepts it. */
export function refusalOf(run: Run, event: RunEvent, at: string): string {
  const result = applyRunEvent(run, event, at);
  if (result.ok) throw new Error(`expected a refusal, got ${result.run.status}`);
  return result.reason;
}
