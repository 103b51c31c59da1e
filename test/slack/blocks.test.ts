import { describe, expect, it } from "vitest";
import type { ApprovalStep, Plan, PlanStep } from "../../src/domain/plan/plan.js";
import { pendingStep } from "../../src/domain/run/create.js";
import type { Run, RunEvent } from "../../src/domain/run/run.js";
import {
  APPROVE_ACTION,
  approvalMessage,
  decidedMessage,
  gateButtonSchema,
  REJECT_ACTION,
  settledGateMessage,
} from "../../src/slack/blocks/approval.js";
import type { SlackMessage } from "../../src/slack/blocks/kit.js";
import { planPreview, refusalAnswer } from "../../src/slack/blocks/plan-preview.js";
import { statusCard } from "../../src/slack/blocks/status-card.js";
import { threadReplies } from "../../src/slack/blocks/thread-replies.js";
import { blockProblems, blocksTextLength, MAX_BLOCKS_TEXT } from "../../src/slack-emulator/index.js";
import { replay, shopRun } from "../../testkit/plans.js";

const ALICE = "U0ALICE";
const BOB = "U0BOB";

/** The run after the events, applied one second apart as the engine would. */
function play(run: Run, events: RunEvent[]): Run {
  return replay(run, events).at(-1)?.after ?? run;
}

const toGate: RunEvent[] = [
  { type: "step-started", step: 0 },
  { type: "step-succeeded", step: 0 },
  { type: "step-started", step: 1 },
  { type: "step-succeeded", step: 1, message: "patched web to shop:v42" },
  { type: "step-started", step: 2 },
  { type: "rollout-progress", step: 2, message: "2 of 3 updated replicas are available" },
];

function allText(message: SlackMessage): string {
  return JSON.stringify(message.blocks);
}

function expectValid(message: SlackMessage): void {
  expect(blockProblems(message)).toEqual([]);
  expect(blocksTextLength(message.blocks)).toBeLessThanOrEqual(MAX_BLOCKS_TEXT);
}

const fresh = () => shopRun({ requester: ALICE });
const gateStep = (run: Run) => run.plan.steps[3] as ApprovalStep;

describe("status card", () => {
  it("shows service, version, requester and every step pending on a new run", () => {
    const card = statusCard(fresh());
    expectValid(card);
    expect(card.text).toBe("shop v42 (shop-1): Running");
    expect(card.blocks[0]).toMatchObject({ type: "header", text: { text: "shop v42 · shop-1" } });
    expect(allText(card)).toContain(`Started by <@${ALICE}>`);
    expect(allText(card).match(/:white_circle: pending/g)).toHaveLength(5);
  });

  it("shows durations of finished steps and the rollout message while waiting", () => {
    const card = statusCard(play(fresh(), toGate));
    const text = allText(card);
    expect(text).toContain("done in 1.0 s: patched web to shop:v42");
    expect(text).toContain("waiting for rollout: 2 of 3 updated replicas are available");
    expect(card.text).toContain("Waiting for the rollout");
  });

  it("shows who approved the gate and the final state", () => {
    const run = play(fresh(), [
      ...toGate,
      { type: "step-succeeded", step: 2 },
      { type: "approval-granted", gate: "contract", by: BOB },
      { type: "step-started", step: 4 },
      { type: "step-succeeded", step: 4 },
    ]);
    const card = statusCard(run);
    expectValid(card);
    expect(allText(card)).toContain(`approved by <@${BOB}>`);
    expect(card.text).toContain("Succeeded");
  });

  it("shows a failed step with its message, escaped, and the outcome", () => {
    const run = play(fresh(), [
      { type: "step-started", step: 0 },
      { type: "step-failed", step: 0, message: "exited with 1: relation <catalog_product> & co" },
    ]);
    const text = allText(statusCard(run));
    expect(text).toContain(
      ":x: failed after 1.0 s: exited with 1: relation &lt;catalog_product&gt; &amp; co",
    );
    expect(text).toContain("*Outcome:*");
    expect(text).toContain(":black_right_pointing_double_triangle_with_vertical_bar: skipped");
  });

  it("stays within Slack's limits for a plan of 80 steps with long messages", () => {
    const steps: PlanStep[] = Array.from({ length: 80 }, (_, index) => ({
      index,
      kind: "deploy",
      phase: "deploy",
      title: `Deploy ${"x".repeat(400)}`,
    }));
    const plan: Plan = { steps, migrations: [], operations: [], destructive: false };
    const run = shopRun({
      plan,
      steps: steps.map((s) => ({ ...pendingStep(s.index), message: "m".repeat(5000) })),
    });
    const card = statusCard(run);
    expectValid(card);
    // The card stops where its text would pass Slack's 12,000 characters (about 28 such steps), not at 50 blocks.
    expect(card.blocks.length).toBeLessThan(50);
    expect(allText(card)).toContain("more blocks not shown");
    const short = statusCard(
      shopRun({ plan: { ...plan, steps: steps.map((st) => ({ ...st, title: "Deploy" })) } }),
    );
    expectValid(short);
    expect(short.blocks).toHaveLength(50);
  });
});

