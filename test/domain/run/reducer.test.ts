import { describe, expect, it } from "vitest";
import type { PlanStep } from "../../../src/domain/plan/plan.js";
import type { Run, RunEvent } from "../../../src/domain/run/run.js";
import { shopPlan, shopRun } from "../../../testkit/plans.js";
import { applied, refusalOf } from "../../../testkit/run-events.js";

const NOW = "2026-01-01T01:00:00.000Z";

function apply(run: Run, event: RunEvent): Run {
  return applied(run, event, NOW);
}

function refusal(run: Run, event: RunEvent): string {
  return refusalOf(run, event, NOW);
}

/** Runs steps 0..2 (expand, deploy, rollout) to success: the run waits at the gate. */
function atGate(): Run {
  let run = shopRun();
  for (const step of [0, 1, 2]) {
    run = apply(run, { type: "step-started", step });
    run = apply(run, { type: "step-succeeded", step, message: `step ${step} done` });
  }
  return run;
}

/** Expand and deploy done: the run waits for its rollout (step 2 started). */
function atRollout(): Run {
  let run = shopRun();
  for (const step of [0, 1]) {
    run = apply(run, { type: "step-started", step });
    run = apply(run, { type: "step-succeeded", step });
  }
  return apply(run, { type: "step-started", step: 2 });
}

