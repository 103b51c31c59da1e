import { applyRunEvent } from "../domain/run/reducer.js";
import { type NotificationRef, type RunEvent, SYSTEM_ACTOR } from "../domain/run/run.js";
import type { CardRefs } from "../ports/card-refs.js";
import type { RunStore } from "../ports/run-store.js";

/** Enough for any burst of concurrent changes; each lost race reloads the run. */
const MAX_ATTEMPTS = 50;

/** Records where a run's Slack messages live with the run itself (compare-and-set on its revision, one audit line). */
export class StoreCardRefs implements CardRefs {
  constructor(
    private readonly store: RunStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  attachCard(runId: string, card: NotificationRef): Promise<void> {
    return this.apply(runId, { type: "notification-attached", notification: card });
  }

  attachGateMessage(runId: string, gate: string, message: NotificationRef): Promise<void> {
    return this.apply(runId, { type: "gate-message-attached", gate, message });
  }

  private async apply(runId: string, event: RunEvent): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const before = await this.store.get(runId);
      if (!before) throw new Error(`no run ${runId} to attach its Slack message to`);
      const at = this.now().toISOString();
      const result = applyRunEvent(before, event, at);
      if (!result.ok) throw new Error(`run ${runId}: ${result.reason}`);
      const saved = await this.store.save(result.run, before.revision, {
        at,
        actor: SYSTEM_ACTOR,
        action: event.type,
        from: before.status,
        to: result.run.status,
        outcome: "applied",
        detail: "gate" in event ? `gate ${event.gate}` : null,
      });
      if (saved.ok) return;
    }
    throw new Error(`run ${runId}: too many concurrent changes to attach its Slack message`);
  }
}
