import { collectDefaultMetrics } from "prom-client";

let defaultsCollected = false;

/**
 * Node's own metrics (heap, event loop lag, GC) next to phasegate's, under their standard names (`process_*`,
 * `nodejs_*`) so stock Node.js dashboards and alerts find them; safe to call more than once.
 */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics();
}
