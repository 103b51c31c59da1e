import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STEP_QUEUE } from "../../src/queue/jobs.js";
import { bullPrefix } from "../../src/queue/step-queue.js";
import { createHarness, type Harness } from "./harness.js";

let h: Harness;
let raw: Queue;

beforeAll(async () => {
  h = await createHarness("step-worker", { shop: {} });
  h.startWorkers(1);
  raw = new Queue(STEP_QUEUE, { connection: h.redis, prefix: bullPrefix(h.prefix) });
});

afterAll(async () => {
  await raw.close();
  await h.close();
});

async function settled(id: string) {
  for (;;) {
    const job = await raw.getJob(id);
    const state = await job?.getState();
    if (job && (state === "failed" || state === "completed")) return { job, state };
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
});
