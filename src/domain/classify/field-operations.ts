import { hasFillingDbDefault, toleratesOmission } from "./field-defaults.js";
import {
  columnLabel,
  type Judgement,
  judge,
  judgeUnsafe,
  mostSevere,
  type RuleContext,
} from "./judgement.js";
import type { FieldFacts, MigrationOperation } from "./migration.js";
import {
  addNotNullFieldRecipe,
  changeTypeRecipe,
  regenerateRecipe,
  removeNotNullFieldRecipe,
  renameFieldRecipe,
} from "./refusal-recipes.js";
import { typeChange } from "./type-changes.js";
import type { Verdict } from "./verdict.js";

/** A sentence for the reason when a later operation of the same transactional migration changes the column. */
function atEndNote(operation: MigrationOperation, context: RuleContext): string {
  const end = context.columnAtEnd;
  if (!end || JSON.stringify(end) === JSON.stringify(operation.fieldFacts)) return "";
  return ` Judged with the column as the whole migration leaves it: it runs in one transaction on ${context.vendor}, so old code never sees it in between.`;
}

export function classifyAddField(operation: MigrationOperation, context: RuleContext): Judgement {
  const column = columnLabel(operation);
  const facts = context.columnAtEnd ?? operation.fieldFacts;
  if (!facts)
    return judgeUnsafe(
      `Adds ${column} but its field facts are missing.`,
      addNotNullFieldRecipe(String(operation.field)),
    );
  if (facts.manyToMany || facts.column === null) {
    return judge(
      "expand",
      `Creates the join table of many-to-many field "${operation.field}"; old code ignores it.`,
    );
  }
  const atEnd = atEndNote(operation, context);
  if (facts.generated) {
    const kind = facts.generated.stored ? "stored" : "virtual";
    return judge(
      "expand",
      `Adds ${kind} generated column ${column} (${facts.generated.expression}): the database computes it, old code neither writes nor reads it.${atEnd}`,
    );
  }
  if (facts.null)
    return judge("expand", `Adds nullable column ${column}; old code's INSERTs leave it NULL.${atEnd}`);
  if (hasFillingDbDefault(facts)) {
    return judge(
      "expand",
      `Adds column ${column} with a database default that fills old code's INSERTs.${atEnd}`,
    );
  }
  if (facts.hasDbDefault) {
    return judgeUnsafe(
      `Adds NOT NULL column ${column} with db_default=None: the database default is NULL (DEFAULT NULL NOT NULL), so old code's INSERTs that leave it out fail.${atEnd}`,
      addNotNullFieldRecipe(String(operation.field)),
    );
  }
  const pythonDefault = facts.hasDefault
    ? " Its default= only fills the existing rows: Django removes it from the column right after (before 5.0 there is no database default at all)."
    : "";
  return judgeUnsafe(
    `Adds NOT NULL column ${column} without a database default: old code's INSERTs do not name it and fail.${pythonDefault}${atEnd}`,
    addNotNullFieldRecipe(String(operation.field)),
  );
}

export function classifyRemoveField(operation: MigrationOperation): Judgement {
  const facts = operation.fieldFacts;
  const column = columnLabel(operation);
  if (facts && (facts.manyToMany || facts.column === null)) {
    return judge(
      "contract",
      `Drops the join table of many-to-many field "${operation.field}"; only new code tolerates it.`,
    );
  }
  if (facts && toleratesOmission(facts)) {
    const why = facts.generated
      ? "it is generated, so no INSERT names it"
      : facts.null
        ? "it is nullable"
        : "its database default fills it";
    return judge(
      "contract",
      `Drops column ${column}; old code still reads it, so it waits for the rollout (${why}, so new code's INSERTs work until then).`,
    );
  }
  const nullDefault = facts?.hasDbDefault ? " (its db_default=None is a default of NULL)" : "";
  return judgeUnsafe(
    `Drops NOT NULL column ${column} without a database default${nullDefault}: between the deploy and the drop, new code's INSERTs do not name it and fail.`,
    removeNotNullFieldRecipe(String(operation.field)),
  );
}

export function classifyRenameField(operation: MigrationOperation): Judgement {
  const oldName = String(operation.oldName);
  const newName = String(operation.newName);
  return judgeUnsafe(
    `Renames column "${oldName}" to "${newName}" on ${operation.table}: old code uses "${oldName}", new code "${newName}"; whichever runs during the rollout fails.`,
    renameFieldRecipe(oldName, newName),
  );
}

interface Change {
  verdict: Verdict;
  text: string;
  recipe?: string[];
  notes?: string[];
}

