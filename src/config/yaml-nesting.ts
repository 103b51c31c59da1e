import { type CST, Parser } from "yaml";

/** Far deeper than any services file, far shallower than what exhausts the stack. */
export const MAX_NESTING = 100;

/** What a services file nested too deep is told, and how to fix it. */
export const TOO_DEEP = `nested more than ${MAX_NESTING} mappings or lists deep`;
export const TOO_DEEP_FIX =
  "a services file needs a handful of levels: look there for brackets never closed, or indentation that keeps growing";

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

/**
 * Where (line and column, from 1) the first mapping or list nested deeper than MAX_NESTING starts, or null. yaml
 * composes a document recursively: a file nested a thousand deep exhausts the stack, and V8 may then abort the
 * process ("RegExpCompiler Allocation failed") instead of throwing. This walks the parser's tokens with a stack
 * of its own.
 */
export function tooDeepAt(text: string): { line: number; column: number } | null {
  const pending: { token: CST.Token; depth: number }[] = [];
  for (const token of new Parser().parse(text)) pending.push({ token, depth: 0 });
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { token, depth } = next;
    if (token.type === "document" && token.value) pending.push({ token: token.value, depth });
    if (!("items" in token)) continue;
    if (depth >= MAX_NESTING) return positionOf(text, token.offset);
    for (const item of token.items)
      for (const child of [item.key, item.value]) if (child) pending.push({ token: child, depth: depth + 1 });
  }
  return null;
}
