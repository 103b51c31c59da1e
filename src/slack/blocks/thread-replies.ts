import type { PlanStep } from "../../domain/plan/plan.js";
import { isRollbackEvent } from "../../domain/run/rollback-reducer.js";
import { type CommandOutcome, isTerminal, type Run, type RunEvent } from "../../domain/run/run.js";
import type { RunChange } from "../../ports/notifier.js";
import {
  durationBetween,
  escapeText,
  logTail,
  type SlackMessage,
  sections,
  truncate,
  userMention,
} from "./kit.js";
import { escapeNaming, peopleOf } from "./mentions.js";
import { rollbackHint, rollbackReply } from "./rollback-messages.js";

/** Room for the log tail in a reply section, leaving space for the line above it. */
const LOG_CHARS = 2500;

function reply(text: string): SlackMessage {
  return { text: truncate(text, 3000), blocks: sections([text]) };
}

function stepName(run: Run, index: number): string {
  const step = run.plan.steps[index];
  return `Step ${index + 1}/${run.plan.steps.length}${step ? ` (${escapeText(step.title)})` : ""}`;
}

function commandLines(step: PlanStep | undefined): string[] {
  if (step?.kind !== "migrate") return [];
  return step.targets.map((t) => `\`manage.py migrate ${t.app} ${t.migration}\``);
}

/** The output of the last command a failed step ran, stderr first, cut to fit a message. */
function failureLog(commands: CommandOutcome[]): string | null {
  const last = commands.at(-1);
  if (!last) return null;
  const output = [last.stdoutTail.trimEnd(), last.stderrTail.trimEnd()].filter(Boolean).join("\n");
  return output ? logTail(output, LOG_CHARS) : null;
}

function eventReply(change: RunChange, event: RunEvent): SlackMessage | null {
  const { before, after } = change;
  if (isRollbackEvent(event)) return rollbackReply(after, event);
  switch (event.type) {
    case "step-started":
      return reply(
        [
          `:arrow_forward: ${stepName(after, event.step)} started`,
          ...commandLines(after.plan.steps[event.step]),
        ].join("\n"),
      );
    case "step-succeeded": {
      const state = (before ?? after).steps[event.step];
      const took = durationBetween(state?.startedAt ?? null, after.updatedAt);
      const message = event.message ? `: ${escapeText(truncate(event.message, 500))}` : "";
      return reply(
        `:white_check_mark: ${stepName(after, event.step)} finished${took ? ` in ${took}` : ""}${message}`,
      );
    }
    case "step-failed":
    case "timed-out": {
      const state = (before ?? after).steps[event.step];
      const took = durationBetween(state?.startedAt ?? null, after.updatedAt);
      const cancelled = after.status === "cancelled";
      const verb = event.type === "timed-out" ? "timed out" : cancelled ? "stopped" : "failed";
      const head = `${cancelled ? ":no_entry_sign:" : ":x:"} ${stepName(after, event.step)} ${verb}${took ? ` after ${took}` : ""}: ${escapeNaming(truncate(event.message, 500), peopleOf(after))}`;
      const log = failureLog(event.type === "step-failed" ? (event.commands ?? []) : []);
      return { text: truncate(head, 3000), blocks: sections(log ? [head, log] : [head]) };
    }
    case "rollout-progress":
      return reply(`:hourglass_flowing_sand: Rollout: ${escapeText(truncate(event.message, 500))}`);
    case "step-progress":
      if (event.announce === false) return null;
      return reply(
        `:hourglass_flowing_sand: ${stepName(after, event.step)}: ${escapeText(truncate(event.message, 500))}`,
      );
    case "step-held":
      // Said once per reason: the worker records a hold only when its message changes.
      return reply(
        `:double_vertical_bar: ${stepName(after, event.step)}: ${escapeText(truncate(event.message, 500))}`,
      );
    case "step-taken-over":
      return reply(`:repeat: ${stepName(after, event.step)}: ${escapeText(truncate(event.message, 500))}`);
    case "approval-granted":
      return reply(`:white_check_mark: ${userMention(event.by)} approved gate "${escapeText(event.gate)}"`);
    case "approval-rejected":
      return reply(
        `:no_entry: ${userMention(event.by)} rejected gate "${escapeText(event.gate)}"${event.reason ? `: ${escapeText(event.reason)}` : ""}`,
      );
    case "cancelled":
      return reply(
        `:no_entry_sign: ${userMention(event.by)} cancelled the run${event.reason ? `: ${escapeText(event.reason)}` : ""}`,
      );
    case "analysis-overridden":
      return reply(
        `:warning: ${userMention(event.by)} overrode the analysis (${stepName(after, event.step)}): ${escapeText(truncate(event.reason, 500))}`,
      );
    case "retried":
      return reply(
        `:repeat: ${userMention(event.by)} retried the run from ${stepName(after, after.currentStep)}`,
      );
    case "notification-attached":
    case "gate-message-attached":
    // The freeze is announced once in the service's channel; its card shows it.
    case "freeze-noted":
    // Shown in the gate's approval message.
    case "live-facts-noted":
      return null;
  }
}

/** The end of a run, told to its requester. */
function endReply(change: RunChange): SlackMessage | null {
  const { before, after } = change;
  if (!isTerminal(after.status) || (before && isTerminal(before.status))) return null;
  const who = userMention(after.requester);
  const took = durationBetween(after.createdAt, after.updatedAt);
  if (after.status === "succeeded")
    return reply(
      `:tada: ${who} ${after.service} ${after.version} is fully migrated${took ? ` (took ${took})` : ""}.`,
    );
  const people = [...peopleOf(after), change.actor.id];
  const why = after.outcome ? `: ${escapeNaming(truncate(after.outcome, 1000), people)}` : "";
  const next = after.status === "failed" ? `\nFix the cause, then \`/migrate retry ${after.id}\`.` : "";
  return reply(`:warning: ${who} ${after.id} ${after.status}${why}${next}${rollbackHint(after)}`);
}

/**
 * The thread replies one change produces: what happened to the step, then (when the run just ended) a word to the
 * requester. Rollout progress is here too; the notifier decides how often it is posted.
 */
export function threadReplies(change: RunChange): SlackMessage[] {
  const replies: Array<SlackMessage | null> = [
    change.event ? eventReply(change, change.event) : null,
    endReply(change),
  ];
  return replies.filter((r): r is SlackMessage => r !== null);
}
