import type { ClassifiedEntry } from "../classify/classify.js";
import { columnLabel, effectiveSql } from "../classify/judgement.js";
import type { MigrationOperation } from "../classify/migration.js";

const EFFECTS: Record<string, (op: MigrationOperation) => string> = {
  DeleteModel: (op) => `drop table ${op.table}`,
  RemoveField: (op) =>
    op.fieldFacts?.manyToMany
      ? `drop the join table of ${op.table}.${op.field}`
      : `drop column ${columnLabel(op)}`,
  RemoveIndex: (op) => `drop index ${op.objectName} on ${op.table}`,
  RemoveIndexConcurrently: (op) => `drop index ${op.objectName} on ${op.table}`,
  RemoveConstraint: (op) => `drop constraint ${op.objectName} on ${op.table}`,
};

/**
 * One line of an approval summary: what the operation drops or locks, where it comes from, and its SQL.
 * "catalog.0003_remove_product_is_enabled: drop column catalog_product.is_enabled — SQL: ALTER TABLE …"
 */
export function describeEffect({ operation, result }: ClassifiedEntry): string {
  const effect = EFFECTS[operation.type]?.(operation) ?? result.reason.replace(/\.$/, "");
  const facts = [...result.locks.map((l) => `${l.mode} lock on ${l.table}.`), ...result.notes];
  const locks = facts.length > 0 ? ` (${facts.join(" ")})` : "";
  const sql = effectiveSql(result.sql);
  const sqlText = sql.length > 0 ? ` — SQL: ${sql.join(" ")}` : "";
  return `${result.app}.${result.migration}: ${effect}${locks}${sqlText}`;
}
