/** The parts of a JSON Schema (as z.toJSONSchema writes it) needed to find the keys allowed at a place. */
interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: boolean | JsonSchemaNode;
  items?: JsonSchemaNode;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  const?: unknown;
}

function field(value: unknown, key: string | number): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The branch of a union the value is written as: the one whose `kind` (any const property) matches. */
function branchOf(node: JsonSchemaNode, value: unknown): JsonSchemaNode {
  const options = node.oneOf ?? node.anyOf;
  if (!options) return node;
  const matches = (option: JsonSchemaNode) =>
    Object.entries(option.properties ?? {}).every(
      ([key, property]) => property.const === undefined || property.const === field(value, key),
    );
  return options.find((option) => option.properties && matches(option)) ?? node;
}

function child(node: JsonSchemaNode, key: string | number): JsonSchemaNode | undefined {
  const property = node.properties?.[key];
  if (property) return property;
  if (typeof key === "number" && node.items) return node.items;
  return typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
}

/** The keys the schema allows in the mapping at `path` of `data` (empty when it does not know). */
export function keysAllowedAt(schema: object, path: readonly PropertyKey[], data: unknown): string[] {
  let node: JsonSchemaNode | undefined = schema as JsonSchemaNode;
  let value = data;
  for (const key of path) {
    if (typeof key === "symbol") return [];
    node = child(branchOf(node, value), key);
    if (!node) return [];
    value = field(value, key);
  }
  return Object.keys(branchOf(node, value).properties ?? {});
}
