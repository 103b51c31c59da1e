import { collectDefaultMetrics, register } from "prom-client";

let defaultsCollected = false;

/** Node's own metrics (heap, event loop lag, GC) next to phasegate's; safe to call more than once. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ prefix: "phasegate_" });
}

/** The body and content type of a /metrics answer: every metric of the default registry. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}
