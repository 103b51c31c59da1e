import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, REQUESTER } from "../../testkit/engine-harness.js";
import { findDjangoPython } from "../../testkit/python.js";
import { shopDir } from "../../testkit/run-cli.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("startrun", { current: {}, racing: {} });
});

afterAll(() => h.close());

const start = (service: string, version = "v2") =>
  h.engine.useCases.startRun({ service, version, requester: REQUESTER });

describe("startRun on examples/shop", () => {
  it("starts a release with no pending migration: deploy and wait only, no gate", async () => {
    const db = h.databases.get("current");
    if (!db) throw new Error("no database");
    execFileSync(findDjangoPython(), ["manage.py", "migrate", "--no-input"], {
      cwd: shopDir,
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: "ignore",
    });
    const started = await start("current");
    if (!started.ok || started.dryRun) throw new Error(`not started: ${JSON.stringify(started)}`);
    expect(started.run.plan.steps.map((s) => s.kind)).toEqual(["deploy", "wait-rollout"]);
    expect(started.run.plan.migrations).toEqual([]);
    expect(await h.engine.store.activeRunId("current")).toBe(started.run.id);
    await h.engine.useCases.cancel({ runId: started.run.id, user: REQUESTER });
  });

  it("of two starts of one service at once, the second is refused before it introspects and takes no run id", async () => {
    const [first, second] = await Promise.all([start("racing"), start("racing", "v3")]);
    expect(first).toMatchObject({ ok: true, run: { id: expect.stringMatching(/^racing-[0-9a-z]+-1$/) } });
    expect(second).toMatchObject({ ok: false, code: "start-in-progress" });
    expect(second.ok ? "" : second.message).toContain("another start of racing is being planned right now");
    if (!first.ok || first.dryRun) throw new Error("first start refused");
    expect(await start("racing", "v4")).toMatchObject({
      ok: false,
      code: "active-run",
      activeRunId: first.run.id,
    });
    await h.engine.useCases.cancel({ runId: first.run.id, user: REQUESTER });
    await h.waitFor(first.run.id, (r) => r.status === "cancelled", "cancelled");
    const next = await start("racing", "v5");
    expect(next).toMatchObject({ ok: true, run: { id: first.run.id.replace(/-1$/, "-2") } });
  }, 60_000);
});
