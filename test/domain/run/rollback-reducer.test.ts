import { describe, expect, it } from "vitest";
import { holdsServiceLock, rollbackRefusal } from "../../../src/domain/run/rollback-reducer.js";
import type { Run, RunEvent } from "../../../src/domain/run/run.js";
import { shopRun } from "../../../testkit/plans.js";
import { applied, refusalOf } from "../../../testkit/run-events.js";

const NOW = "2026-01-01T01:00:00.000Z";
const LATER = "2026-01-01T01:05:00.000Z";
const V41 = { version: "v41", source: "last-deploy" } as const;

function apply(run: Run, event: RunEvent, at = NOW): Run {
  return applied(run, event, at);
}

function refusal(run: Run, event: RunEvent): string {
  return refusalOf(run, event, NOW);
}

/** Runs the steps before `step` to success; the run (with v41 live before it) stands at `step`. */
function runTo(step: number, overrides: Partial<Run> = {}): Run {
  let run = shopRun({ previousRelease: V41, rollbackToken: "rb-token", ...overrides });
  for (let i = 0; i < step; i++) {
    run = apply(run, { type: "step-started", step: i });
    run = apply(run, { type: "step-succeeded", step: i });
  }
  return run;
}

/** shop-1 (expand, deploy, rollout, gate, contract) whose rollout wait failed. */
function rolloutFailed(overrides: Partial<Run> = {}): Run {
  const run = apply(runTo(2, overrides), { type: "step-started", step: 2 });
  return apply(run, { type: "step-failed", step: 2, message: "rollout failed: pods crash" });
}

function rejectedAtGate(): Run {
  return apply(runTo(3), { type: "approval-rejected", gate: "contract", by: "U_BOB", reason: "not today" });
}

const start = (by = "U_BOB", toVersion = "v41"): RunEvent => ({ type: "rollback-started", by, toVersion });

