import { setTimeout as sleep } from "node:timers/promises";
import { isTerminal, type Run } from "../src/domain/run/run.js";
import type { UseCases } from "../src/ports/use-cases.js";
import type { SlackOperator } from "./slack-operator.js";

export interface DrivenRun {
  /** Harness clock when `/migrate start` was sent (phasegate introspects before the run exists). */
  requestedAt: number;
  run: Run;
}

/**
 * Starts a run of `version` from Slack, clicks Approve on its gate after `approvalDelayMs` (the human reading the
 * summary), and follows the run (read only) until it ends. Throws unless it succeeded.
 */
export async function driveRun(
  operator: SlackOperator,
  runs: Pick<UseCases, "status">,
  version: string,
  approvalDelayMs: number,
): Promise<DrivenRun> {
  const requestedAt = Date.now();
  const runId = await operator.start(version);
  for (;;) {
    const run = await runs.status(runId);
    if (!run) throw new Error(`run ${runId} disappeared`);
    if (isTerminal(run.status)) {
      if (run.status !== "succeeded") throw new Error(`run ${runId} ended ${run.status}: ${run.outcome}`);
      return { requestedAt, run };
    }
    if (run.status === "awaiting-approval" && run.notification) {
      await sleep(approvalDelayMs);
      await operator.approve(runId, run.notification.ts);
    }
    await sleep(100);
  }
}
