import { type Judgement, judge, judgeUnsafe, type RuleContext } from "./judgement.js";
import type { MigrationOperation } from "./migration.js";
import { annotateCodeRecipe, orderColumnRecipe, renameTableRecipe } from "./refusal-recipes.js";

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
  return judgeUnsafe(
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

export function classifyRemoveIndex(operation: MigrationOperation, context: RuleContext): Judgement {
  const concurrently =
    operation.type === "RemoveIndex" && context.vendor === "postgresql"
      ? " Use RemoveIndexConcurrently (django.contrib.postgres.operations) in a migration with atomic = False: DROP INDEX without CONCURRENTLY waits for and holds an ACCESS EXCLUSIVE lock that blocks reads and writes of the table."
      : "";
  return judge(
    "contract",
    `Drops index ${operation.objectName} on ${operation.table}; old code's queries may rely on it.${concurrently}`,
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
  return judgeUnsafe(
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

export function classifyRemoveCollation(operation: MigrationOperation): Judgement {
  return judge(
    "contract",
    `${operation.description}: columns or queries of old code may still use the collation, so it waits for the rollout.`,
  );
}

export function classifyTableComment(operation: MigrationOperation): Judgement {
  return judge("expand", `Changes the comment of table ${operation.table}; old code does not read comments.`);
}

export function classifyRenameIndex(operation: MigrationOperation): Judgement {
  return judge(
    "expand",
    `Renames index ${operation.oldName} to ${operation.newName} on ${operation.table}; queries do not name indexes.`,
  );
}

/** order_with_respect_to adds (or drops) Django's own NOT NULL "_order" column, which old (or new) code never writes. */
export function classifyOrderWithRespectTo(operation: MigrationOperation): Judgement {
  if ((operation.oldName === null) === (operation.newName === null)) {
    return judge("neutral", `Keeps the "_order" column of ${operation.table}; only Django's state changes.`);
  }
  const adds = operation.oldName === null;
  const who = adds ? "old code's INSERTs do not name it" : "new code's INSERTs no longer name it";
  return judgeUnsafe(
    `${adds ? "Adds" : "Drops"} the NOT NULL "_order" column of ${operation.table} without a database default: ${who} and fail.`,
    orderColumnRecipe(operation.table ?? "the table", adds),
  );
}
