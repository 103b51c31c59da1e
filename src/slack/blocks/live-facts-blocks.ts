import type { PhaseFacts, SessionFacts, TableOutlook } from "../../domain/locks/live-facts.js";
import { type Block, context, escapeText, formatDuration, sections, slackDate, truncate } from "./kit.js";

/** How text from the database is written: Slack mrkdwn (escaped) or plain text (the CLI). */
export interface FactsStyle {
  text(value: string): string;
  code(value: string): string;
  bold(value: string): string;
  at(iso: string): string;
}

export const MRKDWN: FactsStyle = {
  text: escapeText,
  // A backtick inside would end the code span early.
  code: (value) => `\`${escapeText(value.replaceAll("`", "'"))}\``,
  bold: (value) => `*${value}*`,
  at: slackDate,
};

export const PLAIN: FactsStyle = {
  text: (value) => value,
  code: (value) => value,
  bold: (value) => value,
  at: (iso) => iso,
};

/** Shown of each session's query (PostgreSQL is asked for no more). */
const QUERY_CHARS = 80;
/** Sessions listed per kind; the helper reads at most maxSessions + 1 per table. */
const SESSIONS_SHOWN = 5;

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function tableLine(t: TableOutlook, facts: PhaseFacts & { ok: true }, style: FactsStyle): string {
  if (!t.exists) return `• ${style.code(t.table)}: not in the database yet`;
  const rows =
    t.rows === null ? "rows not estimated yet (never analysed)" : `~${t.rows.toLocaleString("en-US")} rows`;
  const size =
    t.bytes === null
      ? "size unknown"
      : `${formatBytes(t.bytes)}${t.sizeOf === "database" ? " (the whole database file)" : ""}`;
  const work =
    t.work === null ? "neither rewritten nor scanned" : t.work === "rewrite" ? "rewritten" : "scanned";
  const rate = facts.rate;
  const estimate =
    t.estimateSeconds !== null && rate
      ? `, ~${formatDuration(t.estimateSeconds * 1000)} at ${formatBytes(rate.bytesPerSecond)}/s (${rate.source === "measured" ? `rate measured on this database${rate.measuredAt ? ` ${style.at(rate.measuredAt)}` : ""}` : "configured rate, liveFacts.rewriteMbPerSecond"})`
      : "";
  return `• ${style.code(t.table)}: ${rows}, ${size}; ${t.mode}, ${work}${estimate}`;
}

function sessionText(s: SessionFacts, style: FactsStyle): string {
  const app = s.application ? style.text(s.application) : "no application name";
  const lock = s.mode && s.table ? `, ${style.text(s.mode)} on ${style.code(s.table)}` : "";
  const query = s.query.trim()
    ? `: ${style.code(truncate(s.query.replace(/\s+/g, " ").trim(), QUERY_CHARS))}`
    : "";
  return `pid ${s.pid} (${app}, user ${style.text(s.user)}, ${style.text(s.state || "state unknown")} for ${s.ageSeconds} s${lock})${query}`;
}

function sessionLines(sessions: SessionFacts[], style: FactsStyle): string[] {
  const shown = sessions.slice(0, SESSIONS_SHOWN).map((s) => `    ${sessionText(s, style)}`);
  const more = sessions.length - shown.length;
  return more > 0 ? [...shown, `    …and ${more} more`] : shown;
}

/** The live facts of a phase as lines: tables, blocking and idle sessions, replicas; or why they are unavailable. */
export function liveFactsLines(facts: PhaseFacts, style: FactsStyle): string[] {
  if (!facts.ok) return [`Live facts unavailable: ${style.text(truncate(facts.unavailable, 300))}`];
  const head = `${style.bold("Live database facts")} (${style.text(facts.vendor)}, read ${style.at(facts.gatheredAt)})`;
  const tables =
    facts.tables.length > 0
      ? facts.tables.map((t) => tableLine(t, facts, style))
      : ["• no existing table is locked"];
  const vendorHasSessions = facts.vendor === "postgresql";
  const blockers = !vendorHasSessions
    ? []
    : facts.blockers.length > 0
      ? [`${style.bold("Would block its lock right now")}:`, ...sessionLines(facts.blockers, style)]
      : ["No session holds a lock its statements would wait for."];
  const idle =
    facts.idle.length > 0
      ? [
          `${style.bold(`Idle in transaction for over ${facts.idleSeconds} s`)}:`,
          ...sessionLines(facts.idle, style),
        ]
      : [];
  const replicas = facts.replicas
    .slice(0, SESSIONS_SHOWN)
    .map(
      (r) =>
        `Replica ${style.text(r.name || "unnamed")}: ${style.text(r.state)}, replay lag ${r.replayLagSeconds === null ? "none reported" : `${r.replayLagSeconds.toFixed(1)} s`}`,
    );
  return [head, ...tables, ...blockers, ...idle, ...replicas];
}

/** The live facts for a Slack message (the gate, the plan preview); nothing when there are none. */
export function liveFactsBlocks(facts: PhaseFacts | undefined): Block[] {
  if (!facts) return [];
  if (!facts.ok) return [context(`:grey_question: ${liveFactsLines(facts, MRKDWN).join("\n")}`)];
  return sections([liveFactsLines(facts, MRKDWN).join("\n")]);
}
