import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION } from "../../src/slack/blocks/approval.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  CAROL,
  OPS_CHANNEL,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";
import { sample } from "../ship/samples.js";

// The production bot with its worker, on examples/shop; what users do to Slack goes through the emulator.
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness("unseen", { withWorker: true, extraServices: { orders: {} } });
});

afterAll(async () => {
  await h?.close();
});

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });
const rerouted = async (error: string, route: string) =>
  (await sample("phasegate_slack_notifications_rerouted_total", { error, route })) ?? 0;

describe("nothing completes unseen", () => {
  it("a run whose card is deleted mid-run shows its gate and its completion on a fresh card", async () => {
    const before = await rerouted("message_not_found", "fresh-card");
    const runId = runIdIn((await h.migrate("start shop v2", ALICE)).text, "shop");
    const card = await h.fake.waitFor(() => h.fake.history(SHOP_CHANNEL).find((m) => !m.thread_ts));
    await h.waitForRun(runId, (r) => r.notification?.ts === card.ts);
    expect(h.fake.deleteMessage(SHOP_CHANNEL, card.ts)).toBe(true);

    // The next change finds the card gone: a fresh one, recorded with the run, takes its place.
    const fresh = await h.fake.waitFor(() =>
      h.fake.history(SHOP_CHANNEL).find((m) => !m.thread_ts && text(m).includes(runId)),
    );
    await h.waitForRun(runId, (r) => r.notification?.ts === fresh.ts);
    const atGate = await h.waitForRun(
      runId,
      (r) => r.status === "awaiting-approval" && r.gateMessages.contract !== undefined,
    );
    const gate = h.fake
      .history(SHOP_CHANNEL)
      .find((m) => m.ts === atGate.gateMessages.contract?.ts && text(m).includes("Approval needed"));
    const actions = gate?.blocks?.find((b) => b.type === "actions") as { elements: Array<{ value: string }> };
    const approved = await h.click(APPROVE_ACTION, actions.elements[0]?.value ?? "", BOB, gate?.ts);
    expect(approved.all).toContain(`Approved by <@${BOB}>`);

    await h.waitForRun(runId, (r) => r.status === "succeeded");
    await h.fake.waitFor(() => text(h.fake.message(SHOP_CHANNEL, fresh.ts)).includes("Succeeded"));
    await h.fake.waitFor(() =>
      h.fake.replies(SHOP_CHANNEL, fresh.ts).some((m) => m.text?.includes("is fully migrated")),
    );
    // Said in the fresh card's thread (a step reply sent meanwhile may come before it).
    expect(h.fake.replies(SHOP_CHANNEL, fresh.ts).map((m) => m.text)).toContainEqual(
      expect.stringContaining("this one replaces it"),
    );
    expect(h.fake.history(SHOP_CHANNEL).filter((m) => !m.thread_ts && text(m).includes(runId))).toHaveLength(
      1,
    );
    expect(await rerouted("message_not_found", "fresh-card")).toBe(before + 1);
  });

  it("a run whose channel is archived at its gate: the requester and approvers get its outcome by DM", async () => {
    const before = await rerouted("is_archived", "direct-message");
    const runId = runIdIn((await h.migrate("start orders v2", ALICE)).text, "orders");
    await h.waitForRun(
      runId,
      (r) => r.status === "awaiting-approval" && r.gateMessages.contract !== undefined,
    );
    h.fake.archiveChannel(SHOP_CHANNEL);

    // Slack cannot be clicked in an archived channel: Bob approves from another channel the service allows.
    expect((await h.migrate(`approve ${runId}`, BOB, OPS_CHANNEL)).text).toContain("Your approval");
    await h.waitForRun(runId, (r) => r.status === "succeeded");
    for (const user of [ALICE, BOB, CAROL]) {
      const told = await h.fake.waitFor(() => {
        const channel = h.fake.directChannel(user);
        const about = channel ? h.fake.history(channel).filter((m) => text(m).includes(`*${runId}*`)) : [];
        return about.at(-1) && text(about.at(-1)).includes("Succeeded") ? about : null;
      });
      // One at the loss, one with the outcome (or one, when the loss was found with the run already ended).
      expect(told.length).toBeLessThanOrEqual(2);
      expect(text(told[0])).toContain(`in <#${SHOP_CHANNEL}>: the channel was archived`);
      expect(text(told.at(-1))).toContain("This is its outcome.");
    }
    expect(await rerouted("is_archived", "direct-message")).toBeGreaterThan(before);
  });
});
