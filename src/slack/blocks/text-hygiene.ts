import { headOf, tailOf } from "./graphemes.js";

/**
 * Text that came from elsewhere (users, Django, the use cases) made safe to show in Slack: nothing in it can
 * notify people, reorder what the reader sees, or pass for a reason when it shows nothing.
 */

/**
 * Bidi controls (embeddings, overrides, isolates, marks): they reorder how the text around them reads, so a run id,
 * a version or a command could be made to look like another. Never needed in what phasegate echoes.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** A channel reference as the use cases write it (`<#C0SHOP>`): harmless, and Slack shows it as the channel. */
const ESCAPED_CHANNEL = /&lt;#(C[A-Z0-9]{2,})&gt;/g;

export function stripBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/**
 * Text from elsewhere inside mrkdwn: bidi controls stripped, `&`, `<` and `>` escaped, so `<!channel>`, `<!here>`,
 * `<@U…>` and `<!subteam^…>` are shown as written and notify nobody; `<#C…>` channel references stay links.
 */
export function escapeText(text: string): string {
  return stripBidi(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(ESCAPED_CHANNEL, "<#$1>");
}

/** How much of an error (Django's output, a helper's stderr) an answer shows; the rest is in the log. */
export const EXCERPT_LINES = 6;
export const EXCERPT_CHARS = 800;

/**
 * An error for an answer, escaped: at most EXCERPT_LINES lines and EXCERPT_CHARS characters, its start and its end
 * (where the advice is) kept, and the cut said.
 */
export function errorExcerpt(text: string): string {
  const lines = text.split("\n");
  let kept =
    lines.length <= EXCERPT_LINES
      ? text
      : [...lines.slice(0, EXCERPT_LINES - 2), "…", ...lines.slice(-2)].join("\n");
  if (kept.length > EXCERPT_CHARS) {
    const half = Math.floor((EXCERPT_CHARS - 40) / 2);
    kept = `${headOf(kept, half)} … (${kept.length - 2 * half} characters cut) … ${tailOf(kept, half)}`;
  }
  return escapeText(kept);
}
