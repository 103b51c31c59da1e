import type { Freeze } from "../../domain/run/contract-hold.js";
import type { Run } from "../../domain/run/run.js";
import type { AuditEntry } from "../../ports/run-store.js";
import { freezeLine } from "./freeze-messages.js";
import {
  escapeText,
  fitBlocks,
  type SlackMessage,
  sections,
  slackDate,
  truncate,
  userMention,
} from "./kit.js";
import { escapeNaming, peopleOf } from "./mentions.js";
import { statusLine } from "./status-card.js";

function answer(text: string, lines: string[], seeAlso: string): SlackMessage {
  return { text, blocks: fitBlocks(sections([`*${text}*`, ...lines]), seeAlso) };
}

/** Why a run's next step waits to start (a freeze, its change window), if it does. */
function held(run: Run): string {
  const state = run.steps[run.currentStep];
  return state?.status === "pending" && state.message
    ? ` — :double_vertical_bar: ${escapeNaming(truncate(state.message, 300), peopleOf(run))}`
    : "";
}

/** `/migrate list` and `/migrate status` without a run: the freezes that hold them, then one line per run, newest first. */
export function runList(title: string, runs: Run[], freezes: Freeze[] = []): SlackMessage {
  const lines = runs.map(
    (r) =>
      `\`${r.id}\` ${escapeText(r.service)} ${escapeText(r.version)} — ${statusLine(r)}${held(r)} — ${userMention(r.requester)} ${slackDate(r.createdAt)}`,
  );
  return answer(
    title,
    [...freezes.map(freezeLine), ...(lines.length > 0 ? lines : ["No runs."])],
    "`/migrate list <service>`",
  );
}

function auditLine(entry: AuditEntry, people: string[]): string {
  const who = entry.actor.kind === "user" ? userMention(entry.actor.id) : "phasegate";
  const move = entry.to ? ` ${entry.from ?? "new"} → ${entry.to}` : "";
  const refused = entry.outcome === "refused" ? " *refused*" : "";
  const detail = entry.detail ? `: ${escapeNaming(entry.detail, people)}` : "";
  return `${slackDate(entry.at)} ${who} \`${entry.action}\`${refused}${move}${detail}`;
}

/** `/migrate audit <run>`: every change and refused action, oldest first. */
export function auditAnswer(runId: string, entries: AuditEntry[]): SlackMessage {
  const people = entries.flatMap((e) => (e.actor.kind === "user" ? [e.actor.id] : []));
  return answer(
    `Audit trail of ${runId} (${entries.length} entries)`,
    entries.map((entry) => auditLine(entry, people)),
    "`phasegate audit`",
  );
}
