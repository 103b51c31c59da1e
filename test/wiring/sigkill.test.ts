import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVER, createHarness, type Harness } from "../../testkit/engine-harness.js";
import { spawnWorker, type WorkerProcess } from "./worker-process.js";

let h: Harness;
const spawned: WorkerProcess[] = [];

beforeAll(async () => {
  h = await createHarness("sigkill", { shop: { migrateSleepSeconds: 2 } });
});

afterAll(async () => {
  for (const worker of spawned) worker.killHard();
  await h.close();
});

function worker(): WorkerProcess {
  const started = spawnWorker(h.file("services.yaml"), h.prefix, h.file(`worker-${spawned.length + 1}.log`));
  spawned.push(started);
  return started;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a worker process killed with SIGKILL in the middle of each kind of step", () => {
  it("another worker takes over; the run finishes, no step runs twice to success, nothing is lost", {
    timeout: 180_000,
  }, async () => {
    // Each migrate and the deploy sleep long enough for the test to see them start and kill their worker (a
    // poll of 50 ms and a ps), not longer: every migrate of the run sleeps, the ones run again too.
    await writeFile(h.file("shop.deploy-sleep"), "2");
    const { id: runId } = await h.start("shop");

    const first = worker();
    await until("the expand migrate running", async () => (await h.read("migrate.log")).includes("0002"));
    first.killHard();

    const second = worker();
    await until("the deploy running", async () => (await h.read(`${runId}.deploy`)).includes("start"));
    second.killHard();

    const third = worker();
    await until("the first rollout poll", async () => (await h.read(`${runId}.polls`)) === "1\n");
    third.killHard();

    worker();
    await h.waitFor(runId, (r) => r.status === "awaiting-approval", "to the gate");
    expect(h.columns("shop")).toEqual(expect.arrayContaining(["is_active", "is_enabled"]));
    expect((await h.engine.useCases.approve({ runId, user: APPROVER })).ok).toBe(true);
    const done = await h.waitFor(runId, (r) => r.status === "succeeded", "succeeded");

    expect(h.columns("shop")).not.toContain("is_enabled");
    // The killed migrate and deploy ran again to the end once; the contract migrate ran once.
    expect((await h.read("migrate.log")).split("\n").filter(Boolean)).toEqual([
      "catalog 0002_product_is_active",
      "catalog 0002_product_is_active",
      "catalog 0003_remove_product_is_enabled",
    ]);
    expect(await h.read(`${runId}.deploy`)).toBe("start\nstart\ndone\n");
    expect(done.steps.map((s) => [s.status, s.attempts])).toEqual(Array(5).fill(["succeeded", 1]));
    const applied = ((await h.engine.useCases.audit(runId)) ?? []).filter((a) => a.outcome === "applied");
    for (const action of ["step-started", "step-succeeded"]) {
      expect(applied.filter((a) => a.action === action).map((a) => a.detail?.split(":")[0])).toEqual(
        action === "step-started"
          ? ["step 1", "step 2", "step 3", "step 5"]
          : ["step 1", "step 2", "step 3", "step 5"],
      );
    }
  });
});
