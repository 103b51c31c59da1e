import { formatTable } from "../src/cli/table.js";
import { totalsByVersion } from "../src/fleet/counter-totals.js";
import type { ScenarioResult } from "./scenario-result.js";

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
