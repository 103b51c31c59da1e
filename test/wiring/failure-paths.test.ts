import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVER, createHarness, type Harness, REQUESTER } from "../../testkit/engine-harness.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("failures", {
    reject: {},
    cancelgate: {},
    cancelmigrate: { migrateSleepSeconds: 60 },
    expiry: { approvalSeconds: 1 },
    migfail: {},
    deployfail: {},
    stuck: { deadlineSeconds: 3 },
    cancelrollout: {},
  });
  h.startWorkers(1);
});

afterAll(() => h.close());

const atGate = (runId: string) => h.waitFor(runId, (r) => r.status === "awaiting-approval", "to the gate");

/** The contract migration never ran: the old column is still there. */
function expectNothingDestructive(service: string): void {
  expect(h.columns(service)).toContain("is_enabled");
}

describe("runs that do not succeed end in the right state, free the service and run nothing destructive", () => {
  it("a rejection at the gate", async () => {
    const run = await h.start("reject");
    await atGate(run.id);
    const rejected = await h.engine.useCases.reject({ runId: run.id, user: APPROVER, reason: "not today" });
    expect(rejected).toMatchObject({ ok: true, run: { status: "rejected" } });
    const done = await h.waitFor(run.id, (r) => r.status === "rejected", "rejected");
    expect(done.outcome).toBe(`gate "contract" rejected by ${APPROVER}: not today`);
    expect(done.steps[4]?.status).toBe("skipped");
    expectNothingDestructive("reject");
    await h.expectLockReleased("reject");
  });

  it("a cancel at the gate", async () => {
    const run = await h.start("cancelgate");
    await atGate(run.id);
    const cancelled = await h.engine.useCases.cancel({ runId: run.id, user: REQUESTER, reason: "wrong tag" });
    expect(cancelled).toMatchObject({
      ok: true,
      run: { status: "cancelled", outcome: `cancelled by ${REQUESTER}: wrong tag` },
    });
    expect(await h.engine.useCases.approve({ runId: run.id, user: APPROVER })).toMatchObject({
      ok: false,
      code: "refused",
    });
    expectNothingDestructive("cancelgate");
    await h.expectLockReleased("cancelgate");
  });

  it("a cancel while a migrate process runs terminates the process", async () => {
    const run = await h.start("cancelmigrate");
    await h.waitFor(run.id, (r) => r.steps[0]?.status === "running", "its migrate step running");
    while (!(await h.read("migrate.log")).includes("0002_product_is_active"))
      await new Promise((resolve) => setTimeout(resolve, 100));
    const cancelling = await h.engine.useCases.cancel({ runId: run.id, user: APPROVER });
    expect(cancelling).toMatchObject({ ok: true, run: { status: "cancelling" } });
    const done = await h.waitFor(run.id, (r) => r.status === "cancelled", "cancelled");
    expect(done.steps[0]).toMatchObject({ status: "cancelled" });
    expect(done.steps[0]?.commands[0]).toMatchObject({ signal: "SIGTERM", exitCode: null });
    expect(done.steps.slice(1).map((s) => s.status)).toEqual(Array(4).fill("skipped"));
    expect(h.columns("cancelmigrate")).not.toContain("is_active");
    expect(await h.read(`${run.id}.deploy`)).toBe("");
    await h.expectLockReleased("cancelmigrate");
  });

  it("an approval left open past its expiry", async () => {
    const run = await h.start("expiry");
    const done = await h.waitFor(run.id, (r) => r.status === "failed", "failed");
    expect(done.steps[3]).toMatchObject({ status: "failed" });
    expect(done.outcome).toMatch(/no approval within 1 s; the contract phase did not run/);
    expect(await h.engine.useCases.approve({ runId: run.id, user: APPROVER })).toMatchObject({
      ok: false,
      code: "refused",
    });
    expectNothingDestructive("expiry");
    await h.expectLockReleased("expiry");
  });

  it("a failed migration keeps the end of its output, and a retry goes on from there", async () => {
    const db = h.databases.get("migfail");
    // The column the expand migration adds is already there: PostgreSQL refuses the ALTER TABLE.
    db?.query("alter table catalog_product add column is_active boolean");
    const run = await h.start("migfail");
    const failed = await h.waitFor(run.id, (r) => r.status === "failed", "failed");
    expect(failed.steps[0]?.status).toBe("failed");
    expect(failed.steps[0]?.commands[0]?.exitCode).toBe(1);
    expect(failed.steps[0]?.commands[0]?.stderrTail).toMatch(
      /column "is_active" of relation "catalog_product" already exists/,
    );
    expect(failed.outcome).toMatch(
      /step 1 .* failed: migrate catalog 0002_product_is_active exited with 1: .*already exists/,
    );
    expect(await h.read(`${run.id}.deploy`)).toBe("");
    expect(await h.engine.store.activeRunId("migfail")).toBeNull();

    db?.query("alter table catalog_product drop column is_active");
    const retried = await h.engine.useCases.retry({ runId: run.id, user: REQUESTER });
    expect(retried).toMatchObject({ ok: true, run: { status: "running", retries: 1 } });
    const gate = await atGate(run.id);
    expect(gate.steps[0]).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(h.columns("migfail")).toEqual(expect.arrayContaining(["is_active", "is_enabled"]));
    await h.engine.useCases.cancel({ runId: run.id, user: REQUESTER });
    await h.expectLockReleased("migfail");
  });

  it("a failed deploy", async () => {
    await writeFile(h.file("deployfail.deploy-fails"), "");
    const run = await h.start("deployfail");
    const failed = await h.waitFor(run.id, (r) => r.status === "failed", "failed");
    expect(failed.steps[1]?.status).toBe("failed");
    expect(failed.outcome).toMatch(/deploy of v2 failed: sh exited with 3: registry said no to v2/);
    expect(h.columns("deployfail")).toEqual(expect.arrayContaining(["is_active", "is_enabled"]));
    expect(failed.steps.slice(2).map((s) => s.status)).toEqual(Array(3).fill("skipped"));
    await h.expectLockReleased("deployfail");
  });

  it("a rollout that never finishes fails at its deadline", async () => {
    await writeFile(h.file("stuck.rollout-stuck"), "");
    const run = await h.start("stuck");
    const failed = await h.waitFor(run.id, (r) => r.status === "failed", "failed");
    expect(failed.steps[2]?.status).toBe("failed");
    expect(failed.outcome).toMatch(
      /the rollout of v2 did not finish within 3 s \(last: \d of 3 instances run v2\); nothing destructive ran/,
    );
    expect(Number(await h.read(`${run.id}.polls`))).toBeGreaterThanOrEqual(2);
    expectNothingDestructive("stuck");
    await h.expectLockReleased("stuck");
  });

  it("a cancel while waiting for the rollout wakes the worker, which halts what it can, ends the run and stops the polling", async () => {
    await writeFile(h.file("cancelrollout.rollout-stuck"), "");
    const run = await h.start("cancelrollout");
    await h.waitFor(run.id, (r) => (r.steps[2]?.polls ?? 0) >= 1, "a rollout poll");
    const cancelling = await h.engine.useCases.cancel({ runId: run.id, user: REQUESTER });
    expect(cancelling).toMatchObject({ ok: true, run: { status: "cancelling" } });
    const cancelled = await h.waitFor(run.id, (r) => r.status === "cancelled", "cancelled");
    expect(cancelled.steps[2]).toMatchObject({
      status: "cancelled",
      message:
        "stopped by a cancel: the deploy command has no haltCommand in the services file, so the rollout goes on",
    });
    const polls = await h.read(`${run.id}.polls`);
    // Longer than the largest poll interval (2 s): a poll still queued would have come.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await h.read(`${run.id}.polls`)).toBe(polls);
    expectNothingDestructive("cancelrollout");
    await h.expectLockReleased("cancelrollout");
  });
});
