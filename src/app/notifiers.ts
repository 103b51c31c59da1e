import type { Logger } from "../ports/logger.js";
import type { CardStatus, FreezeChange, Notifier, RunChange } from "../ports/notifier.js";

/** Tells every notifier (log, Slack, metrics) about each change; one failing never keeps the others from hearing. */
export class CompositeNotifier implements Notifier {
  constructor(
    private readonly notifiers: readonly Notifier[],
    private readonly logger: Logger,
  ) {}

  /** Posted when every notifier showing cards has posted it (none: posted). */
  async cardPosted(runId: string, waitMs: number): Promise<CardStatus> {
    const statuses = await Promise.all(
      this.notifiers.flatMap((notifier) => (notifier.cardPosted ? [notifier.cardPosted(runId, waitMs)] : [])),
    );
    return statuses.find((status) => !status.posted) ?? { posted: true };
  }

  async freezeChanged(change: FreezeChange): Promise<void> {
    await Promise.all(
      this.notifiers.map((notifier) =>
        notifier
          .freezeChanged?.(change)
          .catch((error: unknown) =>
            this.logger.error(
              { err: error, scope: change.freeze.scope, notifier: notifier.constructor.name },
              "notifier failed; the freeze itself changed",
            ),
          ),
      ),
    );
  }

  async notify(change: RunChange): Promise<void> {
    await Promise.all(
      this.notifiers.map(async (notifier) => {
        try {
          await notifier.notify(change);
        } catch (error) {
          this.logger.error(
            { err: error, runId: change.after.id, notifier: notifier.constructor.name },
            "notifier failed; the run itself changed",
          );
        }
      }),
    );
  }
}
