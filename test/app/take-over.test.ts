import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processStepJob } from "../../src/app/process-step.js";
import { transition } from "../../src/app/transition.js";
import { SYSTEM_ACTOR } from "../../src/domain/run/run.js";
import type { JobControl } from "../../src/ports/step-queue.js";
import { createHarness, type Harness } from "../../testkit/engine-harness.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("takeover", { shop: {} });
});

afterAll(() => h.close());

const control = (failedBefore: boolean): JobControl => ({
  failedBefore,
  later: () => Promise.reject(new Error("a local migrate runs to its end")),
});

describe("a step found started but never ended", () => {
  it("is run again, saying why: a job that failed before is not a worker that restarted", async () => {
    const run = await h.start("shop");
    const started = await transition(
      h.engine.workerDeps,
      run.id,
      { type: "step-started", step: 0 },
      SYSTEM_ACTOR,
    );
    expect(started.ok).toBe(true);

    await processStepJob(h.engine.workerDeps, { runId: run.id, step: 0, retries: 0 }, control(true));

    const after = await h.engine.store.get(run.id);
    expect(after?.steps[0]).toMatchObject({ status: "succeeded", attempts: 1, executions: 2 });
    const audit = (await h.engine.useCases.audit(run.id)) ?? [];
    expect(audit.filter((a) => a.action === "step-taken-over").map((a) => a.detail)).toEqual([
      expect.stringMatching(
        /^step 1: phasegate could not record how the migrate ended \(the worker's log has the error\); attempt 1 left nothing running; running it again, attempt 2: /,
      ),
    ]);
  }, 60_000);
});
