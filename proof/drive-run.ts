import { setTimeout as sleep } from "node:timers/promises";
import type { UseCases } from "../src/app/use-cases.js";
import { isTerminal, type Run } from "../src/domain/run.js";
import { APPROVER, REQUESTER, SERVICE } from "./phasegate.js";

export interface DrivenRun {
  /** Harness clock when the run was asked for (startRun introspects before the run exists). */
  requestedAt: number;
  run: Run;
}

/**
 * Starts a run of `version` as the requester, approves its gate as the approver after `approvalDelayMs` (the
 * human reading the summary), and waits until it ends. Throws unless it succeeded.
 */
export async function driveRun(
  useCases: UseCases,
  version: string,
  approvalDelayMs: number,
): Promise<DrivenRun> {
  const requestedAt = Date.now();
  const started = await useCases.startRun({ service: SERVICE, version, requester: REQUESTER });
  if (!started.ok) throw new Error(`phasegate refused to start ${version}: ${started.message}`);
  if (started.dryRun) throw new Error("startRun answered a dry run");
  const runId = started.run.id;
  for (;;) {
    const run = await useCases.status(runId);
    if (!run) throw new Error(`run ${runId} disappeared`);
    if (isTerminal(run.status)) {
      if (run.status !== "succeeded") throw new Error(`run ${runId} ended ${run.status}: ${run.outcome}`);
      return { requestedAt, run };
    }
    if (run.status === "awaiting-approval") {
      await sleep(approvalDelayMs);
      const approved = await useCases.approve({ runId, user: APPROVER });
      if (!approved.ok) throw new Error(`approval of ${runId} refused: ${approved.message}`);
    }
    await sleep(100);
  }
}
