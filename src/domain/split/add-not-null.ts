import type { FieldDefinition, MigrationOperation } from "../classify/migration.js";
import { MIGRATIONS_IMPORT, type OperationPlan, type Recipe, type SplitContext } from "./operation-plan.js";
import { fieldOperation, notNullCheck, runPython, setNotNull } from "./operations.js";
import { fieldSource, kwarg, pyString } from "./python-source.js";

const BATCH = 1000;

function backfillFunction(name: string, app: string, operation: MigrationOperation, value: string): string {
  const field = String(operation.field);
  const label = `${app}.${operation.model}.${field}`;
  return `def ${name}(apps, schema_editor):
    """Fills ${label} on the rows that have none, ${BATCH} rows per statement (each commits on its own)."""
    model = apps.get_model(${pyString(app)}, ${pyString(String(operation.model))})
    value = ${value}
    if callable(value):
        value = value()
    while True:
        batch = list(model._base_manager.filter(${field}__isnull=True).values_list("pk", flat=True)[:${BATCH}])
        if not batch:
            return
        if value is None:
            raise RuntimeError(${pyString(`${label} has rows without a value and the field has no default: set value in ${name}`)})
        model._base_manager.filter(pk__in=batch).update(${field}=value)`;
}

/** Literal values PostgreSQL can hold as a column default (a callable such as timezone.now cannot be one). */
function isLiteral(source: string): boolean {
  return /^(-?\d|["']|True$|False$)/.test(source);
}

function withDbDefault(
  operation: MigrationOperation,
  definition: FieldDefinition,
  value: string,
): OperationPlan {
  const field = fieldSource(definition, { db_default: value });
  const name = String(operation.field);
  return {
    now: [
      {
        phase: "expand",
        source: fieldOperation("AddField", String(operation.model), name, field),
        imports: [MIGRATIONS_IMPORT, ...definition.imports],
      },
    ],
    later: [],
    modelEdits: [
      {
        model: String(operation.model),
        release: 1,
        action: "set",
        attribute: name,
        from: null,
        definition: field,
      },
    ],
    releases: [
      `Release 1 (expand): add "${name}" with db_default=${value}; the database fills old code's INSERTs.`,
    ],
    checklist: [],
  };
}

function overReleases(
  operation: MigrationOperation,
  definition: FieldDefinition,
  context: SplitContext,
): OperationPlan {
  const name = String(operation.field);
  const model = String(operation.model);
  const table = String(operation.table);
  const column = operation.fieldFacts?.column ?? name;
  const defaultValue = kwarg(definition, "default");
  const keepDefault = operation.preserveDefault !== false;
  const finalField = fieldSource(definition, keepDefault ? {} : { default: null });
  // A one-off default (preserve_default=False) stays on the release-1 field so release-1 code writes it: the CHECK
  // of release 2 would otherwise refuse its INSERTs. The final field drops it, as the original migration asked.
  const nullable = fieldSource(definition, { null: "True" });
  const functionName = `backfill_${model}_${name}`;
  const postgres = context.vendor === "postgresql";
  const imports = [MIGRATIONS_IMPORT, ...definition.imports];
  const checks = postgres ? notNullCheck(table, column) : [];
  const tighten = setNotNull(table, column, fieldOperation("AlterField", model, name, finalField), postgres);
  const edit = (release: number, definitionText: string) => ({
    model,
    release,
    action: "set" as const,
    attribute: name,
    from: null,
    definition: definitionText,
  });
  return {
    now: [
      {
        phase: "expand",
        source: fieldOperation("AddField", model, name, nullable),
        imports,
      },
    ],
    later: [
      {
        release: 2,
        phase: "expand",
        slug: `${model}_${name}_backfill`,
        summary: `Backfills ${table}.${column} in batches${postgres ? " and proves it with a CHECK constraint validated without blocking writes" : ""}.`,
        atomic: false,
        operations: [runPython(functionName, "expand"), ...checks],
        functions: [backfillFunction(functionName, context.app, operation, defaultValue ?? "None")],
        imports,
      },
      {
        release: 2,
        phase: "contract",
        slug: `${model}_${name}_not_null`,
        summary: postgres
          ? `Sets ${table}.${column} NOT NULL; the validated CHECK constraint spares PostgreSQL the scan under its ACCESS EXCLUSIVE lock.`
          : `Sets ${table}.${column} NOT NULL.`,
        atomic: true,
        operations: [tighten],
        functions: [],
        imports,
      },
    ],
    modelEdits: [edit(1, nullable), edit(2, finalField)],
    releases: [
      `Release 1 (expand): add "${name}" with null=True; the new code writes it on every new row.`,
      `Release 2 (expand): backfill the rows old code left NULL in batches${postgres ? ", add CHECK (… IS NOT NULL) NOT VALID and VALIDATE it (writes go on)" : ""}; (contract): SET NOT NULL.`,
    ],
    checklist: [
      defaultValue
        ? `Release 1's code writes ${model}.${name} on every new row (its default=${defaultValue} does, unless your code creates rows with raw SQL or bulk paths that bypass it).`
        : `Release 1's code must set ${model}.${name} on every new row: the field has no default to do it.`,
      ...(defaultValue && !keepDefault
        ? [
            `Release 2 drops default=${defaultValue} (preserve_default=False): from then on your code sets ${model}.${name} itself.`,
          ]
        : []),
      defaultValue
        ? `The backfill writes ${defaultValue} into existing rows; change value in the backfill function if old rows need another one.`
        : `Set value in the backfill function: the field has no default, so the backfill does not know what to write into existing rows.`,
    ],
  };
}

/** AddField NOT NULL without a database default: db_default on Django 5+, else nullable → backfill → NOT NULL. */
export const splitAddNotNull: Recipe = (operation, context) => {
  const definition = operation.fieldDefinition;
  if (!definition) return "the helper could not read the field's definition (deconstruct)";
  const value = kwarg(definition, "default");
  if (context.djangoMajor >= 5 && value !== null && isLiteral(value)) {
    return withDbDefault(operation, definition, value);
  }
  return overReleases(operation, definition, context);
};
