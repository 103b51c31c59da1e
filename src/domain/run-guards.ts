import type { PlanStep } from "./plan.js";
import type { Run } from "./run.js";

/**
 * Why the step cannot start yet, or null. A destructive (contract) migration needs every rollout before it to
 * have succeeded and an approval recorded for every gate before it; one without any gate before it never runs.
 */
export function contractGuard(run: Run, step: PlanStep): string | null {
  if (step.kind !== "migrate" || (step.phase !== "contract" && !step.destructive)) return null;
  const before = run.plan.steps.slice(0, step.index);
  const rollouts = before.filter((s) => s.kind === "wait-rollout");
  if (rollouts.length === 0) return `contract step ${step.index} has no rollout step before it`;
  for (const rollout of rollouts) {
    if (run.steps[rollout.index]?.status !== "succeeded")
      return `contract step ${step.index} needs the rollout (step ${rollout.index}) to have succeeded`;
  }
  const gates = before.filter((s) => s.kind === "approval");
  if (step.destructive && gates.length === 0)
    return `destructive step ${step.index} has no approval gate before it`;
  for (const gate of gates) {
    const approved = run.gates.some(
      (d) => d.stepIndex === gate.index && d.gate === gate.gate && d.decision === "approved",
    );
    if (!approved) return `contract step ${step.index} needs an approval of gate "${gate.gate}" first`;
  }
  return null;
}
