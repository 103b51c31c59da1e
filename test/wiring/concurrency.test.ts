import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVER, createHarness, type Harness, REQUESTER } from "../../testkit/engine-harness.js";
import { approveAHundredTimesAtOnce } from "./scenarios.js";

let h: Harness;
const PARALLEL = ["para-a", "para-b", "para-c"];

beforeAll(async () => {
  const parallel = Object.fromEntries(PARALLEL.map((s) => [s, { migrateSleepSeconds: 0 }]));
  h = await createHarness("concurrency", { race: {}, double: {}, ...parallel });
  // Two worker instances on one queue, as two replicas would be.
  h.startWorkers(2);
});

afterAll(() => h.close());

describe("concurrent callers and workers", () => {
  it("100 concurrent approvals: exactly one transition, the others refused", () =>
    approveAHundredTimesAtOnce(h, "race"));

  it("a second start while one is planned is refused before it introspects; while a run is active, naming it", async () => {
    const starts = await Promise.all(
      [1, 2].map(() =>
        h.engine.useCases.startRun({ service: "double", version: "v2", requester: REQUESTER }),
      ),
    );
    const winner = starts.find((s) => s.ok);
    const loser = starts.find((s) => !s.ok);
    if (!winner?.ok || winner.dryRun || !loser || loser.ok) throw new Error(JSON.stringify(starts));
    expect(loser.code).toBe("start-in-progress");
    const later = await h.engine.useCases.startRun({
      service: "double",
      version: "v3",
      requester: REQUESTER,
    });
    expect(later).toMatchObject({
      ok: false,
      code: "active-run",
      activeRunId: winner.run.id,
      message: `double already has an active run, ${winner.run.id}: wait for it to finish, or cancel it first`,
    });
    expect(await h.engine.useCases.list({ service: "double" })).toHaveLength(1);
  });

  it("two workers on one queue run every step of every run exactly once", async () => {
    const runs = await Promise.all(PARALLEL.map((service) => h.start(service)));
    await Promise.all(
      runs.map((r) => h.waitFor(r.id, (x) => x.status === "awaiting-approval", "to the gate")),
    );
    await Promise.all(runs.map((r) => h.engine.useCases.approve({ runId: r.id, user: APPROVER })));
    for (const run of runs) {
      await h.waitFor(run.id, (r) => r.status === "succeeded", "succeeded");
      expect(await h.read(`${run.id}.deploy`)).toBe("start\ndone\n");
      const started = (await h.engine.useCases.audit(run.id))
        ?.filter((a) => a.action === "step-started" && a.outcome === "applied")
        .map((a) => a.detail);
      expect(started).toEqual(["step 1", "step 2", "step 3", "step 5"]);
    }
    const migrations = (await h.read("migrate.log")).split("\n").filter(Boolean).sort();
    expect(migrations).toEqual(
      [
        ...PARALLEL.map(() => "catalog 0002_product_is_active"),
        ...PARALLEL.map(() => "catalog 0003_remove_product_is_enabled"),
      ].sort(),
    );
  });
});
