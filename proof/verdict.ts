import { totalsByVersion } from "../src/fleet/counter-totals.js";
import type { ScenarioResult } from "./scenario-result.js";

/** What the proof claims; each broken claim is one line. Empty: the proof holds. */
export function brokenClaims(
  results: { phased: ScenarioResult; naive: ScenarioResult; forced: ScenarioResult },
  minRequests: number,
): string[] {
  const broken: string[] = [];
  const phased = totalsByVersion(results.phased.counters);
  for (const t of phased)
    if (t.errors > 0) broken.push(`phased: ${t.version} had ${t.errors} errors (${t.firstError})`);
  const requests = phased.reduce((sum, t) => sum + t.requests, 0);
  if (requests < minRequests) broken.push(`phased: only ${requests} requests, fewer than ${minRequests}`);
  for (const [name, result] of [
    ["naive", results.naive],
    ["forced NOT NULL", results.forced],
  ] as const) {
    const v1 = totalsByVersion(result.counters).find((t) => t.version === "v1");
    if (!v1 || v1.errors === 0) broken.push(`${name}: the old code (v1) did not fail`);
  }
  return broken;
}
