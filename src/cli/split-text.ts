import { migrationLabel } from "../domain/classify/migration.js";
import type { ModelEdit, SplitPlan } from "../domain/split/split-plan.js";

function editLine(edit: ModelEdit): string {
  const where = `${edit.file}, model ${edit.model}`;
  if (edit.action === "remove") return `${where}: delete the attribute ${edit.attribute}`;
  if (edit.action === "meta") return `${where}: class Meta: ${edit.attribute} = ${edit.definition}`;
  if (edit.action === "rename-model")
    return `${edit.file}: class ${edit.from} becomes class ${edit.attribute}`;
  if (edit.action === "rename")
    return `${where}: ${edit.from} becomes ${edit.attribute} = ${edit.definition}`;
  return `${where}: ${edit.attribute} = ${edit.definition}`;
}

/** What `phasegate split` did, in words: per refused operation its releases and the code checklist, model edits, files. */
export function renderSplitSummary(plan: SplitPlan, header: string, unapplied: string[]): string {
  const lines = [header, ""];
  for (const split of plan.splits) {
    const where = split.operation === null ? "" : ` operation ${split.operation}`;
    lines.push(`${migrationLabel(split.migration)}${where} (${split.type}):`);
    lines.push(...split.releases.map((r) => `  ${r}`));
    if (split.checklist.length > 0) {
      lines.push("  Code changes (phasegate cannot write application code):");
      lines.push(...split.checklist.map((item) => `    [ ] ${item}`));
    }
  }
  const releases = [...new Set(plan.modelEdits.map((e) => e.release))].sort();
  for (const release of releases) {
    lines.push("", `Model edits for release ${release}:`);
    lines.push(...plan.modelEdits.filter((e) => e.release === release).map((e) => `  ${editLine(e)}`));
  }
  if (plan.migrations.length > 0) {
    lines.push("", "Migrations:");
    for (const spec of plan.migrations) {
      const owed = spec.followUp.length > 0 ? `; owes ${spec.followUp.map((f) => f.name).join(", ")}` : "";
      lines.push(`  release ${spec.release} ${spec.phase.padEnd(8)} ${spec.file}${owed}`);
    }
    if (plan.migrations.some((m) => m.release > 1)) {
      lines.push("  Files under phasegate_next/ belong to a later release: move them into migrations/ then.");
    }
  }
  if (plan.unsplittable.length > 0 || unapplied.length > 0) {
    lines.push("", "Not split (do it by hand):");
    for (const u of plan.unsplittable) {
      const where = u.operation === null ? "" : ` operation ${u.operation}${u.type ? ` (${u.type})` : ""}`;
      lines.push(`  ${migrationLabel(u.migration)}${where}: ${u.why}`);
    }
    lines.push(...unapplied.map((line) => `  ${line}`));
  }
  return `${lines.join("\n")}\n`;
}
