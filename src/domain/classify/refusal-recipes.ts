/**
 * Multi-release recipes for operations no order makes safe in one release.
 * Each line is one release (or one step of it), in the order to ship them.
 */

const annotate = 'hints={"phase": "expand"}';

export function addNotNullFieldRecipe(field: string): string[] {
  return [
    `Release 1 (expand): add "${field}" with null=True (keep default= for new rows); ship the code that writes it.`,
    `Release 2 (expand): backfill the existing rows in batches (RunPython or RunSQL with ${annotate}).`,
    `Release 3 (contract): AlterField "${field}" to null=False (SET NOT NULL) once no row is NULL.`,
    `On Django 5.0+ a database default (db_default=...) instead of default= makes it a single expand release.`,
  ];
}

export function removeNotNullFieldRecipe(field: string): string[] {
  return [
    `Release 1 (expand): AlterField "${field}" to null=True (DROP NOT NULL) and stop using it in the code.`,
    `Release 2 (contract): RemoveField "${field}".`,
  ];
}

export function renameFieldRecipe(oldName: string, newName: string): string[] {
  return [
    `No SQL at all: rename only the Python attribute and keep the column with db_column="${oldName}".`,
    `Or over releases — Release 1 (expand): add "${newName}" with null=True; the code writes both, reads "${oldName}".`,
    `Release 2 (expand): backfill "${newName}" from "${oldName}" (RunPython with ${annotate}); read "${newName}"; make "${oldName}" nullable.`,
    `Release 3 (contract): stop writing "${oldName}" and RemoveField "${oldName}".`,
  ];
}

export function renameTableRecipe(oldTable: string, newTable: string): string[] {
  return [
    `No SQL at all: keep the table with Meta.db_table = "${oldTable}" and rename only the Python model.`,
    `Or over releases — Release 1 (expand): create the new model with table "${newTable}"; the code writes both, reads the old one.`,
    `Release 2 (expand): backfill the new table (RunPython with ${annotate}); read the new model.`,
    `Release 3 (contract): stop writing the old model and DeleteModel it.`,
  ];
}

export function changeTypeRecipe(field: string): string[] {
  return [
    `Release 1 (expand): add a new field (e.g. "${field}_new") with null=True and the new type; the code writes both.`,
    `Release 2 (expand): backfill it from "${field}" (RunPython with ${annotate}); read the new field; make "${field}" nullable.`,
    `Release 3 (contract): stop writing "${field}" and RemoveField it; to keep the attribute name, point it at the new column with db_column (no SQL).`,
  ];
}

export function regenerateRecipe(field: string): string[] {
  return [
    `Release 1 (expand): add the new generated field under another name (e.g. "${field}_v2"); the code reads it.`,
    `Release 2 (contract): RemoveField "${field}"; to keep the attribute name, point it at the new column with db_column (no SQL).`,
  ];
}

export function orderColumnRecipe(table: string, adding: boolean): string[] {
  if (adding) {
    return [
      `Release 1 (expand): RunSQL 'ALTER TABLE ${table} ADD COLUMN "_order" integer NOT NULL DEFAULT 0' with ${annotate}, and AlterOrderWithRespectTo as its state operation (SeparateDatabaseAndState); the default stays.`,
      `Release 2 (expand): once every instance runs the new code, RunSQL 'ALTER TABLE ${table} ALTER COLUMN "_order" DROP DEFAULT' if you want it gone.`,
    ];
  }
  return [
    `Release 1 (expand): RunSQL 'ALTER TABLE ${table} ALTER COLUMN "_order" SET DEFAULT 0' with ${annotate}.`,
    `Release 2 (contract): the AlterOrderWithRespectTo that drops "_order".`,
  ];
}

export function annotateCodeRecipe(type: string): string[] {
  return [
    `If old code tolerates it (backfill, new objects): ${type}(..., ${annotate}).`,
    `If only the new code does (it drops or rewrites what old code uses): ${type}(..., hints={"phase": "contract"}).`,
    `Or annotate the whole migration: class Migration: phase = "expand" (or "contract").`,
  ];
}

export function unsupportedRecipe(type: string, vendor: string): string[] {
  return [
    `Change the ${type} so that Django supports it on ${vendor} (manage.py sqlmigrate shows the same error), or leave it out of this release.`,
  ];
}

export function unknownOperationRecipe(type: string): string[] {
  return [
    `Read the SQL of ${type} (manage.py sqlmigrate) and annotate the migration: class Migration: phase = "expand" when old code tolerates it, "contract" when only the new code does.`,
  ];
}

export function removeFromStateRecipe(field: string): string[] {
  return [
    `Release 1 (expand): AlterField "${field}" to null=True (DROP NOT NULL), or give it a database default (db_default=..., Django 5.0+), so that INSERTs without it work.`,
    `Release 2 (expand): the state-only RemoveField of "${field}" (SeparateDatabaseAndState) with the code that stops using it.`,
    `Later (contract): drop the column with RunSQL 'ALTER TABLE … DROP COLUMN …' and hints={"phase": "contract", "phasegate_override": "<why old code no longer uses it>"}.`,
  ];
}

export function breakingSqlRecipe(type: string): string[] {
  return [
    `Write the change as Django operations (RemoveField, RenameField, AlterField, DeleteModel): phasegate judges those and gives their multi-release recipe.`,
    `Or, when no running code uses what the SQL drops, renames or retypes any more: ${type}(..., hints={"phase": "contract", "phasegate_override": "<why it is safe>"}); the reason is shown on the plan and kept in the run's audit trail.`,
  ];
}
