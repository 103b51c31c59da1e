import type { ApprovalStep } from "../plan/plan.js";
import type { ApprovalRule, GateDecision, Run } from "./run.js";

const ONE: ApprovalRule = { approvals: 1, fromGroups: [] };

export function ruleOf(run: Run, gate: string): ApprovalRule {
  return run.approvalRules[gate] ?? ONE;
}

/**
 * The approvals that count for the gate now: those given since it last opened (a retried run opens it again, and
 * what was given before does not carry over).
 */
export function approvalsOf(run: Run, step: ApprovalStep): GateDecision[] {
  return decisionsOf(run, step).filter((d) => d.decision === "approved");
}

/** The decisions given since the gate last opened (its step's current attempt). */
function decisionsOf(run: Run, step: ApprovalStep): GateDecision[] {
  const attempt = run.steps[step.index]?.attempts ?? 0;
  return run.gates.filter((d) => d.stepIndex === step.index && d.gate === step.gate && d.attempt === attempt);
}

/**
 * The group a new approval by `by` counts for (the first of the rule's groups the user is in that has not approved
 * yet; null when the rule names no groups), or why it cannot count.
 */
export function countedGroup(
  run: Run,
  step: ApprovalStep,
  by: string,
  groups: string[],
): { group: string | null } | { problem: string } {
  const given = approvalsOf(run, step);
  if (given.some((d) => d.by === by))
    return { problem: `${by} already approved gate "${step.gate}" of ${run.id}: another approver must` };
  const { fromGroups } = ruleOf(run, step.gate);
  if (fromGroups.length === 0) return { group: null };
  const counted = new Set(given.map((d) => d.group));
  const open = fromGroups.filter((g) => !counted.has(g));
  const group = open.find((g) => groups.includes(g));
  if (group) return { group };
  const mine = fromGroups.filter((g) => groups.includes(g));
  return {
    problem:
      mine.length === 0
        ? `${by} is in none of the user groups gate "${step.gate}" needs (${fromGroups.join(", ")})`
        : `${mine.join(", ")} already approved gate "${step.gate}": the next approval must come from ${open.join(", ")}`,
  };
}

/** "1 of 2 approvals" for the card and the approval message. */
export function approvalProgress(run: Run, step: ApprovalStep): { given: GateDecision[]; needed: number } {
  return { given: approvalsOf(run, step), needed: ruleOf(run, step.gate).approvals };
}

/** The run's approval step for a gate id. */
export function gateStep(run: Run, gate: string): ApprovalStep | undefined {
  return run.plan.steps.find((s): s is ApprovalStep => s.kind === "approval" && s.gate === gate);
}

/**
 * The decision that closed the gate: its last approval once it opened, or the rejection that failed it; null while
 * it waits, and for a gate that failed without a decision (timed out, even with some approvals given).
 */
export function closingDecision(run: Run, step: ApprovalStep): GateDecision | null {
  const status = run.steps[step.index]?.status;
  const last = decisionsOf(run, step).at(-1);
  if (status === "succeeded") return last?.decision === "approved" ? last : null;
  if (status === "failed") return last?.decision === "rejected" ? last : null;
  return null;
}
