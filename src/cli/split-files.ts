import { readFile } from "node:fs/promises";
import path from "node:path";
import { renderMigration } from "../domain/split/render-migration.js";
import { retargetDependency } from "../domain/split/retarget.js";
import type { SplitPlan } from "../domain/split/split-plan.js";
import type { FileChange } from "../domain/split/unified-diff.js";

async function read(projectDir: string, file: string): Promise<string | null> {
  return readFile(path.join(projectDir, file), "utf8").catch(() => null);
}

export interface SplitFiles {
  changes: FileChange[];
  /** Retargets whose dependency tuple was not found in the file: the user edits them. */
  unapplied: string[];
}

/** Every file the split plan creates, replaces, deletes or edits, with its content before and after. */
export async function splitFileChanges(projectDir: string, plan: SplitPlan): Promise<SplitFiles> {
  const changes = new Map<string, FileChange>();
  for (const spec of plan.migrations) {
    changes.set(spec.file, {
      path: spec.file,
      before: await read(projectDir, spec.file),
      after: renderMigration(spec),
    });
  }
  for (const { file } of plan.replaced) {
    if (!changes.has(file))
      changes.set(file, { path: file, before: await read(projectDir, file), after: null });
  }
  const unapplied: string[] = [];
  for (const retarget of plan.retargets) {
    const current = changes.get(retarget.file);
    const before = current ? current.before : await read(projectDir, retarget.file);
    const source = current?.after ?? before;
    const after = source === null ? null : retargetDependency(source, retarget.from, retarget.to);
    if (after === null) {
      unapplied.push(
        `${retarget.file}: make its dependency ("${retarget.from.app}", "${retarget.from.name}") name "${retarget.to.name}"`,
      );
      continue;
    }
    changes.set(retarget.file, { path: retarget.file, before, after });
  }
  return { changes: [...changes.values()], unapplied };
}