describe("thread replies", () => {
  it("tells a step start with its manage.py command and its end with the duration", () => {
    const before = fresh();
    const started = play(before, [{ type: "step-started", step: 0 }]);
    const [start] = threadReplies({
      before,
      after: started,
      event: { type: "step-started", step: 0 },
      actor: { kind: "system", id: "phasegate" },
    });
    expect(start?.text).toContain("Step 1/5 (Apply 1 expand migration) started");
    expect(start?.text).toContain("`manage.py migrate catalog 0002_product_is_active`");
    const event: RunEvent = { type: "step-succeeded", step: 0 };
    const done = play(started, [event]);
    expect(
      threadReplies({ before: started, after: done, event, actor: { kind: "system", id: "phasegate" } })[0]
        ?.text,
    ).toMatch(/Step 1\/5 \(Apply 1 expand migration\) finished in \d/);
  });

  it("cuts a huge failure log to its last lines within a section and mentions the requester", () => {
    const log = Array.from({ length: 5000 }, (_, i) => `line ${i} <tag>`).join("\n");
    const started = play(fresh(), [{ type: "step-started", step: 0 }]);
    const event: RunEvent = {
      type: "step-failed",
      step: 0,
      message: "exited with 1: line 4999",
      commands: [
        {
          argv: ["python"],
          exitCode: 1,
          signal: null,
          timedOut: false,
          stdoutTail: "",
          stderrTail: log,
          durationMs: 10,
        },
      ],
    };
    const replies = threadReplies({
      before: started,
      after: play(started, [event]),
      event,
      actor: { kind: "system", id: "phasegate" },
    });
    expect(replies).toHaveLength(2);
    for (const reply of replies) expectValid(reply);
    const failure = JSON.stringify(replies[0]?.blocks);
    expect(failure).toContain("line 4999 &lt;tag&gt;");
    expect(failure).not.toContain("line 0 ");
    expect(replies[1]?.text).toContain(`<@${ALICE}> shop-1 failed`);
    expect(replies[1]?.text).toContain("/migrate retry shop-1");
  });

  it("congratulates the requester when the run succeeds", () => {
    const before = play(fresh(), [
      ...toGate,
      { type: "step-succeeded", step: 2 },
      { type: "approval-granted", gate: "contract", by: BOB },
      { type: "step-started", step: 4 },
    ]);
    const event: RunEvent = { type: "step-succeeded", step: 4 };
    const texts = threadReplies({
      before,
      after: play(before, [event]),
      event,
      actor: { kind: "system", id: "phasegate" },
    }).map((r) => r.text);
    expect(texts[1]).toContain(`:tada: <@${ALICE}> shop v42 is fully migrated`);
  });

  it("says nothing for an attached notification", () => {
    const run = fresh();
    const event: RunEvent = { type: "notification-attached", notification: { channel: "C1", ts: "1.2" } };
    expect(
      threadReplies({
        before: run,
        after: play(run, [event]),
        event,
        actor: { kind: "system", id: "phasegate" },
      }),
    ).toEqual([]);
  });
});

