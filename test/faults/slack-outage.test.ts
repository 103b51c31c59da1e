import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import type { AuditEntry } from "../../src/ports/run-store.js";
import { runIdIn } from "../../testkit/run-ids.js";
import { ALICE, SHOP_CHANNEL, type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness("slackoutage", { withWorker: true, stateCheckMs: 300 });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function waitForRun(runId: string, until: (run: Run) => boolean, timeoutMs = 60_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await h.bot.engine.useCases.status(runId);
    if (run && until(run)) return run;
    if (Date.now() > deadline) throw new Error(`${runId} stayed ${run?.status} at step ${run?.currentStep}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const cardOf = (runId: string) =>
  h.fake.history(SHOP_CHANNEL).find((m) => !m.thread_ts && (m.text ?? "").includes(`(${runId})`));

/** Index of the first audit entry with this action (-1 when none). */
const indexOf = (audit: AuditEntry[], action: string) => audit.findIndex((e) => e.action === action);

describe("Slack faults as the requester sees them", () => {
  it("invalid_auth on the card: the requester is told why, the run waits for its card, which eventually appears", async () => {
    // Every try of the first post is refused; the repair then meets a 500 and a 429 before Slack takes it.
    h.fake.failNext("chat.postMessage", "invalid_auth", 3);
    h.fake.httpErrorNext("chat.postMessage", 500);
    h.fake.rateLimitNext("chat.postMessage", 1);
    const answer = await h.migrate("start shop v2", ALICE);
    const shop1 = runIdIn(answer.text, "shop");
    expect(answer.text).toContain("reinstall the app or check SLACK_BOT_TOKEN (invalid_auth)");
    expect(answer.text).toContain("does not start its first step until the card is posted");

    // Nothing ran while the run had no card.
    const waiting = await h.run(shop1);
    expect([waiting.notification, waiting.steps[0]?.status]).toEqual([null, "pending"]);

    const card = await h.fake.waitFor(() => cardOf(shop1), 30_000);
    const started = await waitForRun(shop1, (r) => r.steps[0]?.status !== "pending");
    expect(started.notification).toEqual({ channel: SHOP_CHANNEL, ts: card.ts });
    const audit = (await h.bot.engine.useCases.audit(shop1)) ?? [];
    expect(indexOf(audit, "notification-attached")).toBeGreaterThan(-1);
    expect(indexOf(audit, "step-started")).toBeGreaterThan(indexOf(audit, "notification-attached"));
    // One card, not one per try; the approval message follows in its thread.
    expect(
      h.fake.history(SHOP_CHANNEL).filter((m) => !m.thread_ts && (m.text ?? "").includes(`(${shop1})`)),
    ).toHaveLength(1);
    await waitForRun(shop1, (r) => Boolean(r.gateMessages.contract));
    expect((await h.migrate(`cancel ${shop1}`, ALICE)).text).toContain(`Cancel of ${shop1} recorded`);
    await waitForRun(shop1, (r) => r.status === "cancelled");
  }, 120_000);

  it("a card post Slack never answers times out, is tried again, and the run starts only after it", async () => {
    // Only the new run's card: the thread replies of the run before may still be on their way.
    h.fake.hangNextMatching(
      "chat.postMessage",
      (args) => !args.thread_ts && String(args.text ?? "").includes("(stuck-"),
    );
    const answer = await h.migrate("start stuck v2", ALICE);
    const stuck1 = runIdIn(answer.text, "stuck");
    expect(answer.text).toContain("Slack did not take it within 2 s");
    expect((await h.run(stuck1)).steps[0]?.status).toBe("pending");
    const card = await h.fake.waitFor(() => cardOf(stuck1), 40_000);
    const started = await waitForRun(stuck1, (r) => r.steps[0]?.status !== "pending");
    expect(started.notification?.ts).toBe(card.ts);
    expect((await h.migrate(`cancel ${stuck1}`, ALICE)).text).toContain(`Cancel of ${stuck1} recorded`);
    await waitForRun(stuck1, (r) => r.status === "cancelled");
  }, 120_000);
});
