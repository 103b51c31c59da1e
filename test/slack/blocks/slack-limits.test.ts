import { describe, expect, it } from "vitest";
import type { ClassifiedOperation } from "../../../src/domain/classify/classification.js";
import type { ApprovalStep, Plan } from "../../../src/domain/plan/plan.js";
import type { Run } from "../../../src/domain/run/run.js";
import type { AuditEntry } from "../../../src/ports/run-store.js";
import { approvalMessage, decidedMessage, settledGateMessage } from "../../../src/slack/blocks/approval.js";
import { fallbackApprovalMessage, gateFallbackNote } from "../../../src/slack/blocks/approval-fallback.js";
import { headOf, tailOf } from "../../../src/slack/blocks/graphemes.js";
import { logTail, type SlackMessage, truncate } from "../../../src/slack/blocks/kit.js";
import { MAX_ANSWERS } from "../../../src/slack/blocks/pages.js";
import { planPreview } from "../../../src/slack/blocks/plan-preview.js";
import { auditAnswer } from "../../../src/slack/blocks/run-answers.js";
import { runPlanAnswer } from "../../../src/slack/blocks/run-plan.js";
import { statusCard } from "../../../src/slack/blocks/status-card.js";
import { blockProblems, blocksTextSize, LIMITS } from "../../../src/slack-emulator/index.js";
import { shopPlan, shopRun } from "../../../testkit/plans.js";

const FAMILY = "👩‍👩‍👧‍👦"; // one grapheme, eleven UTF-16 code units
const FLAG = "🇫🇷"; // one grapheme, two code points
const THUMB = "👍🏽"; // emoji with a skin tone

/** A string cut anywhere but at a grapheme boundary leaves a lone surrogate or half a cluster behind. */
function wholeGraphemes(text: string, alphabet: string[]): boolean {
  const stripped = alphabet.reduce((rest, g) => rest.replaceAll(g, ""), text.replace(/[a-z …]/g, ""));
  return stripped === "";
}

function expectValid(message: SlackMessage): void {
  expect(blockProblems(message)).toEqual([]);
  expect(blocksTextSize(message.blocks)).toBeLessThanOrEqual(LIMITS.blocksText);
}

const text = (message: SlackMessage) => JSON.stringify(message.blocks);

/** A run at its gate whose contract phase drops `count` columns, each described like the planner does. */
function gateRun(
  count: number,
  line = (i: number) =>
    `catalog.0003_drop_${i}: drop column catalog_product.column_${i} (ACCESS EXCLUSIVE lock on catalog_product.) — SQL: ALTER TABLE "catalog_product" DROP COLUMN "column_${i}" CASCADE;`,
): { run: Run; step: ApprovalStep } {
  const base = shopPlan();
  const step = {
    ...(base.steps[3] as ApprovalStep),
    summary: Array.from({ length: count }, (_, i) => line(i)),
  };
  const operations = Array.from({ length: count }, (_, i) => ({
    app: "catalog",
    migration: "0003_drop",
    path: String(i),
    type: "RemoveField",
    description: `Remove field column_${i} from product`,
    verdict: "contract",
    reason: "drops a column",
    recipe: null,
    notes: [],
    lockWarnings: [],
    locks: [],
    overridden: false,
    sql: [],
  })) as ClassifiedOperation[];
  const plan: Plan = { ...base, steps: base.steps.map((s) => (s.index === 3 ? step : s)), operations };
  return { run: shopRun({ plan }), step };
}

describe("text is cut at grapheme boundaries", () => {
  const alphabet = [FAMILY, FLAG, THUMB];
  const mixed = `ab${FAMILY}${FLAG}c${THUMB}`.repeat(50);

  it.each([5, 6, 12, 13, 14, 100, 333])("head and tail of %i code units keep whole emoji", (max) => {
    for (const cut of [headOf(mixed, max), tailOf(mixed, max), truncate(mixed, max)]) {
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(wholeGraphemes(cut, alphabet)).toBe(true);
    }
    expect(mixed.startsWith(headOf(mixed, max))).toBe(true);
    expect(mixed.endsWith(tailOf(mixed, max))).toBe(true);
  });

  it("cuts a log made of emoji from the front without breaking one", () => {
    const tail = logTail(FAMILY.repeat(1000), 500);
    expect(tail.length).toBeLessThanOrEqual(500);
    expect(wholeGraphemes(tail.replaceAll("```", "").replaceAll("\n", ""), alphabet)).toBe(true);
  });
});

