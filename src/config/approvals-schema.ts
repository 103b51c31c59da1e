import { z } from "zod";

const approvalCount = z
  .number()
  .int()
  .min(1)
  .max(20)
  .describe("How many distinct approvers must approve a gate before it opens");

const fromGroups = z
  .array(z.string().min(1))
  .describe(
    "User group ids (each also in approvers.usergroups): the approvals must come from different groups among these, one per group",
  );

/** What one gate kind needs, when it differs from the service's `approvals` and `fromGroups`. */
export const gateApprovalSchema = z.strictObject({
  approvals: approvalCount.optional(),
  fromGroups: fromGroups.optional(),
});

/** The keys `access` gets for N-of-M approvals. */
export const approvalKeys = {
  approvals: approvalCount.default(1),
  fromGroups: fromGroups.default([]),
  /** Per gate id ("contract"): overrides of approvals and fromGroups. */
  gates: z
    .record(z.string().min(1), gateApprovalSchema)
    .default({})
    .describe('Per gate id (the contract gate is "contract"): approvals and fromGroups for that gate only'),
};

interface AccessShape {
  starters: string[];
  approvers: { users: string[]; usergroups: string[] };
  fourEyes: boolean;
  approvals: number;
  fromGroups: string[];
  gates: Record<string, { approvals?: number; fromGroups?: string[] }>;
}

/**
 * An approval rule no set of approvers can satisfy is a config error, not a gate that can only time out: more
 * approvals than groups to give them, a group that is no approver, or (approvers listed by user only) more
 * approvals than users.
 */
export function checkApprovalRules(access: AccessShape, ctx: z.RefinementCtx): void {
  const { users, usergroups } = access.approvers;
  const requesterMayApprove =
    access.fourEyes && users.some((u) => access.starters.length === 0 || access.starters.includes(u));
  const rules: Array<{ path: PropertyKey[]; approvals: number; groups: string[] }> = [
    { path: [], approvals: access.approvals, groups: access.fromGroups },
    ...Object.entries(access.gates).map(([gate, rule]) => ({
      path: ["gates", gate],
      approvals: rule.approvals ?? access.approvals,
      groups: rule.fromGroups ?? access.fromGroups,
    })),
  ];
  for (const { path, approvals, groups } of rules) {
    for (const [i, group] of groups.entries())
      if (!usergroups.includes(group))
        ctx.addIssue({
          code: "custom",
          path: [...path, "fromGroups", i],
          message: `${group} is in fromGroups but not in approvers.usergroups: add it there, or its members cannot approve`,
        });
    if (groups.length > 0 && approvals > groups.length)
      ctx.addIssue({
        code: "custom",
        path: [...path, "approvals"],
        message: `approvals is ${approvals} but fromGroups names ${groups.length} group(s), one approval each: lower approvals or name more groups`,
      });
    if (groups.length === 0 && usergroups.length === 0 && users.length > 0 && approvals > users.length)
      ctx.addIssue({
        code: "custom",
        path: [...path, "approvals"],
        message: `approvals is ${approvals} but only ${users.length} approver(s) are listed${requesterMayApprove ? ", and under four-eyes a listed approver who starts a run cannot approve it" : ""}: lower approvals or list more approvers`,
      });
  }
}
