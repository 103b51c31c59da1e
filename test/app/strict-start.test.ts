import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transition } from "../../src/app/transition.js";
import { SYSTEM_ACTOR } from "../../src/domain/run/run.js";
import { createHarness, type Harness } from "../../testkit/engine-harness.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("strictstart", { shop: {} });
});

afterAll(() => h.close());

describe("a step's start decided on a run that changed meanwhile", () => {
  it("is not applied (the worker decides its turn again); a freeze noted in between is what changed it", async () => {
    const checked = await h.start("shop");
    // Between the worker's look at the freezes and its start, a freeze is set and noted on the run.
    const freeze = { scope: "shop", by: "U0ADMIN", reason: "incident 9", at: new Date().toISOString() };
    const noted = await transition(
      h.engine.workerDeps,
      checked.id,
      { type: "freeze-noted", freeze },
      SYSTEM_ACTOR,
    );
    expect(noted.ok).toBe(true);

    const event = { type: "step-started", step: 0 } as const;
    const strict = await transition(h.engine.workerDeps, checked.id, event, SYSTEM_ACTOR, checked, true);
    expect(strict).toMatchObject({ ok: false, code: "changed", run: { frozen: freeze } });
    expect((await h.engine.store.get(checked.id))?.steps[0]?.status).toBe("pending");

    // Decided again on the run as it is now, the start applies.
    if (strict.ok || strict.code !== "changed") throw new Error("expected a changed run");
    const again = await transition(h.engine.workerDeps, checked.id, event, SYSTEM_ACTOR, strict.run, true);
    expect(again.ok).toBe(true);
    expect((await h.engine.store.get(checked.id))?.steps[0]?.status).toBe("running");
  }, 60_000);
});
