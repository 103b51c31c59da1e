import { isTerminal } from "../domain/run/run.js";
import type { Logger } from "../ports/logger.js";
import type { RunStore } from "../ports/run-store.js";

export interface CancelWatch {
  signal: AbortSignal;
  stop(): void;
}

/**
 * Reads the run every `intervalMs` while one of its steps runs here and aborts the step when the run is being
 * cancelled (or has ended) — the cancel may come from any process: Slack, the CLI, another replica.
 */
export function watchForCancel(
  store: RunStore,
  runId: string,
  intervalMs: number,
  logger: Logger,
): CancelWatch {
  const controller = new AbortController();
  const timer = setInterval(async () => {
    try {
      const run = await store.get(runId);
      if (run && (run.status === "cancelling" || isTerminal(run.status)) && !controller.signal.aborted) {
        logger.info({ runId, status: run.status }, "run cancelled: stopping its running step");
        controller.abort(new Error(`run ${runId} was cancelled`));
      }
    } catch (error) {
      logger.warn({ err: error, runId }, "could not read the run while watching for a cancel");
    }
  }, intervalMs);
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}
