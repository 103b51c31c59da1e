import type { ApprovalStep } from "../../domain/plan/plan.js";
import type { Run } from "../../domain/run/run.js";
import { fullListCommand, gateActions } from "./approval.js";
import { escapeText, type SlackMessage, section, truncate } from "./kit.js";

/**
 * The gate when Slack refused the full approval message: who is asked, how much approving runs and where to read
 * it, and the same buttons, so the gate can still be decided instead of only timing out.
 */
export function fallbackApprovalMessage(
  run: Run,
  step: ApprovalStep,
  approverMentions: string,
): SlackMessage {
  const count = step.summary.length;
  return {
    text: truncate(`Approval needed ${approverMentions}: ${run.service} ${run.version} (${run.id})`, 3000),
    blocks: [
      section(`:raised_hand: *Approval needed* ${approverMentions}`),
      section(
        `*${escapeText(run.service)} ${escapeText(run.version)}* (${run.id}), step ${step.index + 1}: *${escapeText(step.title)}*. Approving runs ${count} destructive operation${count === 1 ? "" : "s"}; the list: ${fullListCommand(run)}`,
      ),
      gateActions(run, step),
    ],
  };
}

/** The thread's word on why the gate above is the short one. */
export function gateFallbackNote(run: Run, error: string): SlackMessage {
  const text = `:warning: Slack refused the approval message of ${run.id} (\`${escapeText(truncate(error, 200))}\`): the short one above has the same buttons; ${fullListCommand(run)} lists what approving runs.`;
  return { text, blocks: [section(text)] };
}
