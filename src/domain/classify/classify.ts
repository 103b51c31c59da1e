import { createdTables, type LockFacts, operationLockFacts } from "../locks/analyse.js";
import type { ClassifiedOperation } from "./classification.js";
import {
  classifyAddField,
  classifyAlterField,
  classifyRemoveField,
  classifyRenameField,
} from "./field-operations.js";
import { HeldLocks } from "./held-locks.js";
import {
  effectiveSql,
  type Judgement,
  judge,
  judgeUnsafe,
  type Rule,
  type RuleContext,
} from "./judgement.js";
import {
  type FieldFacts,
  type MigrationOperation,
  type MigrationOverride,
  migrationLabel,
  type PendingMigration,
} from "./migration.js";
import { columnAtEnd, columnsAtEnd } from "./migration-end.js";
import {
  classifyAddConstraint,
  classifyAddIndex,
  classifyAddIndexConcurrently,
  classifyAdditive,
  classifyAlterTogether,
  classifyCode,
  classifyCreateModel,
  classifyDeleteModel,
  classifyOrderWithRespectTo,
  classifyRemoveCollation,
  classifyRemoveConstraint,
  classifyRemoveIndex,
  classifyRenameIndex,
  classifyRenameTable,
  classifyStateOnly,
  classifyTableComment,
  classifyValidateConstraint,
} from "./model-operations.js";
import { unknownOperationRecipe, unsupportedRecipe } from "./refusal-recipes.js";
import { emptyReleaseNews, judgeOnNew, type ReleaseNews, recordCreated } from "./release-tables.js";
import { classifyRunSql } from "./run-sql.js";
import { sqliteRebuildNotes } from "./sqlite.js";
import { judgeStateOperations } from "./state-operations.js";
import { classifyAddDefaultValue, classifyIgnoreMigration } from "./third-party-operations.js";

const RULES: Record<string, Rule> = {
  CreateModel: classifyCreateModel,
  DeleteModel: classifyDeleteModel,
  RenameModel: classifyRenameTable,
  AlterModelTable: classifyRenameTable,
  AddField: classifyAddField,
  RemoveField: classifyRemoveField,
  AlterField: classifyAlterField,
  RenameField: classifyRenameField,
  AddIndex: classifyAddIndex,
  AddIndexConcurrently: classifyAddIndexConcurrently,
  RemoveIndex: classifyRemoveIndex,
  RemoveIndexConcurrently: classifyRemoveIndex,
  RenameIndex: classifyRenameIndex,
  AddConstraint: classifyAddConstraint,
  AddConstraintNotValid: classifyAddConstraint,
  ValidateConstraint: classifyValidateConstraint,
  RemoveConstraint: classifyRemoveConstraint,
  AlterUniqueTogether: classifyAlterTogether,
  AlterIndexTogether: classifyAlterTogether,
  RunSQL: classifyRunSql,
  RunPython: classifyCode,
  AlterModelOptions: classifyStateOnly,
  AlterModelManagers: classifyStateOnly,
  AlterConstraint: classifyStateOnly,
  AlterModelTableComment: classifyTableComment,
  AlterOrderWithRespectTo: classifyOrderWithRespectTo,
  CreateCollation: classifyAdditive,
  RemoveCollation: classifyRemoveCollation,
  AddDefaultValue: classifyAddDefaultValue,
  IgnoreMigration: classifyIgnoreMigration,
};

const CODE_OPERATIONS = new Set(["RunSQL", "RunPython"]);
/** Operations that never reduce to SQL: a missing SQL is no news about them. */
const WITHOUT_SQL = new Set([...CODE_OPERATIONS, "IgnoreMigration"]);

/** Whether phasegate judges this operation class itself (SeparateDatabaseAndState: by its database operations). */
export function hasRule(type: string): boolean {
  return type in RULES || type.endsWith("Extension") || type === "SeparateDatabaseAndState";
}

function ruleFor(type: string): Rule {
  const rule = RULES[type];
  if (rule) return rule;
  if (type.endsWith("Extension")) return classifyAdditive;
  return (op) =>
    judgeUnsafe(
      `phasegate has no rule for ${op.type}, so it cannot tell whether old code tolerates it.`,
      unknownOperationRecipe(op.type),
    );
}

function judgeOperation(
  operation: MigrationOperation,
  context: RuleContext,
  onNew: Judgement | null,
): Judgement {
  const withoutSql = WITHOUT_SQL.has(operation.type);
  if (!withoutSql && operation.sql !== null && effectiveSql(operation.sql).length === 0) {
    return judge("neutral", `Emits no SQL on ${context.vendor}: only Django's model state changes.`);
  }
  // Django itself refuses it on this database (e.g. a virtual GeneratedField on PostgreSQL before 18).
  const rejected = [
    ...operation.fieldErrors,
    ...(operation.sqlError?.startsWith("NotSupportedError") ? [operation.sqlError] : []),
  ];
  if (rejected.length > 0) {
    return judgeUnsafe(
      `Django rejects ${operation.type} on ${context.vendor}, so applying it fails: ${rejected.join("; ")}.`,
      unsupportedRecipe(operation.type, context.vendor),
    );
  }
  const ruled = onNew ?? ruleFor(operation.type)(operation, context);
  const judgement = { ...ruled, notes: [...ruled.notes, ...sqliteRebuildNotes(operation, context.vendor)] };
  if (operation.sql !== null || withoutSql) return judgement;
  const why = operation.sqlError ? ` (${operation.sqlError})` : "";
  return {
    ...judgement,
    notes: [...judgement.notes, `The SQL could not be collected${why}; judged from the operation's facts.`],
  };
}

