import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processStepJob } from "../../src/app/process-step.js";
import type { JobControl } from "../../src/ports/step-queue.js";
import { storeKeys } from "../../src/store/keys.js";
import { APPROVER, createHarness, type Harness } from "../../testkit/engine-harness.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("contractturn", { shop: {} });
  h.startWorkers(1);
});

afterAll(() => h.close());

const CONTRACT = 4;

describe("a contract step when the freezes cannot be read", () => {
  it("does not start (fail closed), looks again a few seconds later, and starts once they can be read", async () => {
    const freezes = storeKeys(h.prefix).freezes();
    const run = await h.start("shop");
    await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "its gate");
    await h.redis.hset(freezes, "shop", "{not json");
    const approved = await h.engine.useCases.approve({ runId: run.id, user: APPROVER });
    expect(approved.ok).toBe(true);

    const delays: number[] = [];
    const control: JobControl = {
      failedBefore: false,
      later: (delayMs) => {
        delays.push(delayMs);
        return Promise.reject(new Error("put back to sleep"));
      },
    };
    const job = { runId: run.id, step: CONTRACT, retries: 0 };
    await expect(processStepJob(h.engine.workerDeps, job, control)).rejects.toThrow("put back to sleep");
    expect(delays).toEqual([5000]);
    const held = await h.engine.store.get(run.id);
    expect(held?.steps[CONTRACT]?.status).toBe("pending");
    expect(held?.currentStep).toBe(CONTRACT);

    await h.redis.hdel(freezes, "shop");
    await h.waitFor(run.id, (r) => r.status === "succeeded", "success");
  }, 90_000);
});
