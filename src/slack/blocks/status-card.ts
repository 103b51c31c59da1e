import type { PlanStep } from "../../domain/plan/plan.js";
import { approvalsOf, closingDecision } from "../../domain/run/approvals.js";
import { isTerminal, type Run, type RunStatus, type StepState } from "../../domain/run/run.js";
import { analysisOverrideHint, analysisStepText } from "./analysis-blocks.js";
import { approvalProgressText, approverList } from "./approval-progress.js";
import { retryBlocks } from "./command-button.js";
import { endedAnalysis } from "./ended-analysis.js";
import { runFollowUpLines } from "./follow-up-messages.js";
import {
  type Block,
  context,
  durationBetween,
  escapeText,
  fitBlocks,
  header,
  type SlackMessage,
  section,
  sections,
  slackDate,
  truncate,
  userMention,
} from "./kit.js";
import { escapeNaming, peopleOf } from "./mentions.js";
import { rollbackBlocks, rollbackStatus } from "./rollback-messages.js";

const RUN_STATUS: Record<RunStatus, string> = {
  running: ":arrows_counterclockwise: Running",
  "waiting-rollout": ":hourglass_flowing_sand: Waiting for the rollout",
  "awaiting-approval": ":raised_hand: Awaiting approval",
  cancelling: ":octagonal_sign: Cancelling",
  succeeded: ":white_check_mark: Succeeded",
  failed: ":x: Failed",
  cancelled: ":no_entry_sign: Cancelled",
  rejected: ":no_entry: Rejected",
};

const MESSAGE_CHARS = 300;

const prefixed = (text: string | null) => (text ? `: ${text}` : "");

function note(run: Run, state: StepState): string {
  return state.message ? `: ${escapeNaming(truncate(state.message, MESSAGE_CHARS), peopleOf(run))}` : "";
}

/** The decision that closed an approval step, if any. */
function decisionOf(run: Run, step: PlanStep) {
  return step.kind === "approval" ? (closingDecision(run, step) ?? undefined) : undefined;
}

function approvedBy(run: Run, step: PlanStep, at: string): string {
  const given = step.kind === "approval" ? approvalsOf(run, step) : [];
  return `:white_check_mark: approved by ${approverList(given)} ${slackDate(at)}`;
}

/** One step's state in words: "done in 2.1 s", "waiting for rollout: 2 of 3 updated replicas are available", … */
export function stepStateText(run: Run, step: PlanStep, state: StepState): string {
  const analysing = analysisStepText(step, state);
  if (analysing) return analysing;
  const analysed = endedAnalysis(step, state);
  if (!analysed) return stateLine(run, step, state);
  return [stateLine(run, step, { ...state, message: analysed.message }), ...analysed.lines].join("\n");
}

function stateLine(run: Run, step: PlanStep, state: StepState): string {
  const took = durationBetween(state.startedAt, state.finishedAt);
  const decision = decisionOf(run, step);
  switch (state.status) {
    case "pending":
      // A pending step with a message is held back (a freeze, outside the change windows).
      return state.message
        ? `:double_vertical_bar: ${escapeNaming(truncate(state.message, MESSAGE_CHARS), peopleOf(run))}`
        : ":white_circle: pending";
    case "running":
      return `:arrows_counterclockwise: running since ${state.startedAt ? slackDate(state.startedAt) : "now"}`;
    case "waiting":
      if (step.kind !== "approval") return `:hourglass_flowing_sand: waiting for rollout${note(run, state)}`;
      return `:raised_hand: awaiting approval${prefixed(approvalProgressText(run, step))}`;
    case "succeeded":
      return decision
        ? approvedBy(run, step, decision.at)
        : `:white_check_mark: done${took ? ` in ${took}` : ""}${note(run, state)}`;
    case "failed":
      return decision
        ? `:no_entry: rejected by ${userMention(decision.by)} ${slackDate(decision.at)}${decision.reason ? `: ${escapeText(decision.reason)}` : ""}`
        : `:x: failed${took ? ` after ${took}` : ""}${note(run, state)}`;
    case "skipped":
      return ":black_right_pointing_double_triangle_with_vertical_bar: skipped";
    case "cancelled":
      return `:no_entry_sign: cancelled${note(run, state)}`;
  }
}

/** A gate's operations are too many for a card: it counts them and names the command that lists them. */
function gateSummary(run: Run, step: PlanStep): string {
  if (step.kind !== "approval") return "";
  const count = step.summary.length;
  return `\n${count} destructive operation${count === 1 ? "" : "s"}: \`/migrate plan ${run.id}\``;
}

function stepBlock(run: Run, step: PlanStep): Block {
  const state = run.steps[step.index];
  const text = state ? stepStateText(run, step, state) : ":white_circle: pending";
  return section(
    `*${step.index + 1}. ${escapeText(step.title)}* _(${step.phase})_\n${text}${gateSummary(run, step)}`,
  );
}

export function statusLine(run: Run): string {
  return RUN_STATUS[run.status];
}

/** While the run is active and its service frozen: who froze it, when and why, and what waits. */
function frozenLine(run: Run): string {
  if (!run.frozen || isTerminal(run.status)) return "";
  const { scope, by, at, reason } = run.frozen;
  const what = scope === run.service ? run.service : "every service";
  return `\n:snowflake: ${escapeText(what)} frozen by ${userMention(by)} ${slackDate(at)}: ${escapeText(truncate(reason, MESSAGE_CHARS))} (the contract phase waits until it is lifted)`;
}

/**
 * The run's card: posted once in the service channel, then updated in place on every change. `buttons`: the card
 * itself (its "Roll back the deploy" button counts only there), not a copy shown by `/migrate status`.
 */
export function statusCard(run: Run, { buttons = false }: { buttons?: boolean } = {}): SlackMessage {
  const took = durationBetween(run.createdAt, run.updatedAt);
  const ended = ["succeeded", "failed", "cancelled", "rejected"].includes(run.status);
  const blocks: Block[] = [
    header(`${run.service} ${run.version} · ${run.id}`),
    section(
      `*${statusLine(run)}*${ended && took ? ` in ${took}` : ""}${rollbackStatus(run)}\nStarted by ${userMention(run.requester)} ${slackDate(run.createdAt)}${frozenLine(run)}`,
    ),
    { type: "divider" },
    ...run.plan.steps.map((step) => stepBlock(run, step)),
  ];
  const followUps = runFollowUpLines(run.followUps);
  if (followUps.length > 0) blocks.push(...sections(["*Follow-ups*", ...followUps]));
  if (run.outcome)
    blocks.push(section(`*Outcome:* ${escapeNaming(truncate(run.outcome, 1000), peopleOf(run))}`));
  const override = analysisOverrideHint(run);
  if (override) blocks.push(context(override));
  blocks.push(...retryBlocks(run, buttons), ...rollbackBlocks(run, buttons));
  blocks.push(
    context(`\`/migrate status ${run.id}\` · \`/migrate audit ${run.id}\` · revision ${run.revision}`),
  );
  return {
    text: `${run.service} ${run.version} (${run.id}): ${statusLine(run).replace(/^:[a-z_]+: /, "")}${rollbackStatus(run).replace(/:[a-z_]+: /, "")}`,
    blocks: fitBlocks(blocks, `\`/migrate status ${run.id}\``),
  };
}