describe("run reducer", () => {
  it("walks the happy path to succeeded, bumping the revision each time", () => {
    let run = atGate();
    expect(run.status).toBe("awaiting-approval");
    expect(run.steps[3]?.status).toBe("waiting");
    run = apply(run, { type: "approval-granted", gate: "contract", by: "U_BOB" });
    expect(run.gates).toEqual([
      {
        gate: "contract",
        stepIndex: 3,
        decision: "approved",
        by: "U_BOB",
        at: NOW,
        reason: null,
        group: null,
        attempt: 1,
      },
    ]);
    run = apply(run, { type: "step-started", step: 4 });
    run = apply(run, { type: "step-succeeded", step: 4 });
    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => s.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    expect(run.revision).toBe(1 + 6 + 1 + 2);
    expect(run.updatedAt).toBe(NOW);
  });

  it("marks the rollout step waiting with its progress and poll count", () => {
    let run = apply(
      apply(apply(apply(shopRun(), { type: "step-started", step: 0 }), { type: "step-succeeded", step: 0 }), {
        type: "step-started",
        step: 1,
      }),
      { type: "step-succeeded", step: 1 },
    );
    run = apply(run, { type: "step-started", step: 2 });
    expect(run.status).toBe("waiting-rollout");
    run = apply(run, { type: "rollout-progress", step: 2, message: "1 of 3 updated" });
    run = apply(run, { type: "rollout-progress", step: 2, message: "2 of 3 updated" });
    expect(run.steps[2]).toMatchObject({ status: "waiting", message: "2 of 3 updated", polls: 2 });
  });

  it("refuses to approve a run that is not waiting for approval", () => {
    expect(refusal(shopRun(), { type: "approval-granted", gate: "contract", by: "U_BOB" })).toMatch(
      /not waiting for an approval/,
    );
  });

  it("refuses an approval of another gate", () => {
    expect(refusal(atGate(), { type: "approval-granted", gate: "other", by: "U_BOB" })).toMatch(
      /waiting at gate "contract"/,
    );
  });

  it("refuses an approval by the requester under four-eyes, allows it without", () => {
    expect(refusal(atGate(), { type: "approval-granted", gate: "contract", by: "U_ALICE" })).toMatch(
      /four-eyes/,
    );
    const run = apply(
      { ...atGate(), fourEyes: false },
      { type: "approval-granted", gate: "contract", by: "U_ALICE" },
    );
    expect(run.status).toBe("running");
  });

  it("refuses a second approval once the gate is passed", () => {
    const run = apply(atGate(), { type: "approval-granted", gate: "contract", by: "U_BOB" });
    expect(refusal(run, { type: "approval-granted", gate: "contract", by: "U_CAROL" })).toMatch(
      /not waiting/,
    );
  });

  it("refuses to start a contract step without an approval for the gate before it", () => {
    const skipped: Run = { ...atGate(), currentStep: 4, status: "running" };
    expect(refusal(skipped, { type: "step-started", step: 4 })).toMatch(
      /needs an approval of gate "contract"/,
    );
  });

  it("refuses to start a contract step whose rollout did not succeed", () => {
    const run = apply(atGate(), { type: "approval-granted", gate: "contract", by: "U_BOB" });
    const steps = run.steps.map((s) => (s.index === 2 ? { ...s, status: "failed" as const } : s));
    expect(refusal({ ...run, steps }, { type: "step-started", step: 4 })).toMatch(
      /rollout \(step 3\) to have succeeded/,
    );
  });

  it("refuses to start a step that is not the current one, or one already running", () => {
    expect(refusal(shopRun(), { type: "step-started", step: 1 })).toMatch(/not the current step/);
    const started = apply(shopRun(), { type: "step-started", step: 0 });
    expect(refusal(started, { type: "step-started", step: 0 })).toMatch(/already running/);
  });

  it("refuses to finish a step that never started, and lets no worker decide a gate", () => {
    expect(refusal(shopRun(), { type: "step-succeeded", step: 0 })).toMatch(/pending, not running/);
    expect(refusal(atGate(), { type: "step-succeeded", step: 3 })).toMatch(/approver decides/);
    expect(refusal(atGate(), { type: "step-started", step: 3 })).toMatch(/approver decides/);
  });

  it("refuses everything after a terminal state except attaching the card", () => {
    const failed = apply(apply(shopRun(), { type: "step-started", step: 0 }), {
      type: "step-failed",
      step: 0,
      message: "exit 1",
    });
    expect(failed.status).toBe("failed");
    expect(failed.outcome).toMatch(/step 1 .* failed: exit 1/);
    expect(failed.steps.slice(1).map((s) => s.status)).toEqual(["skipped", "skipped", "skipped", "skipped"]);
    for (const event of [
      { type: "step-started", step: 0 },
      { type: "cancelled", by: "U_BOB" },
      { type: "approval-granted", gate: "contract", by: "U_BOB" },
      { type: "timed-out", step: 0, message: "late" },
    ] as RunEvent[]) {
      expect(refusal(failed, event)).toMatch(/is failed: nothing more happens/);
    }
    const attached = apply(failed, {
      type: "notification-attached",
      notification: { channel: "C1", ts: "1.2" },
    });
    expect(attached.notification).toEqual({ channel: "C1", ts: "1.2" });
  });

  it("rejects at the gate: the run is rejected and the contract step skipped", () => {
    const run = apply(atGate(), {
      type: "approval-rejected",
      gate: "contract",
      by: "U_ALICE",
      reason: "not today",
    });
    expect(run.status).toBe("rejected");
    expect(run.outcome).toBe('gate "contract" rejected by U_ALICE: not today');
    expect(run.steps[4]?.status).toBe("skipped");
    expect(run.gates[0]?.decision).toBe("rejected");
  });

  it("cancels a backfill between batches only once its worker stopped (its next batch may be running)", () => {
    const plan = shopPlan();
    const backfill = {
      index: 0,
      phase: "backfill",
      title: "backfill",
      kind: "backfill",
      command: ["manage.py", "fill"],
    };
    const run = shopRun({ plan: { ...plan, steps: [backfill as PlanStep, ...plan.steps.slice(1)] } });
    const betweenBatches = apply(apply(run, { type: "step-started", step: 0 }), {
      type: "step-progress",
      step: 0,
      message: "batch 1: 500 rows",
    });
    expect(betweenBatches.steps[0]?.status).toBe("waiting");
    const cancelling = apply(betweenBatches, { type: "cancelled", by: "U_BOB" });
    expect(cancelling.status).toBe("cancelling");
    const stopped = apply(cancelling, { type: "step-failed", step: 0, message: "stopped by a cancel" });
    expect(stopped.status).toBe("cancelled");
  });

  it("cancels at once when no process runs, and after the step when one does (or a rollout is under way)", () => {
    const queued = apply(shopRun(), { type: "cancelled", by: "U_BOB" });
    expect(queued.status).toBe("cancelled");
    expect(queued.steps.map((s) => s.status)).toEqual([
      "skipped",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
    ]);

    const gate = apply(atGate(), { type: "cancelled", by: "U_BOB", reason: "wrong version" });
    expect(gate.status).toBe("cancelled");
    expect(gate.steps[3]?.status).toBe("cancelled");
    expect(gate.outcome).toBe("cancelled by U_BOB: wrong version");

    const migrating = apply(apply(shopRun(), { type: "step-started", step: 0 }), {
      type: "cancelled",
      by: "U_BOB",
    });
    expect(migrating.status).toBe("cancelling");
    expect(refusal(migrating, { type: "cancelled", by: "U_BOB" })).toMatch(/already being cancelled/);
    const aborted = apply(migrating, { type: "step-failed", step: 0, message: "killed by SIGTERM" });
    expect(aborted.status).toBe("cancelled");
    expect(aborted.steps[0]?.status).toBe("cancelled");
    const waiting = apply(apply(atRollout(), { type: "rollout-progress", step: 2, message: "1 of 2" }), {
      type: "cancelled",
      by: "U_BOB",
    });
    expect(waiting.status).toBe("cancelling");
    expect(refusal(waiting, { type: "rollout-progress", step: 2, message: "2 of 2" })).toMatch(
      /being cancelled/,
    );
    const halted = apply(waiting, { type: "step-failed", step: 2, message: "paused deployment web" });
    expect([halted.status, halted.steps[2]?.status, halted.steps[2]?.message]).toEqual([
      "cancelled",
      "cancelled",
      "paused deployment web",
    ]);
    const finished = apply(migrating, { type: "step-succeeded", step: 0 });
    expect(finished.status).toBe("cancelled");
    expect(finished.steps[0]?.status).toBe("succeeded");
    expect(finished.steps[1]?.status).toBe("skipped");
  });

  it("fails the run when the approval times out", () => {
    const run = apply(atGate(), { type: "timed-out", step: 3, message: "no decision within 4 h" });
    expect(run.status).toBe("failed");
    expect(run.steps[3]?.status).toBe("failed");
    expect(refusal(atGate(), { type: "timed-out", step: 2, message: "late" })).toMatch(
      /not the current step/,
    );
  });

  it("retries a failed run from its failed step, and only a failed run", () => {
    const failed = apply(apply(shopRun(), { type: "step-started", step: 0 }), {
      type: "step-failed",
      step: 0,
      message: "exit 1",
    });
    const retried = apply(failed, { type: "retried", by: "U_ALICE" });
    expect(retried).toMatchObject({ status: "running", retries: 1, outcome: null, currentStep: 0 });
    expect(retried.steps.map((s) => s.status)).toEqual([
      "pending",
      "pending",
      "pending",
      "pending",
      "pending",
    ]);
    expect(apply(retried, { type: "step-started", step: 0 }).steps[0]?.attempts).toBe(2);

    const expired = apply(atGate(), { type: "timed-out", step: 3, message: "no decision" });
    const reopened = apply(expired, { type: "retried", by: "U_ALICE" });
    expect(reopened.status).toBe("awaiting-approval");
    expect(reopened.steps[3]?.status).toBe("waiting");

    expect(refusal(atGate(), { type: "retried", by: "U_ALICE" })).toMatch(/only a failed run can be retried/);
    const rejected = apply(atGate(), { type: "approval-rejected", gate: "contract", by: "U_BOB" });
    expect(refusal(rejected, { type: "retried", by: "U_ALICE" })).toMatch(/start a new run instead/);
  });
});
