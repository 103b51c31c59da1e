import { describe, expect, it } from "vitest";
import type { Run, RunEvent } from "../../../src/domain/run/run.js";
import { renderMessageBody } from "../../../src/sandbox/page/blocks.js";
import type { SlackMessage } from "../../../src/slack/blocks/kit.js";
import { ROLLBACK_ACTION } from "../../../src/slack/blocks/rollback-messages.js";
import { statusCard } from "../../../src/slack/blocks/status-card.js";
import { threadReplies } from "../../../src/slack/blocks/thread-replies.js";
import { blockProblems } from "../../../src/slack-emulator/index.js";
import { replay, shopRun } from "../../../testkit/plans.js";

const FAILED_ROLLOUT: RunEvent[] = [
  { type: "step-started", step: 0 },
  { type: "step-succeeded", step: 0 },
  { type: "step-started", step: 1 },
  { type: "step-succeeded", step: 1, message: "deployed shop v42" },
  { type: "step-started", step: 2 },
  { type: "step-failed", step: 2, message: "rollout failed: pods crash" },
];

const ROLLBACK: RunEvent[] = [
  { type: "rollback-started", by: "U0BOB", toVersion: "v41" },
  { type: "rollback-deploying" },
  {
    type: "rollback-deploying",
    message: "the worker restarted during the rollback's deploy; running it again, attempt 2",
  },
  { type: "rollback-deployed", message: "deployed shop v41" },
  { type: "rollback-progress", message: "1 of 2 instances run v41" },
  { type: "rollback-succeeded", message: "2 of 2 instances run v41" },
];

function failedRun(overrides: Partial<Run> = {}): Run {
  const run = shopRun({
    requester: "U0ALICE",
    previousRelease: { version: "v41", source: "last-deploy" },
    rollbackToken: "rb-token",
    ...overrides,
  });
  return replay(run, FAILED_ROLLOUT).at(-1)?.after as Run;
}

const text = (message: SlackMessage) => JSON.stringify(message);

function expectValid(message: SlackMessage): void {
  expect(blockProblems(message)).toEqual([]);
  const html = renderMessageBody(
    { ts: "1.000001", text: message.text, blocks: message.blocks },
    {
      users: {},
      channels: {},
      groups: {},
    },
  );
  expect(html).not.toContain('class="unrendered"');
}

describe("the rollback on the card and in the thread", () => {
  it("offers the button, confirmed in a dialog, only on the card itself", () => {
    const run = failedRun();
    const card = statusCard(run, { buttons: true });
    expectValid(card);
    expect(text(card)).toContain("The deploy can be rolled back to *v41*, the release live before this run.");
    expect(text(card)).toContain(ROLLBACK_ACTION);
    const answer = statusCard(run);
    expectValid(answer);
    expect(text(answer)).not.toContain(ROLLBACK_ACTION);
    expect(text(answer)).toContain("`/migrate rollback shop-1` does it (approvers only).");
  });

  it("stays within Slack's confirm limits for the longest service and release names", () => {
    const service = "s".repeat(63);
    const version = "v".repeat(128);
    const run = failedRun({ service, previousRelease: { version, source: "last-deploy" } });
    const card = statusCard(run, { buttons: true });
    expectValid(card);
    const actions = card.blocks.find((b) => (b as { block_id?: string }).block_id === "rollback") as {
      elements: Array<{ confirm: { title: { text: string }; text: { text: string } } }>;
    };
    expect([...(actions.elements[0]?.confirm.title.text ?? "")].length).toBeLessThanOrEqual(100);
    expect([...(actions.elements[0]?.confirm.text.text ?? "")].length).toBeLessThanOrEqual(300);
  });

  it("says why it is not offered when no earlier release is known", () => {
    const card = statusCard(failedRun({ previousRelease: null }), { buttons: true });
    expect(text(card)).toContain("No earlier release recorded: roll back by hand.");
    expect(text(card)).not.toContain(ROLLBACK_ACTION);
  });

  it("follows the rollback on the card and in the thread, every message valid", () => {
    const changes = replay(failedRun(), ROLLBACK);
    const cards = changes.map((c) => statusCard(c.after, { buttons: true }));
    for (const card of cards) expectValid(card);
    expect(text(cards[0] as SlackMessage)).toContain(":rewind: Rolling back to v41…");
    expect(text(cards[0] as SlackMessage)).not.toContain(ROLLBACK_ACTION);
    expect(text(cards.at(-1) as SlackMessage)).toContain("*Rolled back to v41*");
    const replies = changes.flatMap((c) => threadReplies(c));
    for (const reply of replies) expectValid(reply);
    expect(replies.map((r) => r.text)).toEqual([
      ":rewind: <@U0BOB> is rolling back the deploy of v42 to v41. Migrations are not rolled back: the expand schema is compatible with the old code.",
      ":repeat: Rollback: the worker restarted during the rollback's deploy; running it again, attempt 2",
      ":rewind: Rollback: v41 deployed: deployed shop v41; waiting for its rollout.",
      ":rewind: <@U0ALICE> shop-1 is rolled back to v41: 2 of 2 instances run v41. Migrations are not rolled back: the expand schema is compatible with the old code.",
    ]);
  });

  it("a failed rollback says so and offers the button again", () => {
    const changes = replay(failedRun(), [
      ROLLBACK[0] as RunEvent,
      { type: "rollback-failed", message: "deploy of v41 failed: exit 3" },
    ]);
    const card = statusCard(changes.at(-1)?.after as Run, { buttons: true });
    expectValid(card);
    expect(text(card)).toContain(
      "*Rollback to v41 failed*: deploy of v41 failed: exit 3. Roll back by hand, or try again.",
    );
    expect(text(card)).toContain(ROLLBACK_ACTION);
    expect(threadReplies(changes[1] as never).map((r) => r.text)).toEqual([
      ":x: Rollback to v41 failed: deploy of v41 failed: exit 3. Roll back by hand, or try again: the card's button or `/migrate rollback shop-1`.",
    ]);
  });
});
