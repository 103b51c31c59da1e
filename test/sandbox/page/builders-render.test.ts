import { describe, expect, it } from "vitest";
import type { ApprovalStep } from "../../../src/domain/plan/plan.js";
import type { Run, RunEvent } from "../../../src/domain/run/run.js";
import { renderMessageBody } from "../../../src/sandbox/page/blocks.js";
import type { RenderContext } from "../../../src/sandbox/page/render-context.js";
import { approvalMessage, decidedMessage, settledGateMessage } from "../../../src/slack/blocks/approval.js";
import { freezeAnnouncement, freezesAnswer } from "../../../src/slack/blocks/freeze-messages.js";
import type { SlackMessage } from "../../../src/slack/blocks/kit.js";
import { planPreview, refusalAnswer } from "../../../src/slack/blocks/plan-preview.js";
import { auditAnswer, runList } from "../../../src/slack/blocks/run-answers.js";
import { statusCard } from "../../../src/slack/blocks/status-card.js";
import { threadReplies } from "../../../src/slack/blocks/thread-replies.js";
import { clickRefusal } from "../../../src/slack/inbound/click-answer.js";
import { helpText } from "../../../src/slack/inbound/command-parser.js";
import { replay, shopPlan, shopRun } from "../../../testkit/plans.js";

const context: RenderContext = { users: { U0ALICE: "alice", U0BOB: "bob" }, channels: {}, groups: {} };

const events: RunEvent[] = [
  { type: "step-started", step: 0 },
  { type: "step-succeeded", step: 0 },
  { type: "step-started", step: 1 },
  { type: "step-succeeded", step: 1, message: "deploy.sh v42 exited 0" },
  { type: "step-started", step: 2 },
  { type: "rollout-progress", step: 2, message: "1 of 2 instances run v42" },
  { type: "step-succeeded", step: 2 },
  { type: "approval-granted", gate: "contract", by: "U0BOB" },
  {
    type: "step-held",
    step: 4,
    message: "contract waits for the change window: opens Mon 09:00 Europe/Paris",
  },
  { type: "step-started", step: 4 },
  { type: "step-failed", step: 4, message: "exit 1 <boom>", commands: [] },
  { type: "retried", by: "U0ALICE" },
  { type: "step-started", step: 4 },
  { type: "step-succeeded", step: 4 },
];

function render(message: SlackMessage): string {
  return renderMessageBody({ ts: "1.000001", text: message.text, blocks: message.blocks }, context);
}

/** Every message a run's life produces: each card version, each thread reply, the gate before and after. */
function everyMessage(): Array<[string, SlackMessage]> {
  const run = shopRun({ requester: "U0ALICE" });
  const changes = replay(
    run,
    events.filter((e) => e.type !== "approval-granted" || true),
  );
  const gateStep = run.plan.steps[3] as ApprovalStep;
  const atGate = changes.find((c) => c.after.status === "awaiting-approval")?.after ?? run;
  const done = changes.at(-1)?.after as Run;
  const decided = done.gates[0];
  const cancelled = { ...atGate, status: "cancelled" as const, outcome: "cancelled by <@U0ALICE>" };
  const audit = [
    {
      id: "1-0",
      at: run.createdAt,
      actor: { kind: "user" as const, id: "U0ALICE" },
      action: "created",
      from: null,
      to: "running" as const,
      outcome: "applied" as const,
      detail: "v42: 5 steps",
    },
  ];
  const freeze = { scope: "shop", by: "U0ALICE", reason: "incident <123>", at: run.createdAt };
  const freezeEntry = {
    at: run.createdAt,
    by: "U0ALICE",
    action: "freeze" as const,
    scope: "shop",
    outcome: "applied" as const,
    detail: "incident <123>",
  };
  return [
    ["card, new", statusCard(run)],
    ...changes.map((c, i): [string, SlackMessage] => [
      `card after ${c.event?.type} #${i}`,
      statusCard(c.after),
    ]),
    ...changes.flatMap((c) =>
      threadReplies(c).map((m): [string, SlackMessage] => [`reply ${c.event?.type}`, m]),
    ),
    ["approval", approvalMessage(atGate, gateStep, "<@U0ALICE> <!subteam^S0DBA>")],
    ...(decided ? [["decided", decidedMessage(done, gateStep, decided)] as [string, SlackMessage]] : []),
    ["closed gate", settledGateMessage(cancelled, "contract") as SlackMessage],
    ["plan preview", planPreview("shop", "v42", shopPlan())],
    [
      "refusal",
      refusalAnswer("2 operations are unsafe", [{ message: "rename", recipe: ["add", "copy"] } as never]),
    ],
    ["list", runList("Active runs (1)", [atGate])],
    ["empty list", runList("Latest runs", [])],
    ["list with a freeze", runList("Latest runs", [atGate], [freeze])],
    ["freezes", freezesAnswer([freeze], [{ ...freezeEntry, outcome: "refused" }, freezeEntry])],
    ["no freeze", freezesAnswer([], [])],
    ["frozen", freezeAnnouncement({ kind: "frozen", freeze, services: ["shop"], running: [] }, ["shop"])],
    ["unfrozen", freezeAnnouncement({ kind: "unfrozen", freeze, by: "U0BOB", services: ["shop"] }, ["shop"])],
    ["audit", auditAnswer("shop-1", audit)],
    ["help", { text: helpText(), blocks: [] }],
    [
      "too late",
      {
        text: clickRefusal({ ok: false, code: "refused", message: "x", run: done }, "contract", "U0BOB"),
        blocks: [],
      },
    ],
    [
      "not an approver",
      {
        text: clickRefusal(
          { ok: false, code: "not-allowed", message: "U0EVE may not approve shop-1", run: atGate },
          "contract",
          "U0EVE",
        ),
        blocks: [],
      },
    ],
  ];
}

describe("every message phasegate sends renders in the sandbox page", () => {
  it.each(everyMessage())("%s: no block is left unrendered", (_name, message) => {
    const html = render(message);
    expect(html).not.toContain('class="unrendered"');
    expect(html.length).toBeGreaterThan(0);
  });

  it("draws the card's header, mrkdwn, emoji, dates and mentions", () => {
    const changes = replay(shopRun({ requester: "U0ALICE" }), events.slice(0, 4));
    const html = render(statusCard(changes.at(-1)?.after as Run));
    expect(html).toContain('<div class="block header">shop v42 · shop-1</div>');
    expect(html).toContain("<b>🔄 Running</b>");
    expect(html).toContain('<span class="mention">@alice</span>');
    expect(html).toMatch(/<time datetime="2026-01-01T00:00:00.000Z">/);
    expect(html).toContain("<code>/migrate status shop-1</code>");
    expect(html).toContain("<i>(expand)</i>");
  });

  it("draws the gate's buttons with their style and carries the confirm dialog", () => {
    const run = replay(shopRun({ requester: "U0ALICE" }), events.slice(0, 7)).at(-1)?.after as Run;
    const html = render(approvalMessage(run, run.plan.steps[3] as ApprovalStep, "<@U0BOB>"));
    expect(html).toMatch(
      /<button type="button" class="block-button primary"[^>]*data-action-id="phasegate.approve"/,
    );
    expect(html).toContain("data-confirm=");
    expect(html).toMatch(/class="block-button danger"[^>]*>Reject<\/button>/);
  });
});
