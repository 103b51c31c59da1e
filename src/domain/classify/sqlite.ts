import type { MigrationOperation } from "./migration.js";

const REBUILD = /^\s*CREATE TABLE "new__([^"]+)"/i;

/**
 * SQLite cannot alter most columns in place: Django copies the table into "new__<table>", drops the old one and
 * renames the copy. Say so, since the whole table is copied while the migration holds the database's write lock.
 */
export function sqliteRebuildNotes(operation: MigrationOperation, vendor: string): string[] {
  if (vendor !== "sqlite") return [];
  const rebuilt = (operation.sql ?? [])
    .map((s) => s.match(REBUILD)?.[1])
    .find((table) => table !== undefined);
  if (!rebuilt) return [];
  return [
    `SQLite rebuilds table ${rebuilt} (copies every row into new__${rebuilt}, drops ${rebuilt}, renames the copy); writers wait until it is done.`,
  ];
}
