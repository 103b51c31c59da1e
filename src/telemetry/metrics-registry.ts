import { collectDefaultMetrics } from "prom-client";

let defaultsCollected = false;

/** Node's own metrics (heap, event loop lag, GC) next to phasegate's; safe to call more than once. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ prefix: "phasegate_" });
}
