import { describe, expect, it } from "vitest";
import { planRelease } from "../../../src/domain/plan/planner.js";
import { contractGuard } from "../../../src/domain/run/guards.js";
import { applyRunEvent } from "../../../src/domain/run/reducer.js";
import type { Run } from "../../../src/domain/run/run.js";
import { backfillPlan, backfillRelease, backfillRun } from "../../../testkit/backfill-release.js";

const command = ["manage.py", "backfill_is_active"];
const planned = () => backfillPlan(command);
const newRun = (id: string) => backfillRun(id, command);

function apply(run: Run, event: Parameters<typeof applyRunEvent>[1]): Run {
  const result = applyRunEvent(run, event, "2026-01-01T00:00:01.000Z");
  if (!result.ok) throw new Error(result.reason);
  return result.run;
}

describe("a service with a backfill command", () => {
  it("gets a backfill step between the rollout wait and the approval gate", () => {
    const plan = planned();
    expect(plan.steps.map((s) => s.kind)).toEqual([
      "migrate",
      "deploy",
      "wait-rollout",
      "backfill",
      "approval",
      "migrate",
    ]);
    expect(plan.steps[3]).toMatchObject({ kind: "backfill", phase: "backfill", command });
  });

  it("without one, the plan has no backfill step", () => {
    const result = planRelease(backfillRelease);
    if (!result.ok) throw new Error("plan refused");
    expect(result.plan.steps.map((s) => s.kind)).toEqual([
      "migrate",
      "deploy",
      "wait-rollout",
      "approval",
      "migrate",
    ]);
  });

  it("records each batch on the run and keeps the contract guarded until the backfill succeeded", () => {
    let run = newRun("shop-1");
    for (const step of [0, 1, 2]) {
      run = apply(run, { type: "step-started", step });
      run = apply(run, { type: "step-succeeded", step });
    }
    run = apply(run, { type: "step-started", step: 3 });
    run = apply(run, { type: "step-progress", step: 3, message: "batch 1: 10 rows changed, 5 remaining" });
    run = apply(run, { type: "step-progress", step: 3, message: "batch 2: 5 rows changed, 0 remaining" });
    expect(run.status).toBe("running");
    expect(run.steps[3]).toMatchObject({
      status: "waiting",
      polls: 2,
      message: "batch 2: 5 rows changed, 0 remaining",
    });
    const contract = run.plan.steps[5];
    if (!contract) throw new Error("no contract step");
    expect(contractGuard(run, contract)).toBe(
      "contract step 6 needs the backfill (step 4) to have succeeded",
    );
    expect(applyRunEvent(run, { type: "approval-granted", gate: "contract", by: "U_BOB" }, "t").ok).toBe(
      false,
    );
    run = apply(run, { type: "step-succeeded", step: 3 });
    expect(run.status).toBe("awaiting-approval");
    run = apply(run, { type: "approval-granted", gate: "contract", by: "U_BOB" });
    expect(contractGuard(run, contract)).toBeNull();
  });

  it("progress is refused on an approval gate", () => {
    const run = newRun("shop-2");
    const atGate: Run = { ...run, currentStep: 4, status: "awaiting-approval" };
    const result = applyRunEvent(atGate, { type: "step-progress", step: 4, message: "x" }, "t");
    expect(result).toEqual({ ok: false, reason: "step 5 is an approval gate: an approver decides it" });
  });
});
