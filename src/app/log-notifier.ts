import type { Logger } from "../ports/logger.js";
import type { Notifier, RunChange } from "../ports/notifier.js";

/** Writes every run change to the structured log; the notifier of the CLI and of a worker without Slack. */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async notify({ before, after, event, actor }: RunChange): Promise<void> {
    const step = after.plan.steps[after.currentStep];
    this.logger.info(
      {
        runId: after.id,
        service: after.service,
        event: event?.type ?? "created",
        from: before?.status ?? null,
        to: after.status,
        step: step ? `${step.index} ${step.kind}` : null,
        message: after.steps[after.currentStep]?.message ?? after.outcome,
        actor: actor.id,
      },
      "run update",
    );
  }
}
