import { isTerminal, type Run } from "../domain/run/run.js";
import type { Logger } from "../ports/logger.js";
import type { RunStore } from "../ports/run-store.js";

export interface CancelWatch {
  signal: AbortSignal;
  stop(): void;
}

/**
 * Reads the run every `intervalMs` while one of its steps runs here and aborts the step when the run is being
 * cancelled (or has ended) — the cancel may come from any process: Slack, the CLI, another replica — or when this
 * attempt no longer `owns` the step (it froze, and another worker took the step over).
 */
export function watchForCancel(
  store: RunStore,
  runId: string,
  intervalMs: number,
  logger: Logger,
  owns: (run: Run) => boolean = () => true,
): CancelWatch {
  const controller = new AbortController();
  const timer = setInterval(async () => {
    try {
      const run = await store.get(runId);
      if (run && (run.status === "cancelling" || isTerminal(run.status)) && !controller.signal.aborted) {
        logger.info({ runId, status: run.status }, "run cancelled: stopping its running step");
        controller.abort(new Error(`run ${runId} was cancelled`));
      } else if (run && !owns(run) && !controller.signal.aborted) {
        logger.warn({ runId }, "another worker took the step over: stopping this attempt's commands");
        controller.abort(new Error(`another worker took over the step of ${runId}`));
      }
    } catch (error) {
      logger.warn({ err: error, runId }, "could not read the run while watching for a cancel");
    }
  }, intervalMs);
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}
