import { ALL_SERVICES, type Freeze, type RunningContract } from "../../domain/run/contract-hold.js";
import type { FreezeAuditEntry } from "../../ports/freeze-store.js";
import type { FreezeChange } from "../../ports/notifier.js";
import { escapeText, fitBlocks, type SlackMessage, sections, slackDate, userMention } from "./kit.js";
import { escapeNaming } from "./mentions.js";

function what(scope: string): string {
  return scope === ALL_SERVICES ? "every service" : `*${escapeText(scope)}*`;
}

/** ":snowflake: *shop* frozen by @ann (date): incident 123 — `/migrate unfreeze shop`" */
export function freezeLine(freeze: Freeze): string {
  return `:snowflake: ${what(freeze.scope)} frozen by ${userMention(freeze.by)} ${slackDate(freeze.at)}: ${escapeText(freeze.reason)} — \`/migrate unfreeze ${escapeText(freeze.scope)}\``;
}

/**
 * What a freeze stops and what it does not, for these services: the contract steps already running are named
 * (they finish), or there is none.
 */
export function freezeEffect(scope: string, services: string[], running: RunningContract[]): string {
  const names = services.map((s) => `*${escapeText(s)}*`).join(", ");
  const stops = `No run and no contract step of ${names} starts until an admin runs \`/migrate unfreeze ${escapeText(scope)}\``;
  const here = running.filter((r) => services.includes(r.service));
  if (here.length === 0) return `${stops}; no contract step of ${names} was running.`;
  const steps = here.map((r) => `${r.runId} step ${r.step + 1} (${escapeText(r.title)})`).join(", ");
  return `${stops}. :warning: Already running, not stopped by the freeze, and will finish: ${steps}.`;
}

/** Posted in the channel of each service a freeze holds, when it is set or lifted. */
export function freezeAnnouncement(change: FreezeChange, services: string[]): SlackMessage {
  const { freeze } = change;
  const names = services.map((s) => `*${escapeText(s)}*`).join(", ");
  const text =
    change.kind === "frozen"
      ? `:snowflake: ${userMention(freeze.by)} froze ${what(freeze.scope)}: ${escapeText(freeze.reason)}\n${freezeEffect(freeze.scope, services, change.running)}`
      : `:sunny: ${userMention(change.by)} unfroze ${what(freeze.scope)} (frozen by ${userMention(freeze.by)} ${slackDate(freeze.at)}: ${escapeText(freeze.reason)}).\nRuns of ${names} may start again; the contract steps the freeze held start now (within their change windows).`;
  return { text: text.replace(/\n.*/s, ""), blocks: sections([text]) };
}

function auditLine(entry: FreezeAuditEntry): string {
  const refused = entry.outcome === "refused" ? " *refused*" : "";
  return `${slackDate(entry.at)} ${userMention(entry.by)} \`${entry.action} ${escapeText(entry.scope)}\`${refused}: ${escapeNaming(entry.detail, [entry.by])}`;
}

/** `/migrate freezes`: the active freezes, then the latest freezes and unfreezes, done or refused. */
export function freezesAnswer(freezes: Freeze[], audit: FreezeAuditEntry[]): SlackMessage {
  const title = `Active freezes (${freezes.length})`;
  const lines = [
    `*${title}*`,
    ...(freezes.length > 0 ? freezes.map(freezeLine) : ["Nothing is frozen."]),
    "*Latest freeze changes*",
    ...(audit.length > 0 ? audit.map(auditLine) : ["None yet."]),
  ];
  return { text: title, blocks: fitBlocks(sections(lines), "`/migrate freezes`") };
}
