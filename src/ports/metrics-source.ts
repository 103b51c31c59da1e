import type { Sample } from "../domain/run/analysis.js";

/** What a metrics server answered to one instant query: its samples, or why there are none to judge. */
export type MetricsAnswer = { ok: true; samples: Sample[] } | { ok: false; reason: string };

/** A metrics server asked instant queries (Prometheus's /api/v1/query). Never throws: a failure is an answer. */
export interface MetricsSource {
  query(expression: string, signal?: AbortSignal): Promise<MetricsAnswer>;
}
