import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { REJECT_ACTION } from "../../src/slack/blocks/approval.js";
import { REJECT_VIEW } from "../../src/slack/blocks/reject-modal.js";
import {
  blockActionsBody,
  type SignedAnswer,
  type StoredMessage,
  viewSubmissionBody,
} from "../../src/slack-emulator/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  EVE,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness("slackreject", {
    withWorker: true,
    extraServices: { byapprove: {}, byreject: {} },
  });
});

afterAll(async () => {
  await h?.close();
});

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

async function atGate(
  service: string,
): Promise<{ run: Run; card: StoredMessage; gate: StoredMessage; value: string }> {
  const started = await h.migrate(`start ${service} v2`, ALICE);
  const runId = runIdIn(started.text, service);
  const run = await h.waitForRun(runId, (r) => r.status === "awaiting-approval" && r.notification !== null);
  const card = await h.fake.waitFor(() => h.fake.message(SHOP_CHANNEL, run.notification?.ts ?? ""));
  const gate = await h.fake.waitFor(() =>
    h.fake.replies(SHOP_CHANNEL, card.ts).find((m) => (m.text ?? "").startsWith("Approval needed")),
  );
  const actions = gate.blocks?.find((b) => b.type === "actions") as { elements: Array<{ value: string }> };
  return { run, card, gate, value: actions.elements[1]?.value ?? "" };
}

function submit(user: string, privateMetadata: string, reason: string) {
  return h.send(
    viewSubmissionBody({ user, callbackId: REJECT_VIEW, privateMetadata, values: { reason: { reason } } }),
  );
}

/** The error a refused submission shows under the reason field. */
function modalErrorOf(answer: SignedAnswer): string {
  const errors = answer.json?.errors as Record<string, string> | undefined;
  return errors?.reason ?? "";
}

async function lastAudit(runId: string) {
  return (await h.bot.engine.useCases.audit(runId))?.at(-1);
}

describe("Reject with a reason", () => {
  it("opens a modal, refuses a reason too long and a user who may not, then rejects with the reason everywhere", async () => {
    const { run, card, gate, value } = await atGate("shop");
    // A Reject on an open gate answers with the modal only: nothing comes back through the response_url.
    const click = blockActionsBody({
      user: BOB,
      channel: SHOP_CHANNEL,
      messageTs: gate.ts,
      actionId: REJECT_ACTION,
      value,
      responseUrl: h.fake.responseUrl("reject-click"),
    });
    expect((await h.send(click)).status).toBe(200);
    const modal = await h.fake.waitFor(() => h.fake.views.find((v) => v.triggerId === `trigger-${BOB}`));
    expect(modal.view).toMatchObject({ callback_id: REJECT_VIEW, title: { text: "Reject the gate" } });
    const metadata = String(modal.view.private_metadata);
    expect(JSON.parse(metadata)).toEqual({
      runId: run.id,
      gate: "contract",
      token: run.gateTokens.contract,
      channel: SHOP_CHANNEL,
      ts: gate.ts,
    });

    const tooLong = await submit(BOB, metadata, "x".repeat(501));
    expect(tooLong.json).toEqual({
      response_action: "errors",
      errors: {
        reason:
          "a reason is at most 500 characters (this one has 501): shorten it. Your click changed nothing.",
      },
    });
    expect(await lastAudit(run.id)).toMatchObject({
      actor: { id: BOB },
      outcome: "refused",
      action: "approval-rejected",
    });

    const byEve = await submit(EVE, metadata, "I do not like it");
    expect(modalErrorOf(byEve)).toContain(`${EVE} may not reject ${run.id}`);
    expect(await lastAudit(run.id)).toMatchObject({ actor: { id: EVE }, outcome: "refused" });
    expect((await h.run(run.id)).status).toBe("awaiting-approval");

    const reason = "drops a column the reports still read 🙅‍♀️";
    const byBob = await submit(BOB, metadata, reason);
    expect([byBob.status, byBob.text]).toEqual([200, ""]);
    const rejected = await h.waitForRun(run.id, (r) => r.status === "rejected");
    expect(rejected.gates.at(-1)).toMatchObject({ by: BOB, decision: "rejected", reason });
    expect(await lastAudit(run.id)).toMatchObject({
      action: "approval-rejected",
      outcome: "applied",
      detail: `gate contract: ${reason}`,
    });
    // The gate message loses its buttons and says who rejected and why; card and thread say it too.
    const updated = await h.fake.waitFor(() => {
      const message = h.fake.message(SHOP_CHANNEL, gate.ts);
      return message && message.versions.length > 1 ? message : null;
    });
    expect(text(updated)).toContain(`:no_entry: Rejected by <@${BOB}>`);
    expect(text(updated)).toContain(reason);
    expect(text(updated)).not.toContain(REJECT_ACTION);
    await h.bot.notifier.flush();
    expect(text(h.fake.message(SHOP_CHANNEL, card.ts))).toContain(`rejected by <@${BOB}>`);
    expect(text(h.fake.message(SHOP_CHANNEL, card.ts))).toContain(reason);
    expect(
      h.fake
        .replies(SHOP_CHANNEL, card.ts)
        .some((m) => (m.text ?? "").includes(`rejected gate "contract": ${reason}`)),
    ).toBe(true);

    // The same dialog submitted once the run is over, and a late Reject click: too late, audited, no new modal.
    const late = await submit(BOB, metadata, "again");
    expect(modalErrorOf(late)).toContain(`Too late: ${run.id} is already rejected`);
    expect(await lastAudit(run.id)).toMatchObject({ actor: { id: BOB }, outcome: "refused" });
    const views = h.fake.views.length;
    const lateClick = await h.click(REJECT_ACTION, value, BOB, gate.ts);
    expect(lateClick.text).toContain(`Too late: ${run.id} is already rejected`);
    expect(h.fake.views).toHaveLength(views);
    expect(h.fake.responses.filter((r) => r.key === "reject-click")).toEqual([]);
  });

  it("/migrate approve and /migrate reject do the same from the command line, with the same authorization", async () => {
    const approving = await atGate("byapprove");
    expect((await h.migrate(`approve ${approving.run.id}`, EVE)).text).toContain(
      `<@${EVE}> may not approve ${approving.run.id}`,
    );
    expect(await lastAudit(approving.run.id)).toMatchObject({ actor: { id: EVE }, outcome: "refused" });
    expect((await h.migrate(`approve ${approving.run.id}`, ALICE)).text).toContain(
      "cannot approve it too (four-eyes)",
    );
    expect((await h.migrate(`approve ${approving.run.id}`, BOB)).text).toContain(
      `Your approval of ${approving.run.id} is recorded.`,
    );
    await h.waitForRun(approving.run.id, (r) => r.status === "succeeded");

    const rejecting = await atGate("byreject");
    expect((await h.migrate(`reject ${rejecting.run.id}`, BOB)).text).toContain("Missing <reason>.");
    const reason = "--not today: the freeze starts at 18:00";
    expect((await h.migrate(`reject ${rejecting.run.id} ${reason}`, BOB)).text).toContain(
      `${rejecting.run.id} rejected`,
    );
    const rejected = await h.waitForRun(rejecting.run.id, (r) => r.status === "rejected");
    expect(rejected.outcome).toBe(`gate "contract" rejected by ${BOB}: ${reason}`);
  });
});
