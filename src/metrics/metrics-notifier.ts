import { isTerminal } from "../domain/run/run.js";
import type { Notifier, RunChange } from "../ports/notifier.js";
import { approvalWait, rolloutWait, runsFinished, runsStarted, stepDuration } from "./run-metrics.js";
import { type StepEnding, stepEndings } from "./step-endings.js";

function decisionOf(ending: StepEnding): string {
  switch (ending.event?.type) {
    case "approval-granted":
      return "approved";
    case "approval-rejected":
      return "rejected";
    case "timed-out":
      return "timed-out";
    default:
      return "cancelled";
  }
}

/** Turns every run change into Prometheus samples; composed with the other notifiers by the engine. */
export class MetricsNotifier implements Notifier {
  async notify(change: RunChange): Promise<void> {
    const { before, after, event } = change;
    const service = after.service;
    if (!before) runsStarted.inc({ service, start: "new" });
    if (event?.type === "retried") runsStarted.inc({ service, start: "retry" });
    if (isTerminal(after.status) && (!before || !isTerminal(before.status)))
      runsFinished.inc({ service, outcome: after.status });
    for (const ending of stepEndings(change)) {
      stepDuration.observe({ kind: ending.kind, status: ending.status }, ending.seconds);
      if (ending.kind === "wait-rollout")
        rolloutWait.observe({ service, status: ending.status }, ending.seconds);
      if (ending.kind === "approval")
        approvalWait.observe({ service, decision: decisionOf(ending) }, ending.seconds);
    }
  }
}
