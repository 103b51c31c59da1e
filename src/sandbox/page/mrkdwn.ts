import { replaceEmoji } from "./emoji.js";
import { decodeSlackEntities, escapeHtml } from "./html.js";
import type { RenderContext } from "./render-context.js";

const SAFE_LINK = /^(https?:|mailto:)/i;

/** `<!date^1700000000^{date_short_pretty} {time_secs}|fallback>`: the time in the reader's own zone. */
function dateOf(body: string): string {
  const [, seconds, , fallback] = /^!date\^(\d+)\^([^|^]*)(?:\^[^|]*)?(?:\|(.*))?$/.exec(body) ?? [];
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return escapeHtml(fallback ?? body);
  const shown = `${date.toLocaleDateString("en-US", { month: "short", day: "numeric" })} ${date.toLocaleTimeString("en-GB")}`;
  return `<time datetime="${escapeHtml(date.toISOString())}">${escapeHtml(shown)}</time>`;
}

/** One `<…>` of Slack's markup: a mention, a channel, a user group, a date or a link. */
function entity(body: string, context: RenderContext): string {
  const [target = "", label] = body.split("|", 2) as [string, string | undefined];
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return `<span class="mention">@${escapeHtml(label ?? context.users[id] ?? id)}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return `<span class="mention">#${escapeHtml(label ?? context.channels[id] ?? id)}</span>`;
  }
  if (target.startsWith("!subteam^")) {
    const id = target.slice("!subteam^".length);
    return `<span class="mention">@${escapeHtml(label ?? context.groups[id] ?? id)}</span>`;
  }
  if (target.startsWith("!date^")) return dateOf(body);
  if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(label ?? target.slice(1))}</span>`;
  const url = decodeSlackEntities(target);
  if (!SAFE_LINK.test(url)) return escapeHtml(decodeSlackEntities(label ?? target));
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(decodeSlackEntities(label ?? url))}</a>`;
}

/** Bold, italic and strike between word boundaries, as Slack reads `*b*`, `_i_` and `~s~`. */
function styles(html: string): string {
  const around = (marker: string) =>
    new RegExp(`(^|[\\s(>])\\${marker}(?=\\S)([^${marker}\\n]*?\\S)\\${marker}(?=$|[\\s.,;:!?)<])`, "g");
  return html
    .replace(around("*"), "$1<b>$2</b>")
    .replace(around("_"), "$1<i>$2</i>")
    .replace(around("~"), "$1<s>$2</s>");
}

/** Plain text between entities: escaped, styled, emoji drawn, line breaks kept. */
function prose(text: string): string {
  return replaceEmoji(styles(escapeHtml(decodeSlackEntities(text)))).replaceAll("\n", "<br>");
}

/** Text outside code: entities and prose. */
function inline(text: string, context: RenderContext): string {
  return text
    .split(/(<[^<>\n]+>)/)
    .map((piece) => (/^<[^<>\n]+>$/.test(piece) ? entity(piece.slice(1, -1), context) : prose(piece)))
    .join("");
}

/** Text outside code blocks: inline code spans are left unformatted. */
function withInlineCode(text: string, context: RenderContext): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((piece) =>
      /^`[^`\n]+`$/.test(piece)
        ? `<code>${escapeHtml(decodeSlackEntities(piece.slice(1, -1)))}</code>`
        : inline(piece, context),
    )
    .join("");
}

/** Slack's mrkdwn as HTML: code blocks, inline code, mentions, dates, links, bold, italic, strike, emoji. */
export function renderMrkdwn(text: string, context: RenderContext): string {
  return text
    .split(/(```[\s\S]*?```)/)
    .map((piece) =>
      piece.startsWith("```") && piece.endsWith("```") && piece.length >= 6
        ? `<pre class="code-block">${escapeHtml(decodeSlackEntities(piece.slice(3, -3).replace(/^\n/, "")))}</pre>`
        : withInlineCode(piece, context),
    )
    .join("");
}

/** A plain_text object: escaped, emoji drawn when it asks for them. */
export function renderPlain(text: string, emoji = true): string {
  const html = escapeHtml(text).replaceAll("\n", "<br>");
  return emoji ? replaceEmoji(html) : html;
}
