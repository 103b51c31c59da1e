import { describe, expect, it } from "vitest";
import type { Plan } from "../../../src/domain/plan/plan.js";
import {
  type AnalysisProgress,
  type AnalysisRules,
  judgeAnalysis,
  type QueryReading,
  readingOf,
} from "../../../src/domain/run/analysis.js";
import type { Run } from "../../../src/domain/run/run.js";
import { shopPlan, shopRun } from "../../../testkit/plans.js";
import { applied, refusalOf } from "../../../testkit/run-events.js";

const START = "2026-01-01T00:00:00.000Z";
const at = (seconds: number) => new Date(Date.parse(START) + seconds * 1000);
const rules: AnalysisRules = { minimumSoakMs: 60_000, consecutiveFailures: 2, timeoutMs: 600_000 };
const below = { op: "<", value: 0.01 } as const;

const value = (v: string): QueryReading => readingOf("errorRate", below, [{ series: null, value: v }]);
const noData: QueryReading = { name: "errorRate", kind: "no-data", threshold: below, detail: "no series" };
const unreachable: QueryReading = {
  name: "errorRate",
  kind: "unavailable",
  threshold: below,
  detail: "Prometheus at http://127.0.0.1:9 could not be reached: ECONNREFUSED",
};

/** Evaluations at the given seconds after the start, each folded into the one before. */
function evaluate(readings: Array<[number, QueryReading[]]>) {
  let previous: AnalysisProgress | null = null;
  let verdict: ReturnType<typeof judgeAnalysis> | null = null;
  for (const [second, reading] of readings) {
    verdict = judgeAnalysis(previous, reading, START, at(second), rules);
    previous = verdict.progress;
  }
  if (!verdict) throw new Error("no evaluation");
  return verdict;
}

describe("judgeAnalysis", () => {
  it("passes once every query passed without a break for the soak", () => {
    expect(
      evaluate([
        [0, [value("0.001")]],
        [30, [value("0.002")]],
      ]).kind,
    ).toBe("waiting");
    const passed = evaluate([
      [0, [value("0.001")]],
      [30, [value("0.002")]],
      [60, [value("0")]],
    ]);
    expect(passed).toMatchObject({ kind: "passed" });
    expect(passed.message).toBe(
      "analysis passed: every query passed for 60 s: errorRate = 0 (passes: must be < 0.01)",
    );
  });

  it("a failing value restarts the soak; the run fails after the configured failures in a row", () => {
    const once = evaluate([
      [0, [value("0.001")]],
      [30, [value("0.2")]],
    ]);
    expect(once).toMatchObject({
      kind: "waiting",
      progress: { passingSince: null, failures: { errorRate: 1 } },
    });
    const twice = evaluate([
      [0, [value("0.2")]],
      [15, [value("0.2345678")]],
    ]);
    expect(twice.kind).toBe("failed");
    expect(twice.message).toBe(
      "analysis failed in 2 evaluations in a row: errorRate = 0.2346 (fails: must be < 0.01); nothing destructive ran",
    );
    // The soak starts over from the first passing evaluation after the failure.
    const again = evaluate([
      [0, [value("0.2")]],
      [15, [value("0")]],
      [60, [value("0")]],
      [75, [value("0")]],
    ]);
    expect(again).toMatchObject({ kind: "passed", progress: { passingSince: at(15).toISOString() } });
  });

  it("missing data never opens the gate: the soak starts over, a failure row is broken, the timeout bounds it", () => {
    const gap = evaluate([
      [0, [value("0")]],
      [30, [unreachable]],
      [60, [value("0")]],
    ]);
    expect(gap).toMatchObject({ kind: "waiting", progress: { passingSince: at(60).toISOString() } });
    expect(gap.message).toMatch(/^soak 0 s of 60 s: /);
    const broken = evaluate([
      [0, [value("0.5")]],
      [15, [noData]],
      [30, [value("0.5")]],
    ]);
    expect(broken.kind).toBe("waiting");
    const waiting = evaluate([[0, [unreachable]]]);
    expect(waiting.message).toBe(
      "soak not started: waiting for every query to pass: errorRate: not evaluated (Prometheus at http://127.0.0.1:9 could not be reached: ECONNREFUSED)",
    );
    const timedOut = evaluate([
      [0, [noData]],
      [600, [noData]],
    ]);
    expect(timedOut).toMatchObject({ kind: "timed-out" });
    expect(timedOut.message).toBe(
      "the analysis did not pass within 600 s: errorRate: no data (no series; must be < 0.01); nothing destructive ran",
    );
  });

  it("without queries it is a soak from the start of the analysis", () => {
    expect(evaluate([[59, []]]).kind).toBe("waiting");
    expect(evaluate([[60, []]]).message).toBe("analysis passed: the new code ran for 60 s");
  });

  it("every series must pass: the first failing one is shown with its labels", () => {
    const reading = readingOf("errorRate", below, [
      { series: '{version="v3",slot="0"}', value: "0.001" },
      { series: '{version="v3",slot="1"}', value: "0.5" },
    ]);
    expect(reading).toMatchObject({ kind: "value", passed: false, series: '{version="v3",slot="1"}' });
  });
});

