import { columnLabel, type Judgement, judge } from "./judgement.js";
import type { MigrationOperation } from "./migration.js";

/**
 * Operations of well-known packages, recognised by class name like the overrides of django-syzygy and
 * django-safemigrate: phasegate never imports them.
 */

/** django-add-default-value: `ALTER COLUMN … SET DEFAULT`, which Django's own state never records. */
export function classifyAddDefaultValue(operation: MigrationOperation): Judgement {
  return judge(
    "expand",
    `Sets a database default on ${columnLabel(operation)} (django-add-default-value): INSERTs that leave the column out get it, old code's included.`,
  );
}

/** django-migration-linter: a marker that tells the linter to skip the migration. */
export function classifyIgnoreMigration(): Judgement {
  return judge(
    "neutral",
    "IgnoreMigration is django-migration-linter's marker: it changes neither the database nor Django's state.",
  );
}