describe("the approval message within Slack's total text size", () => {
  it("lists what fits and counts the rest with the command that lists them all", () => {
    const { run, step } = gateRun(140);
    const message = approvalMessage(run, step, "<@U0CAROL> <!subteam^S0DBA>");
    expectValid(message);
    expect(message.blocks.at(-1)?.type).toBe("actions");
    const shown = (text(message).match(/• catalog\.0003_drop_\d+/g) ?? []).length;
    const more = text(message).match(/…and (\d+) more operations: `\/migrate plan shop-1`/);
    expect(more).not.toBeNull();
    expect(shown + Number(more?.[1])).toBe(140);
    expect(shown).toBeGreaterThan(40);
  });

  it("keeps every line when they fit, and no note", () => {
    const { run, step } = gateRun(10);
    const message = approvalMessage(run, step, "<@U0CAROL>");
    expectValid(message);
    expect(text(message)).not.toContain("more operations");
    expect((text(message).match(/• catalog/g) ?? []).length).toBe(10);
  });

  it("stays valid for lines of emoji, and for the decided and closed versions of the gate", () => {
    const { run, step } = gateRun(400, (i) => `${i} ${FAMILY.repeat(40)}`);
    expectValid(approvalMessage(run, step, "<@U0CAROL>"));
    const decided = decidedMessage(run, step, {
      gate: "contract",
      stepIndex: 3,
      decision: "rejected",
      by: "U0BOB",
      at: "2026-01-01T00:00:10.000Z",
      reason: "x".repeat(5000),
      group: null,
      attempt: 1,
    });
    expectValid(decided);
    const closed = settledGateMessage({ ...run, status: "cancelled", outcome: "y".repeat(5000) }, "contract");
    if (!closed) throw new Error("no closed message");
    expectValid(closed);
  });

  it("has a short fallback with the same buttons, and a note on what Slack refused", () => {
    const { run, step } = gateRun(500);
    const fallback = fallbackApprovalMessage(run, step, "<@U0CAROL>");
    expectValid(fallback);
    expect(text(fallback)).toContain(
      "Approving runs 500 destructive operations; the list: `/migrate plan shop-1`",
    );
    expect(fallback.blocks.at(-1)).toEqual(approvalMessage(run, step, "<@U0CAROL>").blocks.at(-1));
    const note = gateFallbackNote(run, "msg_blocks_too_long");
    expectValid(note);
    expect(note.text).toContain("Slack refused the approval message of shop-1 (`msg_blocks_too_long`)");
  });
});

describe("every list a run shows stays within Slack's limits", () => {
  it("the card counts the gate's operations and names the command that lists them", () => {
    const { run } = gateRun(140);
    const card = statusCard(run);
    expectValid(card);
    expect(text(card)).toContain("140 destructive operations: `/migrate plan shop-1`");
  });

  it("/migrate plan <run> gives every line over several answers", () => {
    const { run } = gateRun(140);
    const pages = runPlanAnswer(run);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.length).toBeLessThanOrEqual(MAX_ANSWERS);
    for (const page of pages) expectValid(page);
    const all = pages.map(text).join("");
    for (let i = 0; i < 140; i++) {
      expect(all).toContain(`DROP COLUMN \\"column_${i}\\"`);
      expect(all).toContain(`Remove field column_${i} from product`);
    }
    expect(pages[0]?.text).toBe(`Plan of shop-1 (shop v42): 5 steps, 140 operations (1 of ${pages.length})`);
  });

  it("/migrate plan <run> counts what five answers cannot hold and says where to read it", () => {
    const { run } = gateRun(2000);
    const pages = runPlanAnswer(run);
    expect(pages).toHaveLength(MAX_ANSWERS);
    for (const page of pages) expectValid(page);
    expect(text(pages[4] as SlackMessage)).toMatch(
      /…and \d+ more lines: `phasegate run status shop-1 --json` prints the whole plan/,
    );
  });

  it("the plan preview and the audit trail", () => {
    const { run } = gateRun(300);
    expectValid(planPreview("shop", "v42", run.plan));
    const entries: AuditEntry[] = Array.from({ length: 2000 }, (_, i) => ({
      id: `${i}-0`,
      at: "2026-01-01T00:00:00.000Z",
      actor: { kind: "user", id: "U0BOB" },
      action: "approve",
      from: null,
      to: null,
      outcome: "refused",
      detail: `${i} ${"z".repeat(200)}`,
    }));
    expectValid(auditAnswer("shop-1", entries));
  });
});
