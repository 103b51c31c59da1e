import { isMap, isScalar, isSeq, parseDocument } from "yaml";

type Segment = string | number | { key: string; equals: string };

function parsePath(dotted: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of dotted.split(/\.(?![^[]*\])/)) {
    const [name = "", ...rest] = part.split("[");
    segments.push(name);
    for (const index of rest) {
      const inner = index.slice(0, -1);
      const eq = inner.indexOf("=");
      segments.push(eq < 0 ? Number(inner) : { key: inner.slice(0, eq), equals: inner.slice(eq + 1) });
    }
  }
  return segments;
}

function parse(text: string) {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the file is not valid YAML: ${doc.errors[0]?.message}`);
  return doc;
}

/** The scalar node at `dotted`; throws naming the path when it leads nowhere. */
function scalarAt(contents: unknown, dotted: string) {
  const keys: (string | number)[] = [];
  let node: unknown = contents;
  for (const segment of parsePath(dotted)) {
    if (typeof segment === "object") {
      if (!isSeq(node)) throw new Error(`${dotted}: ${keys.join(".") || "the file"} is not a list`);
      const index = node.items.findIndex(
        (item) => isMap(item) && String(item.get(segment.key)) === segment.equals,
      );
      if (index < 0)
        throw new Error(`${dotted}: no item of ${keys.join(".")} has ${segment.key}: ${segment.equals}`);
      keys.push(index);
      node = node.items[index];
    } else {
      const next = isMap(node) || isSeq(node) ? node.get(segment, true) : undefined;
      if (next === undefined) throw new Error(`${dotted}: the file has no ${[...keys, segment].join(".")}`);
      keys.push(segment);
      node = next;
    }
  }
  if (!isScalar(node)) throw new Error(`${dotted} is not a single value (a list or a map)`);
  return node;
}

export function getYamlValue(text: string, dotted: string): string {
  return String(scalarAt(parse(text).contents, dotted).value);
}

/**
 * Sets the scalar at `dotted` in a YAML text and returns the new text; comments, order and the rest of the file
 * are kept. A missing key or list item is not created: the file must already carry the release.
 */
export function setYamlValue(text: string, dotted: string, value: string): { text: string; before: string } {
  const doc = parse(text);
  const node = scalarAt(doc.contents, dotted);
  const before = String(node.value);
  node.value = value;
  return { text: doc.toString({ lineWidth: 0 }), before };
}