describe("rolling back a run's deploy (reducer)", () => {
  it("is offered for a run whose rollout wait failed, and for one rejected at a gate after its deploy", () => {
    expect(rollbackRefusal(rolloutFailed())).toBeNull();
    expect(rollbackRefusal(rejectedAtGate())).toBeNull();
    const timedOut = apply(apply(runTo(2), { type: "step-started", step: 2 }), {
      type: "timed-out",
      step: 2,
      message: "the rollout did not finish",
    });
    expect(rollbackRefusal(timedOut)).toBeNull();
  });

  it("is refused, with the reason, for runs whose deploy never ran, active, succeeded or cancelled runs", () => {
    const expandFailed = apply(apply(runTo(0), { type: "step-started", step: 0 }), {
      type: "step-failed",
      step: 0,
      message: "lock timeout",
    });
    expect(refusal(expandFailed, start())).toBe(
      "the deploy of shop-1 never succeeded: there is nothing to roll back",
    );
    const deployFailed = apply(apply(runTo(1), { type: "step-started", step: 1 }), {
      type: "step-failed",
      step: 1,
      message: "registry down",
    });
    expect(rollbackRefusal(deployFailed)?.code).toBe("no-deploy");
    expect(refusal(runTo(3), start())).toBe(
      "shop-1 is awaiting-approval: only the deploy of a failed, rejected or cancelled run can be rolled back",
    );
    const cancelledAtGate = apply(runTo(3), { type: "cancelled", by: "U_ALICE" });
    expect(rollbackRefusal(cancelledAtGate)).toBeNull();
    const cancelledDuringRollout = apply(
      apply(apply(runTo(2), { type: "step-started", step: 2 }), { type: "cancelled", by: "U_ALICE" }),
      { type: "step-failed", step: 2, message: "paused deployment web" },
    );
    expect(cancelledDuringRollout.status).toBe("cancelled");
    expect(rollbackRefusal(cancelledDuringRollout)).toBeNull();
    const cancelledBeforeDeploy = apply(runTo(1), { type: "cancelled", by: "U_ALICE" });
    expect(rollbackRefusal(cancelledBeforeDeploy)?.code).toBe("no-deploy");
    let succeeded = apply(runTo(3), { type: "approval-granted", gate: "contract", by: "U_BOB" });
    succeeded = apply(apply(succeeded, { type: "step-started", step: 4 }), {
      type: "step-succeeded",
      step: 4,
    });
    expect(rollbackRefusal(succeeded)?.code).toBe("not-ended");
  });

  it("is refused once a contract migration ran: the old code does not work with the contracted schema", () => {
    let run = apply(runTo(3), { type: "approval-granted", gate: "contract", by: "U_BOB" });
    run = apply(apply(run, { type: "step-started", step: 4 }), {
      type: "step-failed",
      step: 4,
      message: "boom",
    });
    expect(refusal(run, start())).toContain("the contract phase of shop-1 ran");
    expect(rollbackRefusal(run)?.code).toBe("contracted");
  });

  it("is refused when no earlier release was recorded, or the run's own release was already live", () => {
    expect(refusal(rolloutFailed({ previousRelease: null }), start())).toBe(
      "no earlier release of shop was recorded: roll back by hand",
    );
    const same = rolloutFailed({ previousRelease: { version: "v42", source: "last-deploy" } });
    expect(rollbackRefusal(same)?.code).toBe("same-release");
    // The release the caller saw on the card must be the one recorded.
    expect(refusal(rolloutFailed(), start("U_BOB", "v40"))).toBe(
      "shop-1 goes back to v41, not v40: look at its card again",
    );
  });

  it("goes queued → deploying → waiting for the rollout → rolled back, the run staying failed", () => {
    const failed = rolloutFailed();
    let run = apply(failed, start());
    expect(run.status).toBe("failed");
    expect(run.rollback).toEqual({
      status: "running",
      phase: "queued",
      by: "U_BOB",
      at: NOW,
      toVersion: "v41",
      message: null,
      attempts: 1,
      executions: 0,
      waitingSince: null,
      finishedAt: null,
    });
    expect(run.revision).toBe(failed.revision + 1);
    // Only one rollback at a time: the second click is refused by the run itself.
    expect(refusal(run, start("U_CAROL"))).toBe(
      "shop-1 is already being rolled back to v41 (started by U_BOB)",
    );
    // Nothing else happens to the run meanwhile.
    expect(refusal(run, { type: "retried", by: "U_ALICE" })).toContain(
      "was rolled back (or a rollback was tried)",
    );
    expect(refusal(run, { type: "rollback-succeeded", message: "done" })).toContain(
      "not waiting for its rollout",
    );
    run = apply(run, { type: "rollback-deploying" });
    expect(run.rollback).toMatchObject({ phase: "deploying", executions: 1 });
    // A worker died during the deploy: the next one runs it again, counted.
    run = apply(run, { type: "rollback-deploying", message: "the worker restarted; attempt 2" });
    expect(run.rollback).toMatchObject({ phase: "deploying", executions: 2 });
    run = apply(run, { type: "rollback-deployed", message: "deployed shop v41" }, LATER);
    expect(run.rollback).toMatchObject({ phase: "waiting-rollout", waitingSince: LATER });
    expect(refusal(run, { type: "rollback-deploying" })).toContain("past its deploy");
    run = apply(run, { type: "rollback-progress", message: "1 of 2 instances run v41" });
    expect(run.rollback?.message).toBe("1 of 2 instances run v41");
    run = apply(run, { type: "rollback-succeeded", message: "2 of 2 instances run v41" }, LATER);
    expect(run.rollback).toMatchObject({
      status: "succeeded",
      finishedAt: LATER,
      message: "2 of 2 instances run v41",
    });
    expect(run.status).toBe("failed");
    expect(refusal(run, start())).toBe("shop-1 was already rolled back to v41 by U_BOB");
    expect(refusal(run, { type: "rollback-failed", message: "late" })).toBe(
      "shop-1 is not being rolled back",
    );
  });

  it("lets an approver start a failed rollback again, counting its starts and its deploys", () => {
    let run = apply(rejectedAtGate(), start());
    run = apply(run, { type: "rollback-deploying" });
    run = apply(run, { type: "rollback-failed", message: "deploy of v41 failed: exit 1" });
    expect(run.rollback).toMatchObject({ status: "failed", attempts: 1, executions: 1 });
    expect(rollbackRefusal(run)).toBeNull();
    run = apply(run, start("U_CAROL"));
    expect(run.rollback).toMatchObject({
      status: "running",
      phase: "queued",
      by: "U_CAROL",
      attempts: 2,
      executions: 1,
      message: null,
    });
    expect(run.status).toBe("rejected");
  });

  it("holds the service while a rollback runs, and only then for a finished run", () => {
    const failed = rolloutFailed();
    expect(holdsServiceLock(runTo(2))).toBe(true);
    expect(holdsServiceLock(failed)).toBe(false);
    const rolling = apply(failed, start());
    expect(holdsServiceLock(rolling)).toBe(true);
    expect(holdsServiceLock(apply(rolling, { type: "rollback-failed", message: "no" }))).toBe(false);
  });

  it("refuses rollback events on a run without a rollback, and step events on a finished run as before", () => {
    const failed = rolloutFailed();
    expect(refusal(failed, { type: "rollback-deployed", message: "x" })).toBe(
      "shop-1 is not being rolled back",
    );
    expect(refusal(apply(failed, start()), { type: "step-started", step: 3 })).toBe(
      "shop-1 is failed: nothing more happens to it",
    );
  });
});
