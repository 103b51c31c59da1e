import { z } from "zod";
import type { ApprovalStep } from "../../domain/plan/plan.js";
import { approvalsOf, closingDecision, gateStep } from "../../domain/run/approvals.js";
import { type GateDecision, isTerminal, type Run } from "../../domain/run/run.js";
import { approvalProgressText, approverList } from "./approval-progress.js";
import {
  type Block,
  context,
  escapeText,
  fitBlocks,
  fitLines,
  SLACK_LIMITS,
  type SlackMessage,
  section,
  sections,
  slackDate,
  textSize,
  truncate,
  userMention,
} from "./kit.js";
import { liveFactsBlocks } from "./live-facts-blocks.js";

export const APPROVE_ACTION = "phasegate.approve";
export const REJECT_ACTION = "phasegate.reject";

/** What an Approve / Reject button carries back to us: the run, its gate and the gate's token. */
export const gateButtonSchema = z.strictObject({
  runId: z.string().min(1).max(100),
  gate: z.string().min(1).max(100),
  token: z.string().min(1).max(100),
});

export type GateButton = z.infer<typeof gateButtonSchema>;

/** Slack's limit on a confirm dialog's text. */
const CONFIRM_CHARS = 300;

/** Where the whole list of a run's gate stays available when the message cannot hold it. */
export function fullListCommand(run: Run): string {
  return `\`/migrate plan ${run.id}\``;
}

/** Characters kept free of the total for what Slack may count that we do not (it does not document its count). */
const MARGIN = 500;

/**
 * The summary leaves room for the blocks of the message around it (the buttons must never be cut): beyond Slack's
 * limits, the operations that do not fit are counted and the command that lists them all is named.
 */
function summaryBlocks(run: Run, step: ApprovalStep, around: Block[]): Block[] {
  const intro = `*${run.service} ${run.version}* (${run.id}), step ${step.index + 1}: *${escapeText(step.title)}*. Approving runs exactly this:`;
  const all =
    step.summary.length > 0
      ? step.summary.map((line) => `• ${escapeText(line)}`)
      : ["• (nothing destructive listed)"];
  const budget = SLACK_LIMITS.blocksText - MARGIN - textSize(around) - intro.length;
  const lines = fitLines(all, budget, (left) => `…and ${left} more operations: ${fullListCommand(run)}`);
  return fitBlocks(
    [section(intro), ...sections(lines)],
    fullListCommand(run),
    SLACK_LIMITS.blocks - around.length,
  );
}

function confirmText(step: ApprovalStep): string {
  const first = step.summary.slice(0, 3).join("; ");
  const more = step.summary.length > 3 ? ` and ${step.summary.length - 3} more` : "";
  return truncate(`This cannot be undone: ${first}${more}.`, CONFIRM_CHARS);
}

/** Approve (confirmed in a dialog) and Reject. */
export function gateActions(run: Run, step: ApprovalStep): Block {
  const token = run.gateTokens[step.gate] ?? "";
  const value = JSON.stringify({ runId: run.id, gate: step.gate, token } satisfies GateButton);
  return {
    type: "actions",
    block_id: "gate",
    elements: [
      {
        type: "button",
        action_id: APPROVE_ACTION,
        style: "primary",
        text: { type: "plain_text", text: "Approve" },
        value,
        confirm: {
          title: { type: "plain_text", text: `Approve ${truncate(run.id, 80)}?` },
          text: { type: "plain_text", text: confirmText(step) },
          confirm: { type: "plain_text", text: "Approve" },
          deny: { type: "plain_text", text: "Cancel" },
          style: "danger",
        },
      },
      {
        type: "button",
        action_id: REJECT_ACTION,
        style: "danger",
        text: { type: "plain_text", text: "Reject" },
        value,
      },
    ],
  };
}

/** The gate: what the destructive phase drops or locks, Approve (confirmed in a dialog) and Reject, approvers mentioned. */
export function approvalMessage(run: Run, step: ApprovalStep, approverMentions: string): SlackMessage {
  const fourEyes = run.fourEyes
    ? ` ${userMention(run.requester)} started the run and cannot approve it (four-eyes).`
    : "";
  const head = section(`:raised_hand: *Approval needed* ${approverMentions}`);
  const progress = approvalProgressText(run, step);
  const tail = [
    ...liveFactsBlocks(run.liveFacts?.[step.gate]),
    context(`${progress ? `${progress}. ` : ""}Only listed approvers can decide.${fourEyes}`),
    gateActions(run, step),
  ];
  const blocks: Block[] = [head, ...summaryBlocks(run, step, [head, ...tail]), ...tail];
  return {
    text: `Approval needed ${approverMentions}: ${run.service} ${run.version} (${run.id}), ${step.summary.length} destructive change(s)`,
    blocks,
  };
}

/** The gate after a decision: the same summary, the buttons replaced by who decided and when. */
export function decidedMessage(run: Run, step: ApprovalStep, decision: GateDecision): SlackMessage {
  const approved = decision.decision === "approved";
  const verb = approved ? ":white_check_mark: Approved" : ":no_entry: Rejected";
  const who = approved ? approverList(approvalsOf(run, step)) : userMention(decision.by);
  const reason = decision.reason ? `: ${escapeText(decision.reason)}` : "";
  const line = section(`${verb} by ${who} ${slackDate(decision.at)}${reason}`);
  return {
    text: `${run.id}: gate "${step.gate}" ${decision.decision} by ${userMention(decision.by)}`,
    blocks: [...summaryBlocks(run, step, [line]), line],
  };
}

/**
 * What a gate message should show once the gate is settled: who decided, or that the run ended without a decision
 * (cancelled, timed out). Null while the gate is still open.
 */
export function settledGateMessage(run: Run, gate: string): SlackMessage | null {
  const step = gateStep(run, gate);
  if (!step) return null;
  const decision = closingDecision(run, step);
  if (decision) return decidedMessage(run, step, decision);
  if (!isTerminal(run.status)) return null;
  const why = run.outcome ? `: ${escapeText(truncate(run.outcome, 500))}` : "";
  const line = section(`:no_entry_sign: Closed without a decision: ${run.id} ${run.status}${why}`);
  return {
    text: `${run.id}: gate "${gate}" closed without a decision (${run.status})`,
    blocks: [...summaryBlocks(run, step, [line]), line],
  };
}
