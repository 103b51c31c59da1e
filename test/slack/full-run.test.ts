import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { APPROVE_ACTION, REJECT_ACTION } from "../../src/slack/blocks/approval.js";
import {
  blockActionsBody,
  nowSeconds,
  type StoredMessage,
  slackSignature,
} from "../../src/slack-emulator/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  CAROL,
  DBA_GROUP,
  EVE,
  OPS_CHANNEL,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness("slackrun", { withWorker: true });
});

afterAll(async () => {
  await h?.close();
});

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

async function waitForRun(runId: string, until: (run: Run) => boolean): Promise<Run> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = await h.bot.engine.useCases.status(runId);
    if (run && until(run)) return run;
    if (Date.now() > deadline) throw new Error(`${runId} stayed ${run?.status} at step ${run?.currentStep}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run and its audit trail did not move: same revision and status, and the last entry is the refusal. */
async function expectRefusedWithoutChange(before: Run, by: string): Promise<void> {
  const after = await h.run(before.id);
  expect([after.revision, after.status]).toEqual([before.revision, before.status]);
  const last = (await h.bot.engine.useCases.audit(before.id))?.at(-1);
  expect(last).toMatchObject({ actor: { kind: "user", id: by }, outcome: "refused" });
}

describe("a whole run of examples/shop driven from Slack", () => {
  it("goes from /migrate start to the approval click to the final card", async () => {
    const started = await h.migrate("start shop v2", ALICE);
    const shop1 = runIdIn(started.text, "shop");
    expect(started.text).toContain(`Started *${shop1}* (shop v2). Follow it in <#C0SHOP>`);

    // The card: posted once in the service channel, its place recorded with the run.
    const card = await h.fake.waitFor(() => h.fake.history(SHOP_CHANNEL).find((m) => !m.thread_ts));
    expect(text(card)).toContain(`shop v2 · ${shop1}`);
    await waitForRun(shop1, (r) => r.notification?.ts === card.ts);

    // The gate: the approvers who may decide mentioned (not Alice, who started it: four-eyes), what will be
    // dropped, Approve and Reject.
    const gate = await h.fake.waitFor(() =>
      h.fake.replies(SHOP_CHANNEL, card.ts).find((m) => text(m).includes("Approval needed")),
    );
    expect(text(gate)).toContain(`*Approval needed* <@${BOB}> <!subteam^${DBA_GROUP}>`);
    expect(text(gate)).not.toContain(`Approval needed <@${ALICE}>`);
    expect(text(gate)).toContain("drop column catalog_product.is_enabled");
    expect(gate.versions[0]).toMatchObject({ reply_broadcast: "true" });
    const atGate = await waitForRun(
      shop1,
      (r) => r.status === "awaiting-approval" && r.gateMessages.contract?.ts === gate.ts,
    );
    const actions = gate.blocks?.find((b) => b.type === "actions") as { elements: Array<{ value: string }> };
    const value = actions.elements[0]?.value ?? "";

    // Thread replies so far: each step started and finished, the rollout's progress.
    const thread = h.fake.replies(SHOP_CHANNEL, card.ts).map((m) => m.text ?? "");
    expect(thread.some((t) => t.includes("Step 1/5 (Apply 1 expand migration) started"))).toBe(true);
    expect(
      thread.some((t) => /Step 2\/5 \(Deploy the new code\) finished in .*deployed shop v2/.test(t)),
    ).toBe(true);
    expect(thread.some((t) => t.includes("Rollout: 1 of 2 instances run v2"))).toBe(true);
    // The card, updated in place, now asks for the approval.
    await h.fake.waitFor(() => text(h.fake.message(SHOP_CHANNEL, card.ts)).includes("Awaiting approval"));

    // A forged click is refused before anything reads it.
    const forged = blockActionsBody({
      user: BOB,
      channel: SHOP_CHANNEL,
      messageTs: gate.ts,
      actionId: APPROVE_ACTION,
      value,
      responseUrl: h.fake.responseUrl("forged"),
    });
    expect((await h.send(forged, { signature: slackSignature("wrong", nowSeconds(), forged) })).status).toBe(
      401,
    );
    expect((await h.run(shop1)).revision).toBe(atGate.revision);

    // Someone who is no approver: told so, audited, nothing changes.
    const byEve = await h.click(APPROVE_ACTION, value, EVE, gate.ts);
    expect(byEve.text).toContain(`<@${EVE}> may not approve ${shop1}`);
    expect(byEve.text).toContain("Your click changed nothing.");
    await expectRefusedWithoutChange(atGate, EVE);

    // The requester is an approver, but four-eyes: refused, audited, nothing changes.
    const byAlice = await h.click(APPROVE_ACTION, value, ALICE, gate.ts);
    expect(byAlice.text).toContain(`<@${ALICE}> started ${shop1} and cannot approve it too (four-eyes)`);
    await expectRefusedWithoutChange(atGate, ALICE);

    // Carol approves through the DBA user group: the gate message is replaced by who decided and when.
    const byCarol = await h.click(APPROVE_ACTION, value, CAROL, gate.ts);
    expect(byCarol.all).toContain('"replace_original":true');
    expect(byCarol.all).toContain(`:white_check_mark: Approved by <@${CAROL}> <!date^`);
    expect(byCarol.all).not.toContain(APPROVE_ACTION);

    // Bob's late click on the same gate: told who decided, nothing changes.
    const approved = await h.run(shop1);
    const byBob = await h.click(APPROVE_ACTION, value, BOB, gate.ts);
    expect(byBob.text).toContain(`approved by <@${CAROL}>`);
    expect(byBob.text).toContain("Your click changed nothing.");
    expect((await h.run(shop1)).gates).toEqual(approved.gates);

    // The contract phase runs; the card ends as Succeeded, the requester is told.
    const done = await waitForRun(shop1, (r) => r.status === "succeeded");
    expect(done.gates).toEqual([expect.objectContaining({ by: CAROL, decision: "approved" })]);
    await h.fake.waitFor(() => text(h.fake.message(SHOP_CHANNEL, card.ts)).includes("Succeeded"));
    await h.bot.notifier.flush();
    const final = text(h.fake.message(SHOP_CHANNEL, card.ts));
    expect(final).toContain(`approved by <@${CAROL}>`);
    expect(final.match(/:white_check_mark: done in/g)).toHaveLength(4);
    const replies = h.fake.replies(SHOP_CHANNEL, card.ts).map((m) => m.text ?? "");
    expect(replies.some((t) => t.includes(`:tada: <@${ALICE}> shop v2 is fully migrated`))).toBe(true);
    expect(replies.some((t) => t.includes(`<@${CAROL}> approved gate "contract"`))).toBe(true);

    // One card, updated in place; never more than the run's changes.
    const posted = h.fake.callsOf("chat.postMessage").filter((c) => !c.args.thread_ts);
    expect(posted).toHaveLength(1);
    const updates = h.fake.callsOf("chat.update").filter((c) => c.args.ts === card.ts);
    expect(updates.length).toBeGreaterThan(1);
    expect(updates.every((c) => c.answer.ok === true)).toBe(true);

    // A click on the finished run: too late, nothing changes.
    const late = await h.click(REJECT_ACTION, value, BOB, gate.ts);
    expect(late.text).toContain(`Too late: ${shop1} is already succeeded.`);
    await expectRefusedWithoutChange(done, BOB);

    // /migrate status and audit tell the same story.
    expect((await h.migrate(`status ${shop1}`, EVE)).all).toContain("Succeeded");
    const audit = await h.migrate(`audit ${shop1}`, EVE);
    expect(audit.all).toContain("`approval-granted`");
    expect(audit.all).toContain("*refused*");
  });

  it("cancels a run from Slack: refused for someone with no say, then done by an operator", async () => {
    const started = await h.migrate("start stuck v7", BOB, OPS_CHANNEL);
    const stuck1 = runIdIn(started.text, "stuck");
    expect(started.text).toContain(`Started *${stuck1}*`);
    const waiting = await waitForRun(
      stuck1,
      (r) => r.status === "waiting-rollout" && r.notification !== null,
    );
    const card = waiting.notification;
    if (!card) throw new Error("no card");

    const active = await h.migrate("status", EVE, OPS_CHANNEL);
    expect(active.all).toContain("Active runs (1)");
    expect(active.all).toContain(
      `\`${stuck1}\` stuck v7 — :hourglass_flowing_sand: Waiting for the rollout — <@U0BOB>`,
    );
    expect((await h.migrate("list stuck", EVE)).all).toContain(`\`${stuck1}\` stuck v7`);

    const byEve = await h.migrate(`cancel ${stuck1}`, EVE, OPS_CHANNEL);
    expect(byEve.text).toContain(`<@${EVE}> may not cancel ${stuck1}`);
    const unchanged = await h.run(stuck1);
    expect(unchanged.status).toBe("waiting-rollout");
    expect((await h.bot.engine.useCases.audit(stuck1))?.at(-1)).toMatchObject({
      actor: { id: EVE },
      outcome: "refused",
    });

    const byAlice = await h.migrate(`cancel ${stuck1}`, ALICE, SHOP_CHANNEL);
    expect(byAlice.text).toContain(`Cancel of ${stuck1} recorded`);
    const cancelled = await waitForRun(stuck1, (r) => r.status === "cancelled");
    await h.fake.waitFor(() => text(h.fake.message(SHOP_CHANNEL, card.ts)).includes("Cancelled"));
    await h.bot.notifier.flush();
    const replies = h.fake.replies(SHOP_CHANNEL, card.ts).map((m) => m.text ?? "");
    expect(replies.some((t) => t.includes(`<@${ALICE}> cancelled the run`))).toBe(true);
    expect(replies.some((t) => t.includes(`<@${BOB}> ${stuck1} cancelled`))).toBe(true);

    // A forged click on the cancelled run's gate (its approval was never posted) and a retry: both refused.
    const forged = JSON.stringify({ runId: stuck1, gate: "contract", token: "guessed" });
    const late = await h.click(APPROVE_ACTION, forged, CAROL);
    expect(late.text).toContain(`this button was not posted for ${stuck1}`);
    const rewritten = (r: { body: Record<string, unknown> }) =>
      r.body.replace_original === true && JSON.stringify(r.body).includes(stuck1);
    expect(h.fake.responses.some(rewritten)).toBe(false);
    const retried = await h.migrate(`retry ${stuck1}`, BOB, SHOP_CHANNEL);
    expect(retried.text).toContain("only a failed run can be retried");
    expect((await h.run(stuck1)).revision).toBe(cancelled.revision);
  });
});
