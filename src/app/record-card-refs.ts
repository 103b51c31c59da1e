import { type RunEvent, SYSTEM_ACTOR } from "../domain/run/run.js";
import type { CardRefs } from "../ports/card-refs.js";
import { type RunWriteDeps, writeRunEvent } from "./transition.js";

/**
 * Records where a run's Slack messages live, with the run itself, through the run's one write path (reducer,
 * compare-and-set, audit line, log). `deps` is read on each call: the notifier that records them is built before
 * the engine whose store it writes to.
 */
export function recordCardRefs(deps: () => RunWriteDeps): CardRefs {
  const attach = async (runId: string, event: RunEvent): Promise<void> => {
    const outcome = await writeRunEvent(deps(), runId, event, SYSTEM_ACTOR);
    if (!outcome.ok) throw new Error(`cannot attach the Slack message of run ${runId}: ${outcome.message}`);
  };
  return {
    attachCard: (runId, card) => attach(runId, { type: "notification-attached", notification: card }),
    attachGateMessage: (runId, gate, message) =>
      attach(runId, { type: "gate-message-attached", gate, message }),
  };
}
