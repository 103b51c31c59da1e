import type { ApprovalStep } from "../../domain/plan/plan.js";
import { approvalProgress, ruleOf } from "../../domain/run/approvals.js";
import type { GateDecision, Run } from "../../domain/run/run.js";
import { userMention } from "./kit.js";

/** "<@U1>, <@U2>": who approved, in order. */
export function approverList(given: GateDecision[]): string {
  return given.map((d) => userMention(d.by)).join(", ");
}

/**
 * "1 of 2 approvals: <@U0BOB>" while a gate that needs several approvals waits, with the groups still to approve
 * when the rule names some; null for a gate that needs one approval.
 */
export function approvalProgressText(run: Run, step: ApprovalStep): string | null {
  const { given, needed } = approvalProgress(run, step);
  if (needed === 1) return null;
  const who = given.length > 0 ? `: ${approverList(given)}` : "";
  const { fromGroups } = ruleOf(run, step.gate);
  const counted = new Set(given.map((d) => d.group));
  const open = fromGroups.filter((g) => !counted.has(g)).map((g) => `<!subteam^${g}>`);
  const groups = fromGroups.length > 0 ? ` (one per group; still to approve: ${open.join(" ")})` : "";
  return `${given.length} of ${needed} approvals${who}${groups}`;
}
