import { renderBlock, renderText, unrendered } from "./blocks.js";
import { escapeHtml } from "./html.js";
import type { RenderContext } from "./render-context.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

const numberAttribute = (name: string, value: unknown) =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? ` ${name}="${value}"` : "";

/** An input block: its label, a text field the page reads back by block and action id, and room for an error. */
function input(block: Json, context: RenderContext): string {
  const element = block.element;
  if (
    !isObject(element) ||
    element.type !== "plain_text_input" ||
    typeof block.block_id !== "string" ||
    typeof element.action_id !== "string"
  )
    return unrendered(block);
  const ids = `data-block-id="${escapeHtml(block.block_id)}" data-action-id="${escapeHtml(element.action_id)}"`;
  const limits = `${numberAttribute("minlength", element.min_length)}${numberAttribute("maxlength", element.max_length)}`;
  const required = block.optional === true ? "" : " required";
  const field =
    element.multiline === true
      ? `<textarea class="modal-input" ${ids}${limits}${required} rows="4"></textarea>`
      : `<input class="modal-input" ${ids}${limits}${required}>`;
  return `<label class="block input"><span class="input-label">${renderText(block.label, context)}</span>${field}<span class="modal-error" data-error-for="${escapeHtml(block.block_id)}" hidden></span></label>`;
}

/** A modal as Slack shows it: title, blocks (inputs editable), Cancel and submit; what it cannot draw as JSON. */
export function modalHtml(view: Json, context: RenderContext): string {
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  const body = blocks
    .map((block, blockIndex) =>
      isObject(block) && block.type === "input"
        ? input(block, context)
        : renderBlock(block, { messageTs: "", blockIndex }, context),
    )
    .join("");
  const close = view.close ?? { type: "plain_text", text: "Cancel" };
  const submit =
    view.submit === undefined
      ? ""
      : `<button type="submit" class="block-button primary">${renderText(view.submit, context)}</button>`;
  return `<h3 class="modal-title">${renderText(view.title, context)}</h3><div class="modal-body">${body}</div><div class="confirm-buttons"><button type="button" class="block-button modal-close">${renderText(close, context)}</button>${submit}</div>`;
}
