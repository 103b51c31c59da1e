import type { Run } from "../domain/run/run.js";
import type { Logger } from "../ports/logger.js";
import type { StepQueue } from "../ports/step-queue.js";

/**
 * What the Slack notifier calls once a run's card is out: a new run's first step is queued then (it waited for
 * its card). Queuing is idempotent, so a run already queued at start is not queued twice.
 */
export function queueFirstStep(queue: () => StepQueue, logger: Logger): (run: Run) => void {
  return (run) => {
    if (run.status !== "running" || run.steps[run.currentStep]?.status !== "pending") return;
    queue()
      .enqueueStep(run)
      .catch((error: unknown) =>
        logger.error(
          { err: error, runId: run.id },
          "could not queue the first step after the card was posted",
        ),
      );
  };
}
