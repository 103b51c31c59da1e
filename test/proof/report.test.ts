import { describe, expect, it } from "vitest";
import { renderReport } from "../../proof/report.js";
import type { ScenarioResult } from "../../proof/scenario-result.js";
import { brokenClaims } from "../../proof/verdict.js";
import { totalsByVersion } from "../../src/fleet/counter-totals.js";
import type { ReplicaCounters } from "../../src/fleet/replica-counters.js";
import { parseCounters } from "../../src/fleet/replica-counters.js";

function replica(version: string, ok: number, errors: ReplicaCounters["errors"] = []): ReplicaCounters {
  const failed = errors.reduce((sum, e) => sum + e.count, 0);
  return {
    version,
    slot: 0,
    startedAt: 0,
    endedAt: 1,
    operations: { create: { ok, errors: failed }, list: { ok, errors: 0 } },
    errors,
  };
}

function scenario(name: string, counters: ReplicaCounters[]): ScenarioResult {
  return {
    scenario: name,
    counters,
    wallMs: 1000,
    rolloutMs: 0,
    rolloutWaitMs: null,
    approvalWaitMs: null,
    overheadMs: null,
  };
}

const late = { text: "IntegrityError: late", count: 2, firstAt: 20 };
const early = { text: "ProgrammingError: early", count: 1, firstAt: 10 };

describe("proof report", () => {
  it("adds up every replica of a version and names the error seen first", () => {
    const totals = totalsByVersion([replica("v3", 5), replica("v1", 10, [late]), replica("v1", 1, [early])]);
    expect(totals).toEqual([
      { version: "v1", requests: 10 + 2 + 10 + 1 + 1 + 1, errors: 3, firstError: early.text },
      { version: "v3", requests: 10, errors: 0, firstError: null },
    ]);
    expect(renderReport([scenario("naive", [replica("v1", 1, [early])])])).toContain(early.text);
  });

  it("says which claim does not hold", () => {
    const clean = scenario("phased", [replica("v2", 600)]);
    const failing = scenario("naive", [replica("v1", 5, [early])]);
    expect(brokenClaims({ phased: clean, naive: failing, forced: failing }, 1000)).toEqual([]);
    expect(brokenClaims({ phased: clean, naive: failing, forced: failing }, 1500)).toEqual([
      "phased: only 1200 requests, fewer than 1500",
    ]);
    expect(brokenClaims({ phased: failing, naive: clean, forced: failing }, 0)).toEqual([
      "phased: v1 had 1 errors (ProgrammingError: early)",
      "naive: the old code (v1) did not fail",
    ]);
  });

  it("refuses counters a replica did not print whole", () => {
    expect(() => parseCounters("Traceback ...\n", "replica v1")).toThrow(
      /did not print its counters as JSON/,
    );
    expect(() => parseCounters('{"version":"v1"}\n', "replica v1")).toThrow(/slot/);
  });
});
