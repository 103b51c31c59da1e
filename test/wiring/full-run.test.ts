import { afterAll, beforeAll, expect, it } from "vitest";
import { processApprovalTimeout } from "../../src/app/steps/approval-timeout.js";
import { describeEachDjango } from "../../testkit/django-matrix.js";
import { APPROVER, createHarness, type Harness, REQUESTER } from "../../testkit/engine-harness.js";

describeEachDjango("a full run of examples/shop on PostgreSQL", (python, version) => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness(`full-run-${version.replace(".", "")}`, { shop: { python } });
    h.startWorkers(1);
  });

  afterAll(() => h.close());

  it("expands, deploys, waits for the rollout, stops at the gate, and contracts only after approval", async () => {
    const { useCases } = h.engine;
    const started = await useCases.startRun({ service: "shop", version: "v2", requester: REQUESTER });
    if (!started.ok || started.dryRun) throw new Error(`start refused: ${JSON.stringify(started)}`);
    const runId = started.run.id;
    expect(started.run.plan.steps.map((s) => s.kind)).toEqual([
      "migrate",
      "deploy",
      "wait-rollout",
      "approval",
      "migrate",
    ]);

    const atGate = await h.waitFor(runId, (r) => r.status === "awaiting-approval", "to the gate");
    // The deploy script saw the expanded schema: the new column was there before the new code started.
    expect((await h.read(`${runId}.columns-at-deploy`)).split("\n")).toEqual(
      expect.arrayContaining(["is_active", "is_enabled"]),
    );
    expect(h.columns("shop")).toEqual(expect.arrayContaining(["is_active", "is_enabled"]));
    expect(await h.read(`${runId}.polls`)).toBe("3\n");
    expect(atGate.steps[2]).toMatchObject({
      status: "succeeded",
      polls: 2,
      message: "3 of 3 instances run v2",
    });
    expect(atGate.steps[0]?.commands[0]?.argv.slice(-4)).toEqual([
      "migrate",
      "catalog",
      "0002_product_is_active",
      "--no-input",
    ]);

    const own = await useCases.approve({ runId, user: REQUESTER });
    expect(own).toMatchObject({ ok: false, code: "refused" });
    if (!own.ok) expect(own.message).toMatch(/four-eyes/);
    const stranger = await useCases.approve({ runId, user: "U_MALLORY" });
    expect(stranger).toMatchObject({ ok: false, code: "not-allowed" });
    expect(h.columns("shop")).toContain("is_enabled");
    expect((await useCases.status(runId))?.status).toBe("awaiting-approval");

    const approved = await useCases.approve({ runId, user: APPROVER });
    expect(approved.ok).toBe(true);
    const done = await h.waitFor(runId, (r) => r.status === "succeeded", "succeeded");
    expect(done.steps.map((s) => s.status)).toEqual(Array(5).fill("succeeded"));
    expect(done.gates).toMatchObject([{ gate: "contract", decision: "approved", by: APPROVER }]);
    expect(h.columns("shop")).toContain("is_active");
    expect(h.columns("shop")).not.toContain("is_enabled");
    expect(await h.read(`${runId}.deploy`)).toBe("start\ndone\n");

    const audit = (await useCases.audit(runId)) ?? [];
    expect(audit.map((a) => `${a.outcome} ${a.action} ${a.to ?? "-"}`)).toEqual([
      "applied created running",
      "applied step-started running",
      "applied step-succeeded running",
      "applied step-started running",
      "applied step-succeeded running",
      "applied step-started waiting-rollout",
      "applied step-succeeded awaiting-approval",
      "refused approval-granted -",
      "refused approval-granted -",
      "applied approval-granted running",
      "applied step-started running",
      "applied step-succeeded succeeded",
    ]);
    // The rollout's polls are no entries of their own: the entry that ends the wait sums them up.
    expect(audit.find((a) => a.to === "awaiting-approval")?.detail).toMatch(
      /^step 3: rollout: 3 polls over \d+ s, /,
    );
    expect(audit.find((a) => a.action === "approval-granted" && a.outcome === "applied")?.actor).toEqual({
      kind: "user",
      id: APPROVER,
    });
    expect(h.notifier.eventsOf(runId)).toContain("approval-granted");
    expect(await h.engine.store.activeRunId("shop")).toBeNull();

    // The gate's expiry job, due hours later, finds the run moved on and changes nothing.
    await processApprovalTimeout(h.engine.workerDeps, { runId, step: 3, retries: 0 });
    expect((await useCases.status(runId))?.status).toBe("succeeded");
    expect(await useCases.audit(runId)).toHaveLength(audit.length);
  });
});
