import type { MigrateStep, PlanStep } from "../plan/plan.js";
import { ruleOf } from "./approvals.js";
import type { Run } from "./run.js";
import { stepNumber } from "./step-number.js";

/** A contract (or destructive) migration: what approvals, change windows and freezes hold back. */
export function isContractStep(step: PlanStep): step is MigrateStep {
  return step.kind === "migrate" && (step.phase === "contract" || step.destructive);
}

/**
 * Why the step cannot start yet, or null. A destructive (contract) migration needs every rollout and backfill before
 * it (and its analysis) to have succeeded and an approval recorded for every gate before it; one without any gate before it never runs.
 */
export function contractGuard(run: Run, step: PlanStep): string | null {
  if (!isContractStep(step)) return null;
  const before = run.plan.steps.slice(0, step.index);
  if (!before.some((s) => s.kind === "wait-rollout"))
    return `contract ${stepNumber(step.index)} has no rollout step before it`;
  const waitedKinds = ["wait-rollout", "backfill", "analysis"];
  for (const waited of before.filter((s) => waitedKinds.includes(s.kind))) {
    const what = waited.kind === "wait-rollout" ? "rollout" : waited.kind;
    if (run.steps[waited.index]?.status !== "succeeded")
      return `contract ${stepNumber(step.index)} needs the ${what} (${stepNumber(waited.index)}) to have succeeded`;
  }
  const gates = before.filter((s) => s.kind === "approval");
  if (step.destructive && gates.length === 0)
    return `destructive ${stepNumber(step.index)} has no approval gate before it`;
  for (const gate of gates) {
    const approvers = new Set(
      run.gates
        .filter((d) => d.stepIndex === gate.index && d.gate === gate.gate && d.decision === "approved")
        .map((d) => d.by),
    );
    const needed = ruleOf(run, gate.gate).approvals;
    if (approvers.size < needed)
      return `contract ${stepNumber(step.index)} needs ${needed === 1 ? "an approval" : `${needed} approvals`} of gate "${gate.gate}" first`;
  }
  return null;
}
