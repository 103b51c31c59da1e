import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ModelEdit } from "../src/domain/split/split-plan.js";

/** Applies `phasegate split`'s model edits to a project's models.py (one-line attributes, as in the fixtures). */
export function applyModelEdits(projectDir: string, edits: ModelEdit[]): void {
  for (const edit of edits) {
    const file = path.join(projectDir, edit.file);
    const lines = readFileSync(file, "utf8").split("\n");
    const start = lines.findIndex((line) => line.match(/^class (\w+)\(/)?.[1]?.toLowerCase() === edit.model);
    if (start < 0) throw new Error(`${edit.file} has no model ${edit.model}`);
    let end = start + 1;
    while (end < lines.length && (lines[end] === "" || lines[end]?.startsWith("    "))) end++;
    const find = (name: string) =>
      lines.findIndex((line, i) => i > start && i < end && line.startsWith(`    ${name} = `));
    const old = find(edit.action === "rename" ? String(edit.from) : edit.attribute);
    const definition = `    ${edit.attribute} = ${edit.definition}`;
    if (edit.action === "remove") {
      if (old < 0) throw new Error(`${edit.file}: ${edit.model} has no ${edit.attribute}`);
      lines.splice(old, 1);
    } else if (old >= 0) {
      lines[old] = definition;
    } else {
      let last = end;
      while (lines[last - 1] === "") last--;
      lines.splice(last, 0, definition);
    }
    writeFileSync(file, lines.join("\n"));
  }
}
