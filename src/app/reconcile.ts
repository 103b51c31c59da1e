import { holdsServiceLock } from "../domain/run/rollback-reducer.js";
import type { Run } from "../domain/run/run.js";
import type { WorkerDeps } from "./process-step.js";
import { queueNext } from "./queue-next.js";

/** A new run acts only once its card is out: the Slack notifier queues its first step then, not this. */
function waitsForItsCard(run: Run): boolean {
  return run.notification === null && run.currentStep === 0 && run.steps[0]?.status === "pending";
}

/**
 * Queues again what each service's active run needs next (its pending step, the expiry of its gate, the rollback
 * of its deploy). A process that stored a change and died before queueing what follows (a bot killed right after
 * a start, an approval or a rollback click) would otherwise leave the run waiting forever, holding its service.
 * Idempotent: job ids are deterministic.
 */
export async function reconcileActiveRuns(deps: WorkerDeps, services: readonly string[]): Promise<number> {
  let requeued = 0;
  for (const service of services) {
    const runId = await deps.store.activeRunId(service);
    const run = runId ? await deps.store.get(runId) : null;
    if (!run || !holdsServiceLock(run) || waitsForItsCard(run)) continue;
    await queueNext(deps, run);
    requeued++;
  }
  return requeued;
}
