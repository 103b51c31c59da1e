import { expect } from "vitest";
import { APPROVER, type Harness } from "../../testkit/engine-harness.js";

/** The audit of a run of the shop that nobody disturbed: every change applied once, in order. */
export const SHOP_APPLIED_AUDIT = [
  "created running",
  "step-started running",
  "step-succeeded running",
  "step-started running",
  "step-succeeded running",
  "step-started waiting-rollout",
  "step-succeeded awaiting-approval",
  "approval-granted running",
  "step-started running",
  "step-succeeded succeeded",
];

/** 100 approvals of one run at once, by two approvers: exactly one transition, 99 refusals, all audited. */
export async function approveAHundredTimesAtOnce(h: Harness, service: string): Promise<void> {
  const run = await h.start(service);
  await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "to the gate");
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      h.engine.useCases.approve({ runId: run.id, user: i % 2 === 0 ? APPROVER : "U_CAROL" }),
    ),
  );
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  expect(results.filter((r) => !r.ok && r.code === "refused")).toHaveLength(99);
  const done = await h.waitFor(run.id, (r) => r.status === "succeeded", "succeeded");
  expect(done.gates).toHaveLength(1);
  const approvals = (await h.engine.useCases.audit(run.id))?.filter((a) => a.action === "approval-granted");
  expect(approvals?.filter((a) => a.outcome === "applied")).toHaveLength(1);
  expect(approvals?.filter((a) => a.outcome === "refused")).toHaveLength(99);
}

/**
 * The run succeeded with each step run exactly once: one deploy, the expand and the contract migration each
 * logged once in migrate.log after `migrateLogBefore` lines, and the complete audit.
 */
export async function expectRanOnce(h: Harness, runId: string, migrateLogBefore: number): Promise<void> {
  const run = await h.waitFor(runId, (r) => r.status === "succeeded", "succeeded");
  expect(run.steps.map((s) => s.status)).toEqual(Array(5).fill("succeeded"));
  expect(await h.read(`${runId}.deploy`)).toBe("start\ndone\n");
  const migrations = (await h.read("migrate.log")).split("\n").filter(Boolean).slice(migrateLogBefore);
  expect(migrations).toEqual(["catalog 0002_product_is_active", "catalog 0003_remove_product_is_enabled"]);
  const audit = (await h.engine.useCases.audit(runId)) ?? [];
  expect(
    audit.map((a) => `${a.outcome === "applied" ? "" : `${a.outcome} `}${a.action} ${a.to ?? "-"}`),
  ).toEqual(SHOP_APPLIED_AUDIT);
  expect(await h.engine.store.activeRunId(run.service)).toBeNull();
}

/** Lines in migrate.log now (every migrate of the harness's services appends one). */
export async function migrateLogLength(h: Harness): Promise<number> {
  return (await h.read("migrate.log")).split("\n").filter(Boolean).length;
}
