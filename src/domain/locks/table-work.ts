import type { ClassifiedOperation } from "../classify/classification.js";
import type { MigrationKey } from "../classify/migration.js";
import { LOCK_MODES, type LockMode, statementLocks } from "./analyse.js";
import { splitStatements } from "./sql.js";

/** What a phase does to one existing table: the strongest lock it takes and whether it reads or rewrites it whole. */
export interface TableWork {
  table: string;
  mode: LockMode;
  work: "rewrite" | "scan" | null;
}

/** Statements after which PostgreSQL writes the table anew (a new file, every row copied). */
const REWRITES =
  /\bALTER (?:COLUMN )?\S+ (?:SET DATA )?TYPE\b|\bGENERATED ALWAYS AS\b.*\bSTORED\b|\bADD (?:COLUMN )?(?:IF NOT EXISTS )?\S+ .*?\bDEFAULT\s+\(?\s*(?:random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval)\s*\(|^VACUUM FULL\b|^CLUSTER\b/is;

/** Statements that read every row (to check or to index them) while their lock is held. */
const SCANS =
  /\bSET NOT NULL\b|\bVALIDATE CONSTRAINT\b|^CREATE (?:UNIQUE )?INDEX\b|\bADD (?:CONSTRAINT \S+ )?(?:UNIQUE|PRIMARY KEY)\b(?! USING INDEX)|\bADD (?:CONSTRAINT \S+ )?(?:CHECK|FOREIGN KEY)\b(?!.*\bNOT VALID\b)/is;

function workOf(statement: string): TableWork["work"] {
  if (REWRITES.test(statement)) return "rewrite";
  if (SCANS.test(statement)) return "scan";
  return null;
}

const WORK_ORDER = [null, "scan", "rewrite"] as const;

/**
 * The table locks of an operation: its lock notes on PostgreSQL; elsewhere (SQLite) read from its SQL, where
 * Django's "remake table" copies the table into `new__<table>`: a rewrite.
 */
function locksOf(operation: ClassifiedOperation, statements: string[]) {
  if (operation.locks.length > 0) return operation.locks;
  return statements
    .flatMap((statement) => statementLocks(statement, null))
    .filter((lock) => !lock.table.startsWith("new__"));
}

/**
 * Per table the operations lock (their lock notes: tables they create are left out), the strongest mode and the
 * heaviest work over their statements, in the order the tables are first locked.
 */
export function tableWork(operations: readonly ClassifiedOperation[]): TableWork[] {
  const byTable = new Map<string, TableWork>();
  for (const operation of operations) {
    const statements = operation.sql.flatMap(splitStatements);
    for (const lock of locksOf(operation, statements)) {
      const known = byTable.get(lock.table) ?? { table: lock.table, mode: lock.mode, work: null };
      const mode = LOCK_MODES.indexOf(lock.mode) > LOCK_MODES.indexOf(known.mode) ? lock.mode : known.mode;
      let work = known.work;
      for (const statement of statements) {
        const remade = statement.includes(`new__${lock.table}`);
        if (!remade && !statementLocks(statement, lock.table).some((l) => l.table === lock.table)) continue;
        const found = remade ? "rewrite" : workOf(statement);
        if (WORK_ORDER.indexOf(found) > WORK_ORDER.indexOf(work)) work = found;
      }
      byTable.set(lock.table, { table: lock.table, mode, work });
    }
  }
  return [...byTable.values()];
}

/** The operations of the given migrations (one phase's). */
export function operationsOf(
  operations: readonly ClassifiedOperation[],
  migrations: readonly MigrationKey[],
): ClassifiedOperation[] {
  const names = new Set(migrations.map((m) => `${m.app}.${m.name}`));
  return operations.filter((o) => names.has(`${o.app}.${o.migration}`));
}