function typeChanges(
  before: FieldFacts,
  after: FieldFacts,
  operation: MigrationOperation,
  context: RuleContext,
): Change[] {
  const field = String(operation.field);
  if (before.column !== after.column) {
    return [
      {
        verdict: "unsafe",
        text: `renames column "${before.column}" to "${after.column}"`,
        recipe: renameFieldRecipe(String(before.column), String(after.column)),
      },
    ];
  }
  if (before.relatedModel !== after.relatedModel) return relationChanges(before, after, field);
  if (before.dbType === after.dbType || before.dbType === null || after.dbType === null) return [];
  const change = typeChange(before.dbType, after.dbType, context.vendor);
  const notes =
    change.noRewrite && context.vendor === "postgresql"
      ? ["PostgreSQL changes this type without rewriting the table (its relfilenode stays)."]
      : [];
  return [
    {
      verdict: change.verdict,
      text: change.text,
      notes,
      ...(change.verdict === "unsafe" ? { recipe: changeTypeRecipe(field) } : {}),
    },
  ];
}

/** A plain column becomes a foreign key (or stops being one) on the same column and type: only the constraint changes. */
function relationChanges(before: FieldFacts, after: FieldFacts, field: string): Change[] {
  const sameColumn = before.dbType === after.dbType;
  if (before.relatedModel === null && sameColumn) {
    return [
      {
        verdict: "expand",
        text: `turns the column into a foreign key to ${after.relatedModel} (same column, same type): it adds the FOREIGN KEY constraint, which old code's values must already satisfy`,
        notes: [
          "On a large table add the constraint NOT VALID (RunSQL 'ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY … NOT VALID' with the ForeignKey as its state operation), then VALIDATE CONSTRAINT in a later migration: writes go on meanwhile.",
        ],
      },
    ];
  }
  if (after.relatedModel === null && sameColumn) {
    return [
      {
        verdict: "contract",
        text: `stops being a foreign key to ${before.relatedModel}: it drops the FOREIGN KEY constraint old code may rely on`,
      },
    ];
  }
  return [
    {
      verdict: "unsafe",
      text: `points the relation from ${before.relatedModel} to ${after.relatedModel}`,
      recipe: changeTypeRecipe(field),
    },
  ];
}

function generatedChanges(before: FieldFacts, after: FieldFacts, field: string): Change[] {
  if (JSON.stringify(before.generated) === JSON.stringify(after.generated)) return [];
  return [
    {
      verdict: "unsafe",
      text: "changes a generated column, which Django cannot alter in place (it must be removed and added again)",
      recipe: regenerateRecipe(field),
    },
  ];
}

function commentChanges(before: FieldFacts, after: FieldFacts): Change[] {
  if (before.dbComment === after.dbComment) return [];
  const text = after.dbComment === null ? "drops the column comment" : "changes the column comment";
  return [{ verdict: "expand", text: `${text}; old code does not read comments` }];
}

function constraintChanges(before: FieldFacts, after: FieldFacts): Change[] {
  const changes: Change[] = [];
  if (before.null && !after.null) {
    changes.push({
      verdict: "contract",
      text: "adds NOT NULL; old code may still write NULL, so it waits for the rollout",
    });
  }
  if (!before.null && after.null)
    changes.push({ verdict: "expand", text: "drops NOT NULL; old code still writes values" });
  const [beforeDefault, afterDefault] = [hasFillingDbDefault(before), hasFillingDbDefault(after)];
  if (!beforeDefault && afterDefault) changes.push({ verdict: "expand", text: "adds a database default" });
  if (beforeDefault && !afterDefault) {
    changes.push({ verdict: "contract", text: "drops the database default old code's INSERTs may rely on" });
  }
  if (!before.unique && after.unique) changes.push({ verdict: "expand", text: "adds a unique constraint" });
  if (before.unique && !after.unique)
    changes.push({ verdict: "contract", text: "drops a unique constraint" });
  if (!before.dbIndex && after.dbIndex) changes.push({ verdict: "expand", text: "adds an index" });
  if (before.dbIndex && !after.dbIndex) changes.push({ verdict: "contract", text: "drops an index" });
  return changes;
}

export function classifyAlterField(operation: MigrationOperation, context: RuleContext): Judgement {
  const before = operation.previousFieldFacts;
  const after = context.columnAtEnd ?? operation.fieldFacts;
  const column = columnLabel(operation);
  if (!before || !after) {
    return judgeUnsafe(
      `Alters ${column} but the field before or after is unknown, so phasegate cannot judge it.`,
      changeTypeRecipe(String(operation.field)),
    );
  }
  if (before.column === null && after.column === null) {
    return judge("neutral", `Many-to-many field "${operation.field}" has no column to alter.`);
  }
  const changes = [
    ...generatedChanges(before, after, String(operation.field)),
    ...typeChanges(before, after, operation, context),
    ...constraintChanges(before, after),
    ...commentChanges(before, after),
  ];
  if (changes.length === 0) {
    return judge(
      "expand",
      `Alters ${column} without changing its type, nullability, default or indexes; review its SQL.`,
    );
  }
  const verdict = mostSevere(changes.map((c) => c.verdict));
  const reason = `Alters ${column}: ${changes.map((c) => c.text).join("; ")}.${atEndNote(operation, context)}`;
  const recipe = changes.find((c) => c.recipe)?.recipe ?? null;
  return {
    verdict,
    reason,
    recipe: verdict === "unsafe" ? recipe : null,
    notes: changes.flatMap((c) => c.notes ?? []),
  };
}
