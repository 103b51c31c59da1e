import type { FieldDefinition } from "../classify/migration.js";

/** A Python string literal (JSON's escapes are valid Python); single quotes around SQL full of double quotes. */
export function pyString(text: string): string {
  if (text.includes('"') && !text.includes("'") && !text.includes("\\")) return `'${text}'`;
  return JSON.stringify(text);
}

/** Python source of a field from its deconstruction, with kwargs replaced (value source) or removed (null). */
export function fieldSource(
  definition: FieldDefinition,
  changes: Record<string, string | null> = {},
): string {
  const kwargs = new Map(definition.kwargs);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) kwargs.delete(name);
    else kwargs.set(name, value);
  }
  const sorted = [...kwargs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [...definition.args, ...sorted.map(([name, value]) => `${name}=${value}`)];
  return `${definition.path}(${parts.join(", ")})`;
}

export function kwarg(definition: FieldDefinition, name: string): string | null {
  return definition.kwargs.find(([key]) => key === name)?.[1] ?? null;
}

/** `name=value` arguments of an operation call, one per line. */
export function call(callee: string, args: [string, string][]): string {
  const lines = args.map(([name, value]) => `    ${name}=${value.replaceAll("\n", "\n    ")},`);
  return `${callee}(\n${lines.join("\n")}\n)`;
}

/** Python source of a list of already rendered items (operation sources), indented under its opening line. */
export function list(items: string[], by = "    "): string {
  if (items.length === 0) return "[]";
  return `[\n${items.map((item) => `${indent(item, by)},`).join("\n")}\n]`;
}

export function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((line) => (line.length > 0 ? by + line : line))
    .join("\n");
}
