import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION } from "../../src/slack/blocks/approval.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  EVE,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

const text = (m: { text?: string; blocks?: unknown[] } | undefined) =>
  JSON.stringify({ text: m?.text, blocks: m?.blocks });

/** The same story over both ways Slack reaches an app: signed HTTP requests and Socket Mode envelopes. */
describe.each(["http", "socket-mode"] as const)("the story over %s", (transport) => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness(`transport${transport.replace("-", "")}`, { withWorker: true, transport });
  });

  afterAll(async () => {
    await h?.close();
  });

  const ephemeralsOf = (user: string) => h.fake.ephemerals(SHOP_CHANNEL, user).map((m) => text(m));

  it("answers a malformed command with the usage, to its author only", async () => {
    const outcome = await h.workspace.command(EVE, SHOP_CHANNEL, "strat shop v2");
    expect(outcome).toMatchObject({ acked: true, error: null });
    expect(ephemeralsOf(EVE).at(-1)).toContain("/migrate help");
    expect(ephemeralsOf(ALICE)).toEqual([]);
  });

  it("starts a run, refuses the requester's Approve (four-eyes), takes another approver's, ends done", async () => {
    await h.workspace.command(ALICE, SHOP_CHANNEL, "start shop v2");
    const started = await h.fake.waitFor(() => ephemeralsOf(ALICE).find((t) => t.includes("Started *shop-")));
    expect(started).toContain("Follow it in <#C0SHOP>");
    const runId = runIdIn(started, "shop");
    const card = await h.fake.waitFor(() => h.fake.history(SHOP_CHANNEL).find((m) => !m.thread_ts));
    const gate: StoredMessage = await h.fake.waitFor(
      () => h.fake.replies(SHOP_CHANNEL, card.ts).find((m) => text(m).includes("Approval needed")),
      60_000,
    );
    const blockIndex = gate.blocks?.findIndex((b) => b.type === "actions") ?? -1;
    const click = (user: string) =>
      h.workspace.click({
        user,
        channel: SHOP_CHANNEL,
        messageTs: gate.ts,
        blockIndex,
        actionId: APPROVE_ACTION,
      });

    expect(await click(ALICE)).toMatchObject({ acked: true });
    const refused = await h.fake.waitFor(
      () => ephemeralsOf(ALICE).find((t) => t.includes("four-eyes")),
      60_000,
    );
    expect(refused).toContain("Your click changed nothing.");
    expect((await h.run(runId)).status).toBe("awaiting-approval");

    expect(await click(BOB)).toMatchObject({ acked: true });
    // The gate message itself is replaced (response_url, replace_original): no buttons left.
    await h.fake.waitFor(() => text(h.fake.message(SHOP_CHANNEL, gate.ts)).includes("Approved by <@U0BOB>"));
    expect(text(h.fake.message(SHOP_CHANNEL, gate.ts))).not.toContain(APPROVE_ACTION);
    await h.fake.waitFor(() => text(h.fake.message(SHOP_CHANNEL, card.ts)).includes("Succeeded"), 60_000);
    expect(ephemeralsOf(BOB)).toEqual([]);
  });
});