/** The shop's plan with an analysis step before its gate. */
function analysedPlan(): Plan {
  const plan = shopPlan();
  const steps = [
    ...plan.steps.slice(0, 3),
    { index: 3, kind: "analysis", phase: "analysis", title: "Analyse" },
  ];
  const rest = plan.steps.slice(3).map((s) => ({ ...s, index: s.index + 1 }));
  return { ...plan, steps: [...steps, ...rest] as Plan["steps"] };
}

function atAnalysis(): Run {
  let run = shopRun({ plan: analysedPlan() });
  run = { ...run, steps: [...run.steps, { ...run.steps[4], index: 5 } as Run["steps"][number]] };
  run = { ...run, steps: run.steps.map((s, index) => ({ ...s, index })) };
  const NOW = START;
  for (const step of [0, 1, 2]) {
    run = applied(run, { type: "step-started", step }, NOW);
    run = applied(run, { type: "step-succeeded", step }, NOW);
  }
  return applied(run, { type: "step-started", step: 3 }, NOW);
}

describe("the analysis step in the run", () => {
  const NOW = "2026-01-01T00:05:00.000Z";

  it("the contract cannot start before the analysis passed, and the gate opens after it", () => {
    let run = atAnalysis();
    expect(run.status).toBe("running");
    run = applied(run, { type: "step-succeeded", step: 3, message: "analysis passed" }, NOW);
    expect(run.status).toBe("awaiting-approval");
    expect(run.currentStep).toBe(4);
  });

  it("a failing analysis fails the run before the gate; an admin's override opens the gate", () => {
    let run = applied(
      atAnalysis(),
      { type: "step-failed", step: 3, message: "analysis failed: errorRate = 0.2" },
      NOW,
    );
    expect(run.status).toBe("failed");
    expect(run.outcome).toBe("step 4 (Analyse) failed: analysis failed: errorRate = 0.2");
    expect(run.steps[4]?.status).toBe("skipped");
    run = applied(
      run,
      { type: "analysis-overridden", step: 3, by: "U_ADMIN", reason: "the errors are a test client" },
      NOW,
    );
    expect(run).toMatchObject({ status: "awaiting-approval", currentStep: 4, outcome: null });
    expect(run.steps[3]).toMatchObject({
      status: "succeeded",
      message: "analysis overridden by U_ADMIN: the errors are a test client",
    });
    expect(run.steps[4]?.status).toBe("waiting");
    expect(run.steps[5]?.status).toBe("pending");
  });

  it("an override while the analysis waits ends it; none elsewhere, none after a rollback", () => {
    const run = applied(
      atAnalysis(),
      { type: "analysis-overridden", step: 3, by: "U_ADMIN", reason: "known noise" },
      NOW,
    );
    expect(run.status).toBe("awaiting-approval");
    expect(
      refusalOf(run, { type: "analysis-overridden", step: 4, by: "U_ADMIN", reason: "again" }, NOW),
    ).toBe("shop-1 is not at its analysis step: there is nothing to override");
    const failed = applied(
      { ...atAnalysis(), previousRelease: { version: "v41", source: "last-deploy" } },
      { type: "step-failed", step: 3, message: "bad" },
      NOW,
    );
    const rolledBack = applied(failed, { type: "rollback-started", by: "U_BOB", toVersion: "v41" }, NOW);
    expect(
      refusalOf(rolledBack, { type: "analysis-overridden", step: 3, by: "U_ADMIN", reason: "x" }, NOW),
    ).toBe("the deploy of shop-1 was rolled back: start a new run instead");
  });

  it("a stale attempt's evaluation does not count", () => {
    const run = applied(atAnalysis(), { type: "step-taken-over", step: 3, message: "again" }, NOW);
    expect(
      refusalOf(run, { type: "step-progress", step: 3, message: "soak 10 s of 60 s", execution: 1 }, NOW),
    ).toMatch(/attempt 1 of step 4 no longer owns it/);
  });
});
