import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";

export interface Location {
  line: number;
  column: number;
}

/**
 * Where each path is written in the document: the key of its last segment when it exists, else the nearest mapping
 * or list above it (where a missing key has to be added). The keys of each mapping are indexed the first time it is
 * walked: a file of thousands of broken services has tens of thousands of problems to place.
 */
export function locator(
  doc: Document,
  lines: LineCounter,
): (path: readonly PropertyKey[]) => Location | null {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: PropertyKey): Pair | undefined => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      // The first of duplicate keys, as a search from the start would find it.
      for (const item of map.items)
        if (isScalar(item.key) && !index.has(String(item.key.value))) index.set(String(item.key.value), item);
      indexes.set(map, index);
    }
    return index.get(String(key));
  };
  return (path) => {
    let node: unknown = doc.contents;
    let at: Node | null = isMap(node) || isSeq(node) ? node : null;
    for (const key of path) {
      if (isMap(node)) {
        const pair = pairOf(node, key);
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
  };
}
