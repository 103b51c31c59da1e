import type { Sample } from "../domain/run/analysis.js";

/**
 * What a metrics server answered to one instant query: its samples, or why there are none to judge. `warnings`:
 * what the server flagged about the samples (Prometheus's `warnings` and `infos`: a partial answer, a query it
 * doubts), a few, each short and on one line; absent when it flagged nothing.
 */
export type MetricsAnswer =
  | { ok: true; samples: Sample[]; warnings?: string[] }
  | { ok: false; reason: string };

/** A metrics server asked instant queries (Prometheus's /api/v1/query). Never throws: a failure is an answer. */
export interface MetricsSource {
  query(expression: string, signal?: AbortSignal): Promise<MetricsAnswer>;
}