describe("approval message", () => {
  const atGate = () => play(fresh(), [...toGate, { type: "step-succeeded", step: 2 }]);

  it("lists what will be dropped, mentions approvers and carries the gate in both buttons", () => {
    const run = atGate();
    const message = approvalMessage(run, gateStep(run), "<!subteam^S0DBA> <@U0CAROL>");
    expectValid(message);
    const text = allText(message);
    expect(text).toContain("<!subteam^S0DBA> <@U0CAROL>");
    expect(text).toContain("drops column is_enabled");
    expect(text).toContain(`<@${ALICE}> started the run and cannot approve it (four-eyes)`);
    const actions = message.blocks.find((b) => b.type === "actions");
    if (actions?.type !== "actions") throw new Error("no buttons");
    const [approve, reject] = actions.elements as Array<{
      action_id: string;
      value: string;
      confirm?: unknown;
    }>;
    expect(approve?.action_id).toBe(APPROVE_ACTION);
    expect(approve?.confirm).toBeDefined();
    expect(reject?.action_id).toBe(REJECT_ACTION);
    expect(gateButtonSchema.parse(JSON.parse(approve?.value ?? ""))).toEqual({
      runId: "shop-1",
      gate: "contract",
      token: "token-of-shop-1-contract",
    });
  });

  it("stays within Slack's limits when hundreds of long lines are dropped", () => {
    const run = atGate();
    const step = {
      ...gateStep(run),
      summary: Array.from(
        { length: 300 },
        (_, i) => `catalog.${i}: drop column t.c${i} — SQL: ${"X".repeat(600)}`,
      ),
    };
    const message = approvalMessage(run, step, "<@U0CAROL>");
    expectValid(message);
    expect(message.blocks.at(-1)?.type).toBe("actions");
  });

  it("is replaced by who decided and when, without buttons", () => {
    const run = play(atGate(), [{ type: "approval-granted", gate: "contract", by: BOB }]);
    const [decision] = run.gates;
    if (!decision) throw new Error("no decision recorded");
    const message = decidedMessage(run, gateStep(run), decision);
    expectValid(message);
    expect(message.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(allText(message)).toContain(`:white_check_mark: Approved by <@${BOB}> <!date^`);
    expect(allText(message)).toContain("drops column is_enabled");
  });
});

describe("settled gate message", () => {
  const atGate = () => play(fresh(), [...toGate, { type: "step-succeeded", step: 2 }]);

  it("is null while the gate is open, then says who decided or that the run ended without a decision", () => {
    expect(settledGateMessage(atGate(), "contract")).toBeNull();
    const approved = play(atGate(), [{ type: "approval-granted", gate: "contract", by: BOB }]);
    expect(JSON.stringify(settledGateMessage(approved, "contract")?.blocks)).toContain(
      `Approved by <@${BOB}>`,
    );
    const cancelled = play(atGate(), [{ type: "cancelled", by: BOB, reason: "wrong release" }]);
    const closed = settledGateMessage(cancelled, "contract");
    expect(closed?.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(JSON.stringify(closed?.blocks)).toContain(
      "Closed without a decision: shop-1 cancelled: cancelled by U0BOB: wrong release",
    );
  });
});

describe("plan preview", () => {
  it("shows phases and verdicts, and refusals with their recipe", () => {
    const preview = planPreview("shop", "v42", fresh().plan);
    expectValid(preview);
    expect(allText(preview)).toContain("*5. contract* — Apply 1 contract migration");
    const refusal = refusalAnswer("2 problems", [
      {
        code: "unsafe-operation",
        migration: { app: "inventory", name: "0002" },
        operation: "0",
        message: "RenameField qty",
        recipe: ["add the new column", "copy"],
      },
    ]);
    expectValid(refusal);
    expect(allText(refusal)).toContain("• add the new column");
    expect(allText(refusal)).not.toContain("phasegate split");
  });

  it("a refusal phasegate split can fix shows the command for the service's project", () => {
    const unsafe = {
      code: "unsafe-operation" as const,
      migration: { app: "inventory", name: "0002" },
      operation: "0",
      message: "RenameField qty",
      recipe: ["add the new column"],
    };
    const refusal = refusalAnswer("1 problem", [unsafe], "services/shop");
    expectValid(refusal);
    expect(allText(refusal)).toContain("`phasegate split --project services/shop` shows the diff");
    const order = refusalAnswer("1 problem", [{ ...unsafe, code: "contract-before-expand" as const }], "x");
    expect(allText(order)).not.toContain("phasegate split");
  });
});
