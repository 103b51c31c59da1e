import { renderMessageBody } from "./blocks.js";
import { escapeHtml } from "./html.js";
import type { RenderContext } from "./render-context.js";
import { byTs, type ViewMessage } from "./view-message.js";

function clock(postedAt: number): string {
  return postedAt > 0 ? new Date(postedAt).toLocaleTimeString("en-GB") : "";
}

function messageHtml(message: ViewMessage, context: RenderContext, replies: ViewMessage[] | null): string {
  const flags = [
    message.edited ? '<span class="edited">(edited)</span>' : "",
    message.broadcast && message.thread_ts ? '<span class="broadcast">replied to a thread</span>' : "",
  ].join("");
  const ephemeral = message.ephemeral ? '<div class="only-you">👁 Only visible to you</div>' : "";
  const thread =
    replies && replies.length > 0
      ? `<button type="button" class="replies" data-thread="${escapeHtml(message.ts)}">${replies.length} ${replies.length === 1 ? "reply" : "replies"}</button><span class="last-reply">Last reply ${escapeHtml(clock(replies.at(-1)?.postedAt ?? 0))}</span>`
      : "";
  return `<article class="message${message.ephemeral ? " ephemeral" : ""}" data-ts="${escapeHtml(message.ts)}">
<div class="avatar">${message.ephemeral ? "🤖" : "⛓️"}</div>
<div class="content">${ephemeral}<div class="meta"><b>phasegate</b><span class="app-badge">APP</span><time>${escapeHtml(clock(message.postedAt))}</time>${flags}</div>
<div class="body">${renderMessageBody(message, context)}</div>${thread}</div></article>`;
}

/** The messages of one thread (the parent excluded), oldest first. */
export function repliesOf(messages: ViewMessage[], threadTs: string): ViewMessage[] {
  return messages.filter((m) => m.thread_ts === threadTs && m.ts !== threadTs).sort(byTs);
}

/** The channel as Slack shows it: top-level messages (and broadcast replies), each with its reply count. */
export function channelHtml(messages: ViewMessage[], channel: string, context: RenderContext): string {
  const mine = messages.filter((m) => m.channel === channel);
  const shown = mine.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.broadcast).sort(byTs);
  if (shown.length === 0)
    return '<p class="empty">No messages yet. Type <code>/migrate help</code> below to begin.</p>';
  return shown
    .map((m) => messageHtml(m, context, m.thread_ts && m.thread_ts !== m.ts ? null : repliesOf(mine, m.ts)))
    .join("");
}

/** The thread pane: the parent message, then its replies. */
export function threadHtml(
  messages: ViewMessage[],
  channel: string,
  threadTs: string,
  context: RenderContext,
): string {
  const mine = messages.filter((m) => m.channel === channel);
  const parent = mine.find((m) => m.ts === threadTs);
  const replies = repliesOf(mine, threadTs);
  return [
    parent ? messageHtml(parent, context, null) : "",
    `<div class="thread-count">${replies.length} ${replies.length === 1 ? "reply" : "replies"}</div>`,
    ...replies.map((m) => messageHtml(m, context, null)),
  ].join("");
}
