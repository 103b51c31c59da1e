import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServices } from "../../src/config/load-services.js";
import { STEP_QUEUE } from "../../src/queue/jobs.js";
import { storeKeys } from "../../src/store/keys.js";
import { createEngine, type Engine } from "../../src/wiring/engine.js";
import { type RunningWorker, startWorker } from "../../src/wiring/start-worker.js";
import { createHarness, type Harness } from "../../testkit/engine-harness.js";

let h: Harness;
let raw: Queue;
/** A worker whose services file no longer has the service "shop" (renamed "other" since the run started). */
let stale: Engine;
let worker: RunningWorker;

beforeAll(async () => {
  h = await createHarness("step-worker", { shop: {} });
  const loaded = await loadServices(h.file("services.yaml"));
  const { shop } = loaded.services;
  if (!shop) throw new Error("the harness has no shop service");
  stale = createEngine({
    redis: h.redis,
    prefix: h.prefix,
    services: { ...loaded, services: { other: shop } },
  });
  worker = startWorker(stale, { lockDurationMs: 2000, stalledIntervalMs: 1000 });
  raw = new Queue(STEP_QUEUE, { connection: h.redis, prefix: storeKeys(h.prefix).bull() });
});

afterAll(async () => {
  await worker.close();
  await stale.close();
  await raw.close();
  await h.close();
});

async function settled(id: string) {
  for (;;) {
    const state = await (await raw.getJob(id))?.getState();
    // Read again once settled: a job read before its state changed lacks its failedReason.
    const job = state === "failed" || state === "completed" ? await raw.getJob(id) : undefined;
    if (job) return { job, state };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the step worker's job boundary", () => {
  it("fails a job with an invalid payload at once, saying what is wrong, and keeps working", async () => {
    await raw.add("step", { runId: "", step: -1, extra: true }, { jobId: "bad-payload", attempts: 5 });
    const { job, state } = await settled("bad-payload");
    expect(state).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(
      /job bad-payload \(step\) has an invalid payload: runId: .*step: .*retries: /,
    );

    await raw.add("frobnicate", { runId: "shop-1", step: 0, retries: 0 }, { jobId: "bad-name" });
    expect((await settled("bad-name")).job.failedReason).toBe('unknown job name "frobnicate" (job bad-name)');

    await raw.add("step", { runId: "shop-404", step: 0, retries: 0 }, { jobId: "no-run" });
    expect((await settled("no-run")).state).toBe("completed");
  });

  it("a step whose job fails for good fails the run with the error, and frees the service", async () => {
    const run = await h.start("shop");
    const failed = await h.waitFor(run.id, (r) => r.status === "failed", "failed");
    expect(failed.steps[0]?.status).toBe("failed");
    expect(failed.outcome).toMatch(
      /phasegate could not run the step: .*no service named "shop" \(known: other\); fix the cause, then retry the run/,
    );
    expect(await h.engine.store.activeRunId("shop")).toBeNull();
    // v1's table as it was: the expand migration never ran.
    expect(h.columns("shop")).toEqual(["id", "is_enabled", "name"]);
  });
});
