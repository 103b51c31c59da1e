import type { types } from "@slack/bolt";
import { pipelineOf } from "../../domain/run/pipeline-requester.js";
import { headOf, tailOf } from "./graphemes.js";

export type Block = types.KnownBlock;

/** A message as chat.postMessage / chat.update / respond take it: fallback text (notifications) and blocks. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/**
 * Slack's limits (https://api.slack.com/reference/block-kit/blocks) the builders stay within; besides each block's
 * own, Slack refuses a message whose blocks hold more than about 12,000 characters of text in all
 * (`msg_blocks_too_long`).
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  contextText: 2000,
  blocksText: 12_000,
} as const;

import { escapeText, stripBidi } from "./text-hygiene.js";

export { escapeText };

/** At most `max` characters, ending in "…" when cut (at a grapheme boundary). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${headOf(text, max - 1)}…`;
}

/** The end of a log in a code block, cut from the front so the last lines (where errors are) stay. */
export function logTail(log: string, max: number): string {
  const fence = "```";
  const room = max - 2 * fence.length - 2;
  const body = escapeText(log.trimEnd()).replaceAll(fence, "'''");
  const cut = body.length <= room ? body : `…${tailOf(body, room - 1)}`;
  return `${fence}\n${cut}${fence}`;
}

export function section(text: string): Block {
  return {
    type: "section",
    text: { type: "mrkdwn", text: truncate(stripBidi(text), SLACK_LIMITS.sectionText) },
  };
}

export function header(text: string): Block {
  return {
    type: "header",
    text: { type: "plain_text", text: truncate(stripBidi(text), SLACK_LIMITS.headerText), emoji: true },
  };
}

export function context(text: string): Block {
  return {
    type: "context",
    elements: [{ type: "mrkdwn", text: truncate(stripBidi(text), SLACK_LIMITS.contextText) }],
  };
}

/** Lines packed into as few sections as fit Slack's 3,000 characters each. */
export function sections(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let current = "";
  for (const line of lines) {
    const piece = truncate(line, SLACK_LIMITS.sectionText);
    if (current && current.length + 1 + piece.length > SLACK_LIMITS.sectionText) {
      blocks.push(section(current));
      current = piece;
    } else current = current ? `${current}\n${piece}` : piece;
  }
  if (current) blocks.push(section(current));
  return blocks;
}

/** Characters of text the blocks carry (every `text` string, buttons and dialogs included), as Slack counts them. */
export function textSize(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + textSize(item), 0);
  if (typeof value !== "object" || value === null) return 0;
  return Object.entries(value).reduce(
    (sum, [key, item]) => sum + (key === "text" && typeof item === "string" ? item.length : textSize(item)),
    0,
  );
}

/** Room kept for the note that says what was left out. */
const NOTE_ROOM = 300;

/**
 * At most `max` blocks holding at most `maxText` characters of text: the tail beyond is replaced by a note saying
 * how much was left out and where to see it.
 */
export function fitBlocks(
  blocks: Block[],
  seeAlso: string,
  max: number = SLACK_LIMITS.blocks,
  maxText: number = SLACK_LIMITS.blocksText,
): Block[] {
  if (blocks.length <= max && textSize(blocks) <= maxText) return blocks;
  const kept: Block[] = [];
  let used = 0;
  for (const block of blocks) {
    const size = textSize(block);
    if (kept.length === max - 1 || used + size > maxText - NOTE_ROOM) break;
    kept.push(block);
    used += size;
  }
  return [...kept, context(`…${blocks.length - kept.length} more blocks not shown: ${seeAlso}`)];
}

/**
 * As many lines as fit in `budget` characters (a newline between two counts), then `more(n)` for the `n` left out.
 * The note is within the budget too.
 */
export function fitLines(lines: string[], budget: number, more: (left: number) => string): string[] {
  const total = lines.reduce((sum, line) => sum + line.length + 1, 0);
  if (total <= budget) return lines;
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 + more(lines.length - kept.length).length + 1 > budget) break;
    kept.push(line);
    size += line.length + 1;
  }
  return [...kept, more(lines.length - kept.length)];
}

/** "850 ms", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

export function durationBetween(start: string | null, end: string | null): string | null {
  if (!start || !end) return null;
  return formatDuration(Date.parse(end) - Date.parse(start));
}

/** A time every reader sees in their own time zone (the ISO time is the fallback). */
export function slackDate(iso: string): string {
  return `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time_secs}|${iso}>`;
}

export function userMention(user: string): string {
  const pipeline = pipelineOf(user);
  if (pipeline !== null) return `the pipeline ${escapeText(pipeline)}`;
  return /^[UW][A-Z0-9]+$/.test(user) ? `<@${user}>` : escapeText(user);
}
