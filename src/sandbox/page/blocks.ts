import { escapeHtml } from "./html.js";
import { renderMrkdwn, renderPlain } from "./mrkdwn.js";
import type { RenderContext } from "./render-context.js";

type Json = Record<string, unknown>;

/** Where a button sits, so a click can name it: the message, the block's index, the button's action_id. */
export interface ButtonPlace {
  messageTs: string;
  blockIndex: number;
}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

/** What cannot be drawn is shown as its JSON, never dropped. */
export function unrendered(value: unknown): string {
  return `<pre class="unrendered" title="not rendered: shown as JSON">${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

/** A text object (`mrkdwn` or `plain_text`); anything else as JSON. */
export function renderText(value: unknown, context: RenderContext): string {
  if (!isObject(value) || typeof value.text !== "string") return unrendered(value);
  if (value.type === "mrkdwn") return renderMrkdwn(value.text, context);
  if (value.type === "plain_text") return renderPlain(value.text, value.emoji !== false);
  return unrendered(value);
}

function button(element: Json, place: ButtonPlace, context: RenderContext): string {
  if (typeof element.action_id !== "string") return unrendered(element);
  const style = element.style === "primary" || element.style === "danger" ? ` ${element.style}` : "";
  const confirm = isObject(element.confirm)
    ? ` data-confirm="${escapeHtml(JSON.stringify(element.confirm))}"`
    : "";
  return `<button type="button" class="block-button${style}" data-message-ts="${escapeHtml(place.messageTs)}" data-block-index="${place.blockIndex}" data-action-id="${escapeHtml(element.action_id)}"${confirm}>${renderText(element.text, context)}</button>`;
}

function element(value: unknown, place: ButtonPlace, context: RenderContext): string {
  if (!isObject(value)) return unrendered(value);
  if (value.type === "button") return button(value, place, context);
  if (value.type === "mrkdwn" || value.type === "plain_text") return renderText(value, context);
  if (value.type === "image" && typeof value.image_url === "string" && /^https?:/.test(value.image_url))
    return `<img class="context-image" src="${escapeHtml(value.image_url)}" alt="${escapeHtml(String(value.alt_text ?? ""))}">`;
  return unrendered(value);
}

function section(block: Json, place: ButtonPlace, context: RenderContext): string {
  if (block.text === undefined && !Array.isArray(block.fields)) return unrendered(block);
  const text =
    block.text === undefined ? "" : `<div class="section-text">${renderText(block.text, context)}</div>`;
  const fields = Array.isArray(block.fields)
    ? `<div class="section-fields">${block.fields.map((f) => `<div class="field">${renderText(f, context)}</div>`).join("")}</div>`
    : "";
  const accessory =
    block.accessory === undefined
      ? ""
      : `<div class="accessory">${element(block.accessory, place, context)}</div>`;
  return `<div class="block section">${text}${fields}${accessory}</div>`;
}

function list(block: Json, key: "elements", render: (value: unknown) => string): string | null {
  const items = block[key];
  return Array.isArray(items) && items.length > 0 ? items.map(render).join("") : null;
}

/** One block as HTML; a block type or shape the page does not know is shown as its JSON. */
export function renderBlock(block: unknown, place: ButtonPlace, context: RenderContext): string {
  if (!isObject(block)) return unrendered(block);
  switch (block.type) {
    case "header":
      return `<div class="block header">${renderText(block.text, context)}</div>`;
    case "section":
      return section(block, place, context);
    case "divider":
      return `<hr class="block divider">`;
    case "context": {
      const items = list(
        block,
        "elements",
        (e) => `<span class="context-item">${element(e, place, context)}</span>`,
      );
      return items === null ? unrendered(block) : `<div class="block context">${items}</div>`;
    }
    case "actions": {
      const items = list(block, "elements", (e) => element(e, place, context));
      return items === null ? unrendered(block) : `<div class="block actions">${items}</div>`;
    }
    default:
      return unrendered(block);
  }
}

/** A message's blocks, or its text when it has none (as Slack shows a message without blocks). */
export function renderMessageBody(
  message: { ts: string; text?: string; blocks?: unknown[] },
  context: RenderContext,
): string {
  if (!Array.isArray(message.blocks) || message.blocks.length === 0)
    return `<div class="block section"><div class="section-text">${renderMrkdwn(message.text ?? "", context)}</div></div>`;
  return message.blocks
    .map((block, blockIndex) => renderBlock(block, { messageTs: message.ts, blockIndex }, context))
    .join("");
}
