import type { ServiceConfig } from "../config/services-schema.js";
import type { Plan } from "../domain/plan/plan.js";
import type { ApprovalRule } from "../domain/run/run.js";

/** What each gate of the plan needs, from the service's access (a gate's own entry first), fixed at start. */
export function approvalRulesFor(config: ServiceConfig, plan: Plan): Record<string, ApprovalRule> {
  const { approvals, fromGroups, gates } = config.access;
  const rules: Record<string, ApprovalRule> = {};
  for (const step of plan.steps)
    if (step.kind === "approval")
      rules[step.gate] = {
        approvals: gates[step.gate]?.approvals ?? approvals,
        fromGroups: gates[step.gate]?.fromGroups ?? fromGroups,
      };
  return rules;
}
