import { createdTables } from "../locks/analyse.js";
import { type Judgement, judge } from "./judgement.js";
import type { MigrationOperation } from "./migration.js";
import { judgeStatements } from "./sql-statements.js";

/**
 * What the release itself creates: tables made by earlier operations of the same plan (to the migration that made
 * them), and apps none of whose migrations is applied. No old code uses either.
 */
export interface ReleaseNews {
  tables: Map<string, string>;
  apps: ReadonlySet<string>;
}

export function emptyReleaseNews(): ReleaseNews {
  return { tables: new Map(), apps: new Set() };
}

const CODE = new Set(["RunSQL", "RunPython"]);

/** The verdict of an operation on something this release created before it; null when it touches older things. */
export function judgeOnNew(operation: MigrationOperation, app: string, news: ReleaseNews): Judgement | null {
  const table = operation.table;
  const creator = table ? news.tables.get(table) : undefined;
  if (table && creator && operation.type !== "CreateModel") {
    return judge(
      "expand",
      `Table ${table} is new in this release (created by ${creator}): no old code uses it, so nothing waits for the rollout.`,
    );
  }
  const breaking = judgeStatements(operation.sql ?? []).some((j) => j?.breaking);
  if (CODE.has(operation.type) && news.apps.has(app) && operation.phaseHint === null && !breaking) {
    return judge(
      "expand",
      `App ${app} is installed by this release (none of its migrations is applied): old code never ran with it, and its ${operation.type} meets only data of this release.`,
    );
  }
  return null;
}

/** Records the tables the operation creates (or renames a new table to), as made by `label`. */
export function recordCreated(operation: MigrationOperation, label: string, news: ReleaseNews): void {
  const made = [...createdTables(operation.sql ?? [])];
  if (operation.type === "CreateModel" && operation.table) made.push(operation.table);
  const renamedNew = operation.oldName && news.tables.get(operation.oldName);
  if (
    (operation.type === "RenameModel" || operation.type === "AlterModelTable") &&
    operation.newName &&
    renamedNew
  ) {
    made.push(operation.newName);
  }
  for (const table of made) if (!news.tables.has(table)) news.tables.set(table, label);
  for (const inner of operation.databaseOperations ?? []) recordCreated(inner, label, news);
}
