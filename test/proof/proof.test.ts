import { afterAll, describe, expect, it } from "vitest";
import { naiveScenario } from "../../proof/naive.js";
import { phasedScenario } from "../../proof/phased.js";
import { APPROVER } from "../../proof/phasegate.js";
import { refusalScenario } from "../../proof/refusal.js";
import { openStage, type Stage, type TrafficOptions } from "../../proof/stage.js";
import { totalsByVersion } from "../../src/fleet/counter-totals.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";

const python = findDjangoPython();
/** A scenario starts and replaces several Django processes; on a busy machine that takes a while. */
const SCENARIO_TIMEOUT_MS = 240_000;
const databases: TestDatabase[] = [];
const stages: Stage[] = [];

/** Small figures for CI: two replicas, short settle times. */
async function stage(): Promise<Stage> {
  const db = createTestDatabase("proof");
  databases.push(db);
  const options: TrafficOptions = {
    python,
    databaseUrl: db.url,
    replicas: 2,
    pauseMs: 2,
    slotPauseMs: 500,
    settleMs: 1_500,
    logger,
  };
  const opened = await openStage(options);
  stages.push(opened);
  return opened;
}

afterAll(async () => {
  for (const opened of stages) await opened.close();
  for (const db of databases) db.drop();
});

describe("naive path: every migration, then the deploy", () => {
  it(
    "breaks the old code: v1 replicas fail on the dropped column",
    async () => {
      const result = await naiveScenario(await stage());
      const totals = totalsByVersion(result.counters);
      const v1 = totals.find((t) => t.version === "v1");
      expect(v1?.errors).toBeGreaterThan(0);
      expect(v1?.firstError).toMatch(/is_enabled.* does not exist/);
      expect(totals.find((t) => t.version === "v3")).toMatchObject({ errors: 0 });
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe("phased path through phasegate: expand, roll v1 to v2, then roll v2 to v3, approval, contract", () => {
  it(
    "serves every request of every code version without an error",
    async () => {
      const opened = await stage();
      const result = await phasedScenario(opened, 1_000);
      const totals = totalsByVersion(result.counters);
      expect(totals.map((t) => t.version)).toEqual(["v1", "v2", "v3"]);
      for (const t of totals)
        expect(t, `${t.version}: ${t.firstError}`).toMatchObject({ errors: 0, firstError: null });
      expect(totals.reduce((sum, t) => sum + t.requests, 0)).toBeGreaterThanOrEqual(1_000);

      const [v2Run, v3Run] = result.runs.map((d) => d.run);
      expect(v2Run?.plan.steps.map((s) => s.kind)).toEqual(["migrate", "deploy", "wait-rollout"]);
      expect(v3Run?.plan.steps.map((s) => s.kind)).toEqual(["deploy", "wait-rollout", "approval", "migrate"]);
      expect(v3Run?.gates).toMatchObject([{ gate: "contract", decision: "approved", by: APPROVER }]);
      // wait-rollout waited for the true state: it cannot end before the last old replica was replaced.
      for (const [index, run] of [v2Run, v3Run].entries()) {
        const rollout = opened.fleet.rollouts[index];
        const waited = run?.steps.find((s) => run.plan.steps[s.index]?.kind === "wait-rollout");
        expect(rollout?.version).toBe(run?.version);
        expect(Date.parse(waited?.finishedAt ?? "")).toBeGreaterThan(rollout?.lastReplacedAt ?? Infinity);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe("what the planner refuses: AddField NOT NULL without a database default, forced by an override", () => {
  it(
    "is judged unsafe and, applied anyway, makes the old code's INSERTs fail",
    async () => {
      const result = await refusalScenario(await stage());
      expect(result.judgement).toMatchObject({ verdict: "expand", overridden: true });
      expect(result.judgement.reason).toMatch(/Without it: unsafe/);
      const [v1] = totalsByVersion(result.counters);
      expect(v1?.version).toBe("v1");
      expect(v1?.errors).toBeGreaterThan(0);
      expect(v1?.firstError).toMatch(/null value in column "sku"/);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
