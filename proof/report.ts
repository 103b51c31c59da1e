import { formatTable } from "../src/cli/table.js";
import type { ReplicaCounters } from "../src/fleet/replica-counters.js";
import type { ScenarioResult } from "./scenario-result.js";

export interface VersionTotals {
  version: string;
  requests: number;
  errors: number;
  /** The error seen first (by time) across the version's replicas. */
  firstError: string | null;
}

function requestsOf(counters: ReplicaCounters): { requests: number; errors: number } {
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

const seconds = (ms: number | null) => (ms === null ? "-" : `${(ms / 1000).toFixed(1)} s`);

/** One row per scenario and code version; the scenario's times on its first row. */
export function renderReport(results: readonly ScenarioResult[]): string {
  const rows = results.flatMap((result) =>
    totalsByVersion(result.counters).map((totals, index) => {
      const times =
        index === 0
          ? [
              seconds(result.wallMs),
              seconds(result.rolloutMs),
              seconds(result.rolloutWaitMs),
              seconds(result.approvalWaitMs),
              seconds(result.overheadMs),
            ]
          : ["", "", "", "", ""];
      return [
        index === 0 ? result.scenario : "",
        totals.version,
        String(totals.requests),
        String(totals.errors),
        ...times,
        totals.firstError ?? "-",
      ];
    }),
  );
  const headers = [
    "scenario",
    "version",
    "requests",
    "errors",
    "wall",
    "rolling deploy",
    "rollout wait",
    "approval wait",
    "overhead",
    "first error",
  ];
  return `${formatTable(headers, rows).join("\n")}\n`;
}
