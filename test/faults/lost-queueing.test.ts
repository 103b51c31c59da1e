import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newGateTokens } from "../../src/app/gate-buttons.js";
import { transition } from "../../src/app/transition.js";
import { introspect } from "../../src/django/introspect.js";
import { planRelease } from "../../src/domain/plan/planner.js";
import { createRun } from "../../src/domain/run/create.js";
import { startWorker } from "../../src/wiring/start-worker.js";
import { APPROVER, createHarness, type Harness, REQUESTER } from "../../testkit/engine-harness.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("lostqueue", { shop: {} });
});

afterAll(() => h.close());

/** Stores a run of the shop and its card as `phasegate bot` does, then "dies" before queueing its first step. */
async function storedButNeverQueued(): Promise<string> {
  const adapters = await h.engine.workerDeps.adapters("shop");
  const introspection = await introspect({
    executor: adapters.executor,
    projectDir: adapters.migrate.projectDir,
    python: adapters.migrate.python,
    env: adapters.migrate.env,
    targets: [],
    key: "lost-queue",
  });
  const planned = planRelease(introspection);
  if (!planned.ok) throw new Error("the shop's plan was refused");
  const now = new Date().toISOString();
  const build = (id: string) =>
    createRun({
      id,
      service: "shop",
      version: "v2",
      requester: REQUESTER,
      plan: planned.plan,
      fourEyes: true,
      gateTokens: newGateTokens(planned.plan),
      now,
    });
  const created = await h.engine.store.create("shop", build, {
    at: now,
    actor: { kind: "user", id: REQUESTER },
    action: "created",
    from: null,
    to: "running",
    outcome: "applied",
    detail: null,
  });
  if (!created.ok) throw new Error(`shop is held by ${created.activeRunId}`);
  const card = {
    type: "notification-attached",
    notification: { channel: "C_SHOP", ts: "1.000001" },
  } as const;
  const attached = await transition(h.engine.workerDeps, created.run.id, card, {
    kind: "system",
    id: "phasegate",
  });
  if (!attached.ok) throw new Error(attached.message);
  return created.run.id;
}

describe("a process that stored a change and died before queueing what follows", () => {
  it("leaves nothing stuck: a worker queues the active runs' next steps again", {
    timeout: 120_000,
  }, async () => {
    const runId = await storedButNeverQueued();
    const worker = startWorker(h.engine, {
      lockDurationMs: 2000,
      stalledIntervalMs: 1000,
      reconcileIntervalMs: 300,
    });
    h.workers.push(worker);
    await h.waitFor(runId, (r) => r.status === "awaiting-approval", "to the gate");

    // The approval stored, its contract step never queued.
    const approved = await transition(
      h.engine.workerDeps,
      runId,
      { type: "approval-granted", gate: "contract", by: APPROVER },
      { kind: "user", id: APPROVER },
    );
    expect(approved.ok).toBe(true);
    const done = await h.waitFor(runId, (r) => r.status === "succeeded", "succeeded");
    expect(done.steps.map((s) => s.status)).toEqual(Array(5).fill("succeeded"));
    expect(h.columns("shop")).not.toContain("is_enabled");
  });
});
