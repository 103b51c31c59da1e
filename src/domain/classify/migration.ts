/**
 * Pending migrations as Django describes them, the input of the classifier and the planner.
 * Produced by the introspection helper (src/django/introspect.py) and validated by src/django/contract.ts.
 */

/** Facts about one model field, read from Django's project state at that point of the migration graph. */
export interface FieldFacts {
  /** Database column, null for fields without one (ManyToManyField). */
  column: string | null;
  /** `field.get_internal_type()`: "BooleanField", "CharField", "ForeignKey", …; "GeneratedField" for generated columns. */
  internalType: string;
  /** Column type on the target database (`field.db_parameters()["type"]`), e.g. "varchar(100)"; null without a column. */
  dbType: string | null;
  null: boolean;
  /** A Python-side `default=` (Django fills existing rows with it, then drops it from the column before 5.0). */
  hasDefault: boolean;
  /** A database default (`db_default=`, Django ≥ 5.0); always false on older versions. */
  hasDbDefault: boolean;
  /** `repr()` of the database default, null when there is none. */
  dbDefault: string | null;
  /** The database default is NULL (`db_default=None`): it fills nothing a NOT NULL column accepts. */
  dbDefaultIsNull: boolean;
  /** A GeneratedField (Django ≥ 5.0): its expression, and whether the values are stored (`db_persist=True`). */
  generated: { expression: string; stored: boolean } | null;
  /** `db_comment=` (Django ≥ 4.2), null without one. */
  dbComment: string | null;
  unique: boolean;
  dbIndex: boolean;
  primaryKey: boolean;
  maxLength: number | null;
  /** "app_label.modelname" of the target for relations, null otherwise. */
  relatedModel: string | null;
  manyToMany: boolean;
}

/** A field's `deconstruct()`, each argument serialized by Django's MigrationWriter (exact Python source). */
export interface FieldDefinition {
  /** "models.IntegerField", or a dotted path for a field of the project's own. */
  path: string;
  args: string[];
  /** [name, Python source] in name order. */
  kwargs: [string, string][];
  /** Import lines the sources need, e.g. "from django.db import models". */
  imports: string[];
}

export type PhaseOverride = "expand" | "contract";

export interface MigrationOperation {
  /** Position in its list (the migration's operations, or the nested list of SeparateDatabaseAndState). */
  index: number;
  /** Django class name: "AddField", "RunSQL", "AddIndexConcurrently", … */
  type: string;
  /** `operation.describe()`. */
  description: string;
  /** Lower-cased model name the operation is about, null when it has none (RunSQL, RunPython). */
  model: string | null;
  /** Database table of that model (before the operation for deletes and renames, after it otherwise). */
  table: string | null;
  /** Field name for field operations. */
  field: string | null;
  /** The field after the operation (AddField, AlterField) or the field removed (RemoveField). */
  fieldFacts: FieldFacts | null;
  /** AlterField: the field before the operation. */
  previousFieldFacts: FieldFacts | null;
  /**
   * RenameField and RenameIndex: the old and new names; RenameModel and AlterModelTable: the old and new table;
   * AlterOrderWithRespectTo: the relation "_order" follows before and after (null: no "_order" column).
   */
  oldName: string | null;
  newName: string | null;
  /** Index or constraint name for AddIndex/RemoveIndex/AddConstraint/RemoveConstraint. */
  objectName: string | null;
  /** AlterUniqueTogether / AlterIndexTogether: the field sets before and after. */
  togetherBefore: string[][] | null;
  togetherAfter: string[][] | null;
  /** RunSQL forward SQL text, or the RunPython forward function's dotted name. */
  code: string | null;
  /** RunSQL / RunPython: whether a reverse was given. */
  reversible: boolean | null;
  /** Phase annotation on RunSQL/RunPython: `hints={"phase": "expand"}`. */
  phaseHint: PhaseOverride | null;
  /**
   * `hints={"phase": ..., "phasegate_override": "why"}`: the author's audited word that the annotation stands even
   * where the SQL drops, renames or retypes what old code uses; null without one.
   */
  sqlOverride: string | null;
  /** The SQL Django would run for this operation on this database, collected like `sqlmigrate`; null if it could not be collected. */
  sql: string[] | null;
  /** Why the SQL could not be collected. */
  sqlError: string | null;
  /** AddField / AlterField: errors of Django's system checks on the field for this database ("fields.E221: …"). */
  fieldErrors: string[];
  /** Line of the operation in its migration file (nested operations: their parent's); null when not a plain list. */
  line: number | null;
  /**
   * SeparateDatabaseAndState: the operations that touch the database, and those that only change Django's state;
   * RunSQL: its state_operations (databaseOperations null).
   */
  databaseOperations: MigrationOperation[] | null;
  stateOperations: MigrationOperation[] | null;
  /** The operation as Django's MigrationWriter writes it; null when it cannot be written back (a RunPython
   * function of its migration module). Absent from helpers older than `phasegate split`. */
  source: string | null;
  imports: string[];
  /** The operation's own field (AddField, AlterField: with a one-off default), else the field in the state. */
  fieldDefinition: FieldDefinition | null;
  /** AlterField: the field before the operation. */
  previousFieldDefinition: FieldDefinition | null;
  /** AddField/AlterField `preserve_default`; null for other operations. */
  preserveDefault: boolean | null;
  /** RenameModel: the old and the new class name ("Review", "Critique"); null for other operations. */
  modelNames: [string, string] | null;
}

export interface MigrationKey {
  app: string;
  name: string;
}

export interface MigrationOverride {
  phase: PhaseOverride | "any";
  /** Where the annotation comes from: phasegate's `phase`, django-syzygy's `stage`, django-safemigrate's `safe`. */
  source: "phasegate" | "syzygy" | "safemigrate";
  /** The attribute as written, e.g. "Stage.POST_DEPLOY". */
  raw: string;
}

/** A migration of the same app that a later release owes, and the phase it runs in when known. */
export interface OwedMigration {
  name: string;
  phase: PhaseOverride | null;
}

export interface PendingMigration extends MigrationKey {
  dependencies: MigrationKey[];
  /** Squashed migrations list what they replace. */
  replaces: MigrationKey[];
  atomic: boolean;
  /**
   * Django applies it in one transaction on this database (atomic, DDL can be rolled back, and the schema editor
   * keeps it): old code never sees the state between its operations.
   */
  transactional: boolean;
  initial: boolean;
  override: MigrationOverride | null;
  /** The migration's file, relative to the project directory when inside it; null when Python does not say. */
  file: string | null;
  operations: MigrationOperation[];
  /** `phasegate_follow_up = [...]`: migrations of the same app a later release still owes (written by `phasegate split`). */
  followUp: OwedMigration[];
}

/** Everything the planner needs to know about one Django project and its database. */
export interface Introspection {
  djangoVersion: string;
  /** `connection.vendor`: "postgresql", "sqlite", "mysql", … */
  vendor: string;
  applied: MigrationKey[];
  /** Applied migrations of installed apps whose files this release lacks: the database is ahead of the release. */
  appliedNotInRelease: MigrationKey[];
  /** Pending migrations in the order Django would apply them. */
  pending: PendingMigration[];
}

export function migrationLabel(m: MigrationKey): string {
  return `${m.app}.${m.name}`;
}
