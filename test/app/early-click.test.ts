import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transition } from "../../src/app/transition.js";
import { SYSTEM_ACTOR } from "../../src/domain/run/run.js";
import { APPROVER, createHarness, type Harness } from "../../testkit/engine-harness.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("earlyclick", { shop: {}, billing: {} });
  h.startWorkers(1);
});

afterAll(() => h.close());

const MESSAGE = { channel: "C0SHOP", ts: "1700000000.000100" };

/** A run waiting at its contract gate, its approval message not recorded (this harness posts none). */
async function atGate(service: string) {
  const run = await h.start(service);
  const waiting = await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "its gate");
  expect(waiting.gateMessages.contract).toBeUndefined();
  return waiting;
}

const attach = (runId: string) =>
  transition(
    h.engine.workerDeps,
    runId,
    { type: "gate-message-attached", gate: "contract", message: MESSAGE },
    SYSTEM_ACTOR,
  );

describe("an Approve click that reaches phasegate before it recorded the approval message", () => {
  it("counts once the message is recorded: Slack showed the message before phasegate wrote down its ts", async () => {
    const run = await atGate("shop");
    const button = { token: run.gateTokens.contract ?? "", channel: MESSAGE.channel, messageTs: MESSAGE.ts };
    const click = h.engine.useCases.approve({ runId: run.id, user: APPROVER, button });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await attach(run.id)).ok).toBe(true);
    expect(await click).toMatchObject({ ok: true, run: { gates: [{ decision: "approved", by: APPROVER }] } });
    await h.waitFor(run.id, (r) => r.status === "succeeded", "success");
  }, 90_000);

  it("is refused, saying the message is not posted yet, when no record comes; a wrong token is refused as such", async () => {
    const run = await atGate("billing");
    const origin = { channel: MESSAGE.channel, messageTs: MESSAGE.ts };
    const early = await h.engine.useCases.approve({
      runId: run.id,
      user: APPROVER,
      button: { token: run.gateTokens.contract ?? "", ...origin },
    });
    expect(early).toMatchObject({ ok: false, code: "wrong-button" });
    expect(early.ok ? "" : early.message).toContain("not posted yet");
    const forged = await h.engine.useCases.approve({
      runId: run.id,
      user: APPROVER,
      button: { token: "not-the-token", ...origin },
    });
    expect(forged.ok ? "" : forged.message).toContain("this button was not posted for");
    expect((await h.engine.store.get(run.id))?.status).toBe("awaiting-approval");
  }, 90_000);
});