function applyOverride(
  judgement: Judgement,
  override: MigrationOverride | null,
): Judgement & { overridden: boolean } {
  if (!override || judgement.verdict === "neutral" || judgement.final)
    return { ...judgement, overridden: false };
  const phase = override.phase === "any" ? "expand" : override.phase;
  return {
    verdict: phase,
    reason: `The migration's override (${override.raw}) puts it in the ${phase} phase. Without it: ${judgement.verdict} — ${judgement.reason}`,
    recipe: null,
    notes: judgement.notes,
    overridden: true,
  };
}

/** Where an operation sits in its migration, for overrides and for users. */
export interface OperationContext {
  app: string;
  migration: string;
  vendor: string;
  override: MigrationOverride | null;
  /** Tables the migration creates: locking or scanning them holds nobody up. */
  createdTables: ReadonlySet<string>;
  /** Columns as the migration leaves them, when it runs in one transaction (migration-end.ts). */
  columnsAtEnd?: ReadonlyMap<string, FieldFacts | null>;
  /** Tables and apps the release created before this operation; updated as operations are classified. */
  news?: ReleaseNews;
}

/** An operation and its verdict; the planner needs both to describe what a gate allows. */
export interface ClassifiedEntry {
  operation: MigrationOperation;
  result: ClassifiedOperation;
}

function entryOf(
  operation: MigrationOperation,
  context: OperationContext,
  path: string,
  judged: Judgement,
  sql: readonly string[],
): ClassifiedEntry {
  const decided = applyOverride(judged, context.override);
  const created = new Set([...context.createdTables, ...(context.news?.tables.keys() ?? [])]);
  const lockFacts: LockFacts =
    context.vendor === "postgresql"
      ? operationLockFacts(sql, operation.table, created)
      : { locks: [], notes: [] };
  const hinted = CODE_OPERATIONS.has(operation.type) && operation.phaseHint !== null;
  const result: ClassifiedOperation = {
    app: context.app,
    migration: context.migration,
    path,
    type: operation.type,
    description: operation.description,
    verdict: decided.verdict,
    reason: decided.reason,
    recipe: decided.verdict === "unsafe" ? decided.recipe : null,
    notes: [...decided.notes, ...lockFacts.notes],
    lockWarnings: lockFacts.notes,
    locks: lockFacts.locks,
    overridden: decided.overridden || hinted,
    sql: [...sql],
  };
  return { operation, result };
}

/** SeparateDatabaseAndState: its database operations ("2.db.0") and, when they matter, its state operations. */
function separateEntries(
  operation: MigrationOperation,
  context: OperationContext,
  path: string,
): ClassifiedEntry[] {
  const database = operation.databaseOperations ?? [];
  const state = judgeStateOperations(operation.stateOperations ?? [], database, allSql(operation));
  if (database.length === 0) {
    const judged =
      state.verdict === "neutral"
        ? judge(
            "neutral",
            "SeparateDatabaseAndState without database operations changes only Django's state.",
          )
        : state;
    return [entryOf(operation, context, path, judged, [])];
  }
  const entries = database.flatMap((inner) =>
    classifyOperationEntries(inner, context, `${path}.db.${inner.index}`),
  );
  if (state.verdict === "neutral") return entries;
  return [...entries, entryOf(operation, context, `${path}.state`, state, [])];
}

/** Classifies one operation; SeparateDatabaseAndState yields its database operations ("2.db.0"), or itself when state-only. */
export function classifyOperationEntries(
  operation: MigrationOperation,
  context: OperationContext,
  path = String(operation.index),
): ClassifiedEntry[] {
  if (operation.type === "SeparateDatabaseAndState") return separateEntries(operation, context, path);
  const onNew = context.news ? judgeOnNew(operation, context.app, context.news) : null;
  const judged = judgeOperation(
    operation,
    {
      vendor: context.vendor,
      // Nested database operations of SeparateDatabaseAndState are judged on their own facts.
      columnAtEnd: path.includes(".") ? undefined : columnAtEnd(context.columnsAtEnd ?? new Map(), operation),
    },
    onNew,
  );
  return [entryOf(operation, context, path, judged, operation.sql ?? [])];
}

export function classifyOperation(
  operation: MigrationOperation,
  context: OperationContext,
): ClassifiedOperation[] {
  return classifyOperationEntries(operation, context).map((entry) => entry.result);
}

function allSql(operation: MigrationOperation): string[] {
  return [...(operation.sql ?? []), ...(operation.databaseOperations ?? []).flatMap(allSql)];
}

/**
 * Classifies a migration's operations in order; `news` holds what earlier migrations of the same plan created, and
 * gets what this one creates.
 */
export function classifyMigrationEntries(
  migration: PendingMigration,
  vendor: string,
  news: ReleaseNews = emptyReleaseNews(),
): ClassifiedEntry[] {
  const context = {
    app: migration.app,
    migration: migration.name,
    vendor,
    override: migration.override,
    createdTables: createdTables(migration.operations.flatMap(allSql)),
    columnsAtEnd: columnsAtEnd(migration),
    news,
  };
  const held = new HeldLocks(migration.transactional);
  return migration.operations.flatMap((operation) => {
    const entries = classifyOperationEntries(operation, context).map((entry) => ({
      ...entry,
      result: held.noted(entry.result),
    }));
    recordCreated(operation, migrationLabel(migration), news);
    return entries;
  });
}

/** Every operation of the migration with its verdict, nested database operations flattened in order. */
export function classifyMigration(migration: PendingMigration, vendor: string): ClassifiedOperation[] {
  return classifyMigrationEntries(migration, vendor).map((entry) => entry.result);
}
