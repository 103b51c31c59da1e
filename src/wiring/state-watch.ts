import { Counter } from "prom-client";
import { isTerminal, type Run } from "../domain/run/run.js";
import type { Logger } from "../ports/logger.js";
import type { RunStore } from "../ports/run-store.js";
import type { StateMarker } from "../store/state-marker.js";

const lostState = new Counter({
  name: "phasegate_redis_state_lost_total",
  help: "Times phasegate found that Redis had lost its data (its state marker disappeared) while it ran",
});

export interface StateWatchOptions {
  marker: StateMarker;
  store: RunStore;
  logger: Logger;
  /** Told once per loss, with the runs that were in flight as last seen. */
  onLost(runs: Run[]): Promise<void>;
  /** Told the runs in flight on every check (the Slack notifier posts what they miss). */
  onActive?(runs: Run[]): void;
  intervalMs?: number;
}

/**
 * Checks phasegate's state marker every interval and keeps the runs in flight as last read; when the marker is
 * gone, Redis lost everything: the runs it held are reported (log, metric, `onLost`) and a new marker is written.
 */
export function watchState(options: StateWatchOptions): { close(): void } {
  const { marker, store, logger } = options;
  let inFlight: Run[] = [];
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  async function tick(): Promise<void> {
    if (!(await marker.intact())) {
      lostState.inc();
      logger.error(
        { runs: inFlight.map((run) => run.id) },
        "Redis lost phasegate's state (its marker is gone): the runs in flight are lost, their buttons refused",
      );
      const lost = inFlight;
      inFlight = [];
      await marker.claim();
      await options.onLost(lost);
      return;
    }
    const active = (await store.list({ limit: 200 })).filter((run) => !isTerminal(run.status));
    // Redis may have been emptied between the two reads: keep the runs seen before.
    if (!(await marker.intact())) return;
    inFlight = active;
    options.onActive?.(active);
  }

  const loop = () => {
    tick()
      .catch((error: unknown) => logger.debug({ err: error }, "state marker check skipped"))
      .finally(() => {
        if (!closed) timer = setTimeout(loop, options.intervalMs ?? 2000);
      });
  };
  loop();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
