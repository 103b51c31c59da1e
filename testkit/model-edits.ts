import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ModelEdit } from "../src/domain/split/split-plan.js";

/** The lines of one class: from its `class` line to the last indented line after it. */
function classBody(lines: string[], matches: (name: string) => boolean): [number, number] | null {
  const start = lines.findIndex((line) => {
    const name = line.match(/^class (\w+)\(/)?.[1];
    return name !== undefined && matches(name);
  });
  if (start < 0) return null;
  let end = start + 1;
  while (end < lines.length && (lines[end] === "" || lines[end]?.startsWith("    "))) end++;
  while (lines[end - 1] === "") end--;
  return [start, end];
}

function lineOf(lines: string[], [start, end]: [number, number], prefix: string): number {
  return lines.findIndex((line, i) => i > start && i < end && line.startsWith(prefix));
}

function applyMeta(lines: string[], body: [number, number], edit: ModelEdit): void {
  const option = `        ${edit.attribute} = ${edit.definition}`;
  const meta = lineOf(lines, body, "    class Meta:");
  if (meta < 0) {
    lines.splice(body[1], 0, "", "    class Meta:", option);
    return;
  }
  const existing = lineOf(lines, [meta, body[1]], `        ${edit.attribute} = `);
  if (existing >= 0) lines[existing] = option;
  else lines.splice(meta + 1, 0, option);
}

function applyField(lines: string[], body: [number, number], edit: ModelEdit): void {
  const definition = `    ${edit.attribute} = ${edit.definition}`;
  const from = edit.action === "rename" ? lineOf(lines, body, `    ${edit.from} = `) : -1;
  const current = from >= 0 ? from : lineOf(lines, body, `    ${edit.attribute} = `);
  if (edit.action === "remove") {
    if (current < 0) throw new Error(`${edit.file}: ${edit.model} has no ${edit.attribute}`);
    lines.splice(current, 1);
  } else if (current >= 0) lines[current] = definition;
  else lines.splice(body[1], 0, definition);
}

/**
 * Applies `phasegate split`'s model edits to a project's models.py, whether it still holds the old names or
 * already the new ones (one-line attributes, as in the fixtures).
 */
export function applyModelEdits(projectDir: string, edits: ModelEdit[]): void {
  for (const edit of edits) {
    const file = path.join(projectDir, edit.file);
    const lines = readFileSync(file, "utf8").split("\n");
    if (edit.action === "rename-model") {
      const old = classBody(lines, (name) => name === edit.from);
      if (old)
        lines[old[0]] = (lines[old[0]] ?? "").replace(`class ${edit.from}(`, `class ${edit.attribute}(`);
      else if (!classBody(lines, (name) => name === edit.attribute))
        throw new Error(`${edit.file}: no ${edit.from}`);
    } else {
      const body = classBody(lines, (name) => name.toLowerCase() === edit.model);
      if (!body) throw new Error(`${edit.file} has no model ${edit.model}`);
      if (edit.action === "meta") applyMeta(lines, body, edit);
      else applyField(lines, body, edit);
    }
    writeFileSync(file, lines.join("\n"));
  }
}
