import { type Judgement, judge, refuse } from "./judgement.js";
import type { MigrationOperation } from "./migration.js";
import { annotateCodeRecipe, renameTableRecipe } from "./recipes.js";

export function classifyCreateModel(operation: MigrationOperation): Judgement {
  return judge("expand", `Creates table ${operation.table}; old code does not use it.`);
}

export function classifyDeleteModel(operation: MigrationOperation): Judgement {
  return judge(
    "contract",
    `Drops table ${operation.table}; old code still uses it, so it waits for the rollout.`,
  );
}

export function classifyRenameTable(operation: MigrationOperation): Judgement {
  const oldTable = String(operation.oldName ?? operation.table);
  return refuse(
    `Renames table ${oldTable} to ${operation.newName}: old code uses the old name, new code the new one; whichever runs during the rollout fails.`,
    renameTableRecipe(oldTable, String(operation.newName)),
  );
}

export function classifyAddIndex(operation: MigrationOperation): Judgement {
  return judge("expand", `Adds index ${operation.objectName} on ${operation.table}; old code is unaffected.`);
}

export function classifyAddIndexConcurrently(operation: MigrationOperation): Judgement {
  return judge(
    "expand",
    `Builds index ${operation.objectName} on ${operation.table} concurrently; writes go on meanwhile.`,
  );
}

export function classifyRemoveIndex(operation: MigrationOperation): Judgement {
  return judge(
    "contract",
    `Drops index ${operation.objectName} on ${operation.table}; old code's queries may rely on it.`,
  );
}

export function classifyAddConstraint(operation: MigrationOperation): Judgement {
  return judge(
    "expand",
    `Adds constraint ${operation.objectName} on ${operation.table}; old code is expected to respect it already.`,
  );
}

export function classifyValidateConstraint(operation: MigrationOperation): Judgement {
  return judge(
    "expand",
    `Validates constraint ${operation.objectName} on ${operation.table}; it takes a SHARE UPDATE EXCLUSIVE lock that lets writes go on.`,
  );
}

export function classifyRemoveConstraint(operation: MigrationOperation): Judgement {
  return judge(
    "contract",
    `Drops constraint ${operation.objectName} on ${operation.table}; old code may rely on it.`,
  );
}

function setKey(fields: string[]): string {
  return [...fields].sort().join(",");
}

function describeSets(sets: string[][]): string {
  return sets.map((s) => `(${s.join(", ")})`).join(", ");
}

export function classifyAlterTogether(operation: MigrationOperation): Judgement {
  const before = operation.togetherBefore ?? [];
  const after = operation.togetherAfter ?? [];
  const kind = operation.type === "AlterUniqueTogether" ? "unique_together" : "index_together";
  const afterKeys = new Set(after.map(setKey));
  const beforeKeys = new Set(before.map(setKey));
  const removed = before.filter((s) => !afterKeys.has(setKey(s)));
  const added = after.filter((s) => !beforeKeys.has(setKey(s)));
  if (removed.length > 0) {
    return judge(
      "contract",
      `Drops ${kind} ${describeSets(removed)} on ${operation.table}; old code may rely on it.`,
    );
  }
  if (added.length > 0) return judge("expand", `Adds ${kind} ${describeSets(added)} on ${operation.table}.`);
  return judge("neutral", `Leaves ${kind} of ${operation.table} as it is.`);
}

export function classifyCode(operation: MigrationOperation): Judgement {
  const notes = operation.reversible === false ? ["It has no reverse, so it cannot be rolled back."] : [];
  if (operation.phaseHint) {
    return judge(
      operation.phaseHint,
      `Annotated hints={"phase": "${operation.phaseHint}"} by its author.`,
      notes,
    );
  }
  return refuse(
    `phasegate cannot tell what ${operation.type} does to the data old code uses; its author must say in which phase it runs.`,
    annotateCodeRecipe(operation.type),
    notes,
  );
}

export function classifyStateOnly(operation: MigrationOperation): Judgement {
  return judge("neutral", `${operation.type} changes only Django's model state; it emits no SQL.`);
}

export function classifyAdditive(operation: MigrationOperation): Judgement {
  return judge("expand", `${operation.type} only adds to the database; old code is unaffected.`);
}
