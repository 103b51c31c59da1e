/**
 * Slack refuses a message whose blocks hold more than about 12,000 characters of text in all (`msg_blocks_too_long`),
 * even when every block is within its own limit.
 */
export const MAX_BLOCKS_TEXT = 12_000;

type Json = Record<string, unknown>;

/** Every `text` string anywhere in the blocks (sections, fields, headers, context elements, buttons, dialogs). */
function textLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + textLength(item), 0);
  if (typeof value !== "object" || value === null) return 0;
  return Object.entries(value as Json).reduce(
    (sum, [key, item]) => sum + (key === "text" && typeof item === "string" ? item.length : textLength(item)),
    0,
  );
}

/** The characters of text the blocks carry, as Slack counts them against MAX_BLOCKS_TEXT. */
export function blocksTextLength(blocks: unknown): number {
  return Array.isArray(blocks) ? textLength(blocks) : 0;
}
