import type { ApprovalStep } from "../../domain/plan/plan.js";
import type { Run } from "../../domain/run/run.js";
import { approvalProgressText } from "./approval-progress.js";
import { escapeText, formatDuration, type SlackMessage, sections, truncate } from "./kit.js";

function message(text: string): SlackMessage {
  return { text: truncate(text, 3000), blocks: sections([text]) };
}

function waited(run: Run, step: ApprovalStep, now: number): string {
  const openedAt = run.steps[step.index]?.startedAt;
  return openedAt ? formatDuration(now - Date.parse(openedAt)) : "a while";
}

/** In the run's thread: the gate still waits, for whom. */
export function reminderReply(
  run: Run,
  step: ApprovalStep,
  mentions: string,
  count: number,
  now: number,
): SlackMessage {
  const progress = approvalProgressText(run, step);
  return message(
    `:alarm_clock: Reminder${count > 1 ? ` ${count}` : ""}: gate "${escapeText(step.gate)}" of *${run.id}* has waited ${waited(run, step, now)} for a decision${progress ? ` (${progress})` : ""}. ${mentions}`,
  );
}

/** By direct message to one approver who has not decided yet. */
export function reminderDirectMessage(run: Run, step: ApprovalStep, channel: string): SlackMessage {
  return message(
    `:alarm_clock: *${escapeText(run.service)} ${escapeText(run.version)}* (${run.id}) waits for your approval: gate "${escapeText(step.gate)}", ${step.summary.length} destructive operation(s). Decide in <#${channel}> (the run's thread), or with \`/migrate approve ${run.id}\` / \`/migrate reject ${run.id} <reason>\` there.`,
  );
}

/** In the run's thread: nobody decided in time, the escalation group is called in. */
export function escalationReply(run: Run, step: ApprovalStep, group: string, now: number): SlackMessage {
  return message(
    `:rotating_light: Gate "${escapeText(step.gate)}" of *${run.id}* has waited ${waited(run, step, now)} without a decision: <!subteam^${group}>, please decide or find an approver.`,
  );
}
