import { describe, expect, it } from "vitest";
import { buttonMismatch } from "../../../src/app/gate-buttons.js";
import { approvalProgress, closingDecision } from "../../../src/domain/run/approvals.js";
import { contractGuard } from "../../../src/domain/run/guards.js";
import type { ApprovalRule, Run, RunEvent } from "../../../src/domain/run/run.js";
import { shopRun } from "../../../testkit/plans.js";
import { applied, refusalOf } from "../../../testkit/run-events.js";

const NOW = "2026-01-01T01:00:00.000Z";
const ALICE = "U_ALICE"; // the requester

function apply(run: Run, event: RunEvent): Run {
  return applied(run, event, NOW);
}

function refusal(run: Run, event: RunEvent): string {
  return refusalOf(run, event, NOW);
}

/** The shop run at its gate, the gate needing what `rule` says. */
function atGate(rule: ApprovalRule): Run {
  let run = shopRun({ requester: ALICE, approvalRules: { contract: rule } });
  for (const step of [0, 1, 2]) {
    run = apply(run, { type: "step-started", step });
    run = apply(run, { type: "step-succeeded", step });
  }
  return run;
}

const approve = (by: string, groups?: string[]): RunEvent => ({
  type: "approval-granted",
  gate: "contract",
  by,
  ...(groups ? { groups } : {}),
});

const gate = (run: Run) => run.plan.steps[3] as Extract<Run["plan"]["steps"][number], { kind: "approval" }>;
const contract = (run: Run) => run.plan.steps[4] as Run["plan"]["steps"][number];

describe("N-of-M approvals", () => {
  it("waits for two distinct approvers, then opens the gate once", () => {
    const first = apply(atGate({ approvals: 2, fromGroups: [] }), approve("U_BOB"));
    expect(first.status).toBe("awaiting-approval");
    expect(first.steps[3]).toMatchObject({ status: "waiting", message: "1 of 2 approvals" });
    expect(closingDecision(first, gate(first))).toBeNull();
    expect(contractGuard(first, contract(first))).toBe(
      'contract step 5 needs 2 approvals of gate "contract" first',
    );
    expect(refusal(first, approve("U_BOB"))).toBe(
      'U_BOB already approved gate "contract" of shop-1: another approver must',
    );
    const second = apply(first, approve("U_CAROL"));
    expect(second.status).toBe("running");
    expect(second.currentStep).toBe(4);
    expect(second.steps[3]).toMatchObject({ status: "succeeded", message: "approved by U_BOB, U_CAROL" });
    expect(approvalProgress(second, gate(second)).given.map((d) => d.by)).toEqual(["U_BOB", "U_CAROL"]);
    expect(contractGuard(second, contract(second))).toBeNull();
    expect(refusal(second, approve("U_DAN"))).toBe("shop-1 is not waiting for an approval (it is running)");
  });

  it("keeps four-eyes: the requester's approval never counts", () => {
    expect(refusal(atGate({ approvals: 2, fromGroups: [] }), approve(ALICE))).toContain("(four-eyes)");
  });

  it("ends the gate on one rejection, whatever approvals it had", () => {
    const approved = apply(atGate({ approvals: 3, fromGroups: [] }), approve("U_BOB"));
    const rejected = apply(approved, {
      type: "approval-rejected",
      gate: "contract",
      by: "U_CAROL",
      reason: "not today",
    });
    expect(rejected).toMatchObject({
      status: "rejected",
      outcome: 'gate "contract" rejected by U_CAROL: not today',
    });
    expect(closingDecision(rejected, gate(rejected))).toMatchObject({ by: "U_CAROL", decision: "rejected" });
  });

  it("counts one approval per user group when the rule names groups", () => {
    const rule = { approvals: 2, fromGroups: ["S_DBA", "S_LEAD"] };
    const byDba = apply(atGate(rule), approve("U_BOB", ["S_DBA"]));
    expect(byDba.gates.at(-1)).toMatchObject({ by: "U_BOB", group: "S_DBA" });
    expect(refusal(byDba, approve("U_CAROL", ["S_DBA"]))).toBe(
      'S_DBA already approved gate "contract": the next approval must come from S_LEAD',
    );
    expect(refusal(byDba, approve("U_EVE", []))).toBe(
      'U_EVE is in none of the user groups gate "contract" needs (S_DBA, S_LEAD)',
    );
    // In both groups: counted for the one that has not approved yet.
    const byBoth = apply(byDba, approve("U_DAN", ["S_DBA", "S_LEAD"]));
    expect(byBoth.gates.at(-1)).toMatchObject({ by: "U_DAN", group: "S_LEAD" });
    expect(byBoth.status).toBe("running");
  });

  it("does not carry approvals over when a retried run opens the gate again", () => {
    const partly = apply(atGate({ approvals: 2, fromGroups: [] }), approve("U_BOB"));
    const timedOut = apply(partly, { type: "timed-out", step: 3, message: "no decision within 4 h" });
    expect(closingDecision(timedOut, gate(timedOut))).toBeNull();
    const reopened = apply(timedOut, { type: "retried", by: ALICE });
    expect(reopened.status).toBe("awaiting-approval");
    expect(approvalProgress(reopened, gate(reopened)).given).toEqual([]);
    const again = apply(reopened, approve("U_BOB"));
    expect(again.steps[3]).toMatchObject({ status: "waiting", message: "1 of 2 approvals" });
  });

  it("takes clicks only from the approval message of the gate's new opening once a retried run opens it again", () => {
    const old = { channel: "C0SHOP", ts: "1700000000.000100" };
    const posted = apply(atGate({ approvals: 1, fromGroups: [] }), {
      type: "gate-message-attached",
      gate: "contract",
      message: old,
    });
    const timedOut = apply(posted, { type: "timed-out", step: 3, message: "no decision within 4 h" });
    const reopened = apply(timedOut, { type: "retried", by: ALICE });
    const click = { token: reopened.gateTokens.contract ?? "", channel: old.channel, messageTs: old.ts };
    expect(reopened.gateMessages).toEqual({});
    expect(buttonMismatch(reopened, "contract", click)).toContain("did not come from the approval message");
    const fresh = { channel: "C0SHOP", ts: "1700000400.000200" };
    const attached = apply(reopened, { type: "gate-message-attached", gate: "contract", message: fresh });
    expect(buttonMismatch(attached, "contract", { ...click, messageTs: fresh.ts })).toBeNull();
    expect(buttonMismatch(attached, "contract", click)).toContain("did not come from the approval message");
  });
});
