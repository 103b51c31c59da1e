import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StepKind } from "../../src/domain/plan/plan.js";
import type { Run } from "../../src/domain/run/run.js";
import { APPROVER, createHarness, type Harness } from "../../testkit/engine-harness.js";
import { sample } from "../ship/samples.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("ship-metrics", { shop: {} });
  h.startWorkers(1);
});

afterAll(() => h.close());

async function histogram(name: string, labels: Record<string, string>) {
  return {
    sum: (await sample(`${name}_sum`, labels)) ?? 0,
    count: (await sample(`${name}_count`, labels)) ?? 0,
  };
}

/** What the run itself recorded: seconds from start to end of each of its steps of a kind. */
function recorded(run: Run, kind: StepKind): { sum: number; count: number } {
  const steps = run.steps.filter((s) => run.plan.steps[s.index]?.kind === kind);
  const seconds = steps.map((s) => (Date.parse(s.finishedAt ?? "") - Date.parse(s.startedAt ?? "")) / 1000);
  return { sum: seconds.reduce((a, b) => a + b, 0), count: steps.length };
}

describe("metrics of a real run", () => {
  it("are counted by every engine and match what the run went through", async () => {
    const run = await h.start("shop");
    await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "to the gate");
    const approved = await h.engine.useCases.approve({ runId: run.id, user: APPROVER });
    expect(approved.ok).toBe(true);
    const done = await h.waitFor(run.id, (r) => r.status === "succeeded", "succeeded");

    // The engine tells its notifiers after saving: wait until the last change has been told.
    await vi.waitFor(() =>
      expect(h.notifier.changes.some((c) => c.after.id === run.id && c.after.status === "succeeded")).toBe(
        true,
      ),
    );

    expect(await sample("phasegate_runs_started_total", { service: "shop", start: "new" })).toBe(1);
    expect(await sample("phasegate_runs_finished_total", { service: "shop", outcome: "succeeded" })).toBe(1);
    for (const kind of ["migrate", "deploy", "wait-rollout", "approval"] as const) {
      const observed = await histogram("phasegate_step_duration_seconds", { kind, status: "succeeded" });
      expect(observed.count, kind).toBe(recorded(done, kind).count);
      expect(observed.sum, kind).toBeCloseTo(recorded(done, kind).sum, 3);
    }
    expect(
      await histogram("phasegate_rollout_wait_seconds", { service: "shop", status: "succeeded" }),
    ).toEqual(
      await histogram("phasegate_step_duration_seconds", { kind: "wait-rollout", status: "succeeded" }),
    );
    expect(
      (await histogram("phasegate_approval_wait_seconds", { service: "shop", decision: "approved" })).count,
    ).toBe(1);
  });
});
