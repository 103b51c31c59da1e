import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

export interface Location {
  line: number;
  column: number;
}

/**
 * Where `path` is written in the document: the key of its last segment when it exists, else the nearest mapping
 * or list above it (where a missing key has to be added).
 */
export function locate(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): Location | null {
  let node: unknown = doc.contents;
  let at: Node | null = isMap(node) || isSeq(node) ? node : null;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) break;
      at = isScalar(pair.key) ? pair.key : at;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      const item = node.items[key];
      if (!item) break;
      at = item as Node;
      node = item;
    } else break;
  }
  const offset = at?.range?.[0];
  if (offset === undefined) return null;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}
