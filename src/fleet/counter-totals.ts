import type { ReplicaCounters } from "./replica-counters.js";

export interface VersionTotals {
  version: string;
  requests: number;
  errors: number;
  /** The error seen first (by time) across the version's replicas. */
  firstError: string | null;
}

/** Requests a replica served (successes and errors) and its errors. */
export function requestsOf(counters: ReplicaCounters): { requests: number; errors: number } {
  const counts = Object.values(counters.operations);
  const errors = counts.reduce((sum, c) => sum + c.errors, 0);
  return { requests: counts.reduce((sum, c) => sum + c.ok, 0) + errors, errors };
}

/** Requests and errors per code version, versions in order. */
export function totalsByVersion(counters: readonly ReplicaCounters[]): VersionTotals[] {
  const versions = [...new Set(counters.map((c) => c.version))].sort();
  return versions.map((version) => {
    const mine = counters.filter((c) => c.version === version);
    const first = mine.flatMap((c) => c.errors).sort((a, b) => a.firstAt - b.firstAt)[0];
    const sums = mine.map(requestsOf);
    return {
      version,
      requests: sums.reduce((sum, s) => sum + s.requests, 0),
      errors: sums.reduce((sum, s) => sum + s.errors, 0),
      firstError: first?.text ?? null,
    };
  });
}
