import type { FieldDefinition, MigrationOperation } from "../classify/migration.js";
import {
  type LaterPart,
  MIGRATIONS_IMPORT,
  type OperationPlan,
  type Recipe,
  type SplitContext,
} from "./operation-plan.js";
import { fieldOperation, notNullCheck, runPython, setNotNull } from "./operations.js";
import { call, fieldSource, kwarg, pyString } from "./python-source.js";

const BATCH = 1000;
const CAST_IMPORT = "from django.db.models.functions import Cast";
/** Keyword arguments that say nothing about a column's type: dropped from the Cast's output field. */
const NOT_TYPE = ["blank", "db_column", "db_index", "default", "help_text", "null", "unique", "verbose_name"];

function backfillFunction(
  name: string,
  app: string,
  model: string,
  field: string,
  target: string,
  cast: string,
): string {
  return `def ${name}(apps, schema_editor):
    """Copies ${model}.${field} into ${target}, cast to its type, ${BATCH} rows per statement (each commits on its own)."""
    model = apps.get_model(${pyString(app)}, ${pyString(model)})
    while True:
        batch = list(
            model._base_manager.filter(${target}__isnull=True, ${field}__isnull=False).values_list("pk", flat=True)[:${BATCH}]
        )
        if not batch:
            return
        model._base_manager.filter(pk__in=batch).update(${target}=Cast(${pyString(field)}, output_field=${cast}))`;
}

function plan(
  operation: MigrationOperation,
  before: FieldDefinition,
  after: FieldDefinition,
  context: SplitContext,
): OperationPlan {
  const model = String(operation.model);
  const field = String(operation.field);
  const target = `${field}_new`;
  const table = String(operation.table);
  const postgres = context.vendor === "postgresql";
  const notNull = operation.fieldFacts?.null === false;
  const added = fieldSource(after, { null: "True", db_column: null });
  const oldNullable = fieldSource(before, { null: "True" });
  const final = fieldSource(after, { db_column: pyString(target) });
  const cast = fieldSource(after, Object.fromEntries(NOT_TYPE.map((k) => [k, null])));
  const imports = [MIGRATIONS_IMPORT, ...before.imports, ...after.imports];
  const functionName = `backfill_${model}_${target}`;
  const backfill: LaterPart = {
    release: 2,
    phase: "expand",
    slug: `${model}_${target}_backfill`,
    summary: `Backfills ${table}.${target} from ${field} in batches and makes ${field} nullable.`,
    atomic: false,
    operations: [
      runPython(functionName, "expand"),
      ...(operation.previousFieldFacts?.null === false
        ? [fieldOperation("AlterField", model, field, oldNullable)]
        : []),
      ...(notNull && postgres ? notNullCheck(table, target) : []),
    ],
    functions: [backfillFunction(functionName, context.app, model, field, target, cast)],
    imports: [...imports, CAST_IMPORT],
  };
  const switchOver: LaterPart = {
    release: 3,
    phase: "contract",
    slug: `${model}_${field}_switch`,
    summary: `Removes ${table}.${field}; ${target} becomes ${field} again in Python (db_column keeps its column).`,
    atomic: true,
    operations: [
      fieldOperation("RemoveField", model, field),
      notNull
        ? setNotNull(table, target, fieldOperation("AlterField", model, target, final), postgres)
        : fieldOperation("AlterField", model, target, final),
      call("migrations.RenameField", [
        ["model_name", pyString(model)],
        ["old_name", pyString(target)],
        ["new_name", pyString(field)],
      ]),
    ],
    functions: [],
    imports,
  };
  const set = (release: number, attribute: string, definition: string) => ({
    model,
    release,
    action: "set" as const,
    attribute,
    from: null,
    definition,
  });
  return {
    now: [{ phase: "expand", source: fieldOperation("AddField", model, target, added), imports }],
    later: [backfill, switchOver],
    modelEdits: [
      set(1, field, fieldSource(before)),
      set(1, target, added),
      set(2, field, oldNullable),
      set(3, field, final),
      { model, release: 3, action: "remove", attribute: target, from: null, definition: null },
    ],
    releases: [
      `Release 1 (expand): add "${target}" with the new type, null=True; the code writes both.`,
      `Release 2 (expand): backfill "${target}" from "${field}" in batches, make "${field}" nullable${notNull && postgres ? `, CHECK "${target}" IS NOT NULL (validated without blocking writes)` : ""}; the code reads "${target}".`,
      `Release 3 (contract): remove "${field}"${notNull ? `, SET NOT NULL on "${target}"` : ""}; the attribute "${target}" becomes "${field}" again with db_column="${target}" (no SQL).`,
    ],
    checklist: [
      `Release 1's code writes ${model}.${target} (the value converted to the new type) wherever it writes ${field}, and still reads ${field}.`,
      `Release 2's code reads and writes ${target}${notNull ? " on every row" : ""}; it may stop writing ${field}. Check the backfill's conversion (Cast) suits your data before it ships.`,
      `Release 3's code uses ${field} again (now the new type, column ${target}); nothing reads the old column.`,
    ],
  };
}

/** AlterField that changes the column type: add a new field, dual-write, backfill, switch, remove the old one. */
export const splitChangeType: Recipe = (operation, context) => {
  const before = operation.previousFieldFacts;
  const after = operation.fieldFacts;
  if (!before || !after || before.column !== after.column || before.relatedModel !== after.relatedModel) {
    return "it changes the column name or the related model, not only the type: follow the recipe by hand";
  }
  if (
    kwarg(operation.fieldDefinition ?? { path: "", args: [], kwargs: [], imports: [] }, "primary_key") ===
    "True"
  ) {
    return "it changes a primary key: every foreign key to it changes too; phasegate does not split that";
  }
  if (!operation.previousFieldDefinition || !operation.fieldDefinition) {
    return "the helper could not read the field's definition before and after (deconstruct)";
  }
  return plan(operation, operation.previousFieldDefinition, operation.fieldDefinition, context);
};
