import type { FieldFacts, MigrationOperation, PendingMigration } from "./migration.js";

/** Column key of a field operation: model and field name. */
function keyOf(model: string | null, field: string | null): string | null {
  return model && field ? `${model}.${field}` : null;
}

/** `SET DEFAULT <value>` in the SQL of an operation that adds a database default outside Django's state. */
const SET_DEFAULT = /\bALTER (?:COLUMN )?\S+ SET DEFAULT\s+(\S+)/i;

/** The field as one operation leaves it, or null when it removes it; undefined when the operation says nothing. */
function fieldAfter(operation: MigrationOperation, current: FieldFacts | null | undefined) {
  if (operation.type === "RemoveField") return null;
  if (operation.type === "AddField" || operation.type === "AlterField") return operation.fieldFacts;
  // django-add-default-value's AddDefaultValue sets a database default that Django's state never records.
  const setDefault =
    operation.type === "AddDefaultValue" ? (operation.sql ?? []).join(" ").match(SET_DEFAULT) : null;
  if (setDefault && current) {
    const value = (setDefault[1] ?? "").replace(/;$/, "");
    return { ...current, hasDbDefault: true, dbDefault: value, dbDefaultIsNull: /^NULL$/i.test(value) };
  }
  return undefined;
}

/**
 * Each column's facts as the whole migration leaves it, for migrations Django applies in one transaction: old code
 * sees the database before and after, never between two operations. Empty for other migrations.
 */
export function columnsAtEnd(migration: PendingMigration): Map<string, FieldFacts | null> {
  const columns = new Map<string, FieldFacts | null>();
  if (!migration.transactional) return columns;
  for (const operation of migration.operations) {
    const key = keyOf(operation.model, operation.field);
    if (!key) continue;
    if (operation.type === "RenameField") {
      const renamed = keyOf(operation.model, operation.newName);
      if (renamed) columns.set(renamed, columns.get(key) ?? operation.fieldFacts);
      columns.set(key, null);
      continue;
    }
    const after = fieldAfter(operation, columns.get(key) ?? operation.fieldFacts);
    if (after !== undefined) columns.set(key, after);
  }
  return columns;
}

/** The column of a field operation at the end of its migration; undefined when that is not known or not relevant. */
export function columnAtEnd(
  columns: ReadonlyMap<string, FieldFacts | null>,
  operation: MigrationOperation,
): FieldFacts | null | undefined {
  const key = keyOf(operation.model, operation.field);
  return key ? columns.get(key) : undefined;
}
