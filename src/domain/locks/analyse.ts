import { lockFlags } from "./flags.js";
import { IDENTIFIER, IDENTIFIER_PART, identifierName, splitStatements } from "./sql.js";

/** PostgreSQL's table lock modes that schema changes take, weakest first. */
export const LOCK_MODES = [
  "ROW EXCLUSIVE",
  "SHARE UPDATE EXCLUSIVE",
  "SHARE",
  "SHARE ROW EXCLUSIVE",
  "EXCLUSIVE",
  "ACCESS EXCLUSIVE",
] as const;
export type LockMode = (typeof LOCK_MODES)[number];

export interface TableLock {
  table: string;
  mode: LockMode;
}

/** What a lock mode means for the application while it is held. */
export function lockImpact(mode: LockMode): string {
  if (mode === "ACCESS EXCLUSIVE") return "blocks reads and writes";
  if (mode === "ROW EXCLUSIVE") return "blocks no reads or writes";
  if (mode === "SHARE UPDATE EXCLUSIVE") return "blocks only other schema changes and VACUUM";
  return "blocks writes, reads go on";
}

const NAME = `(${IDENTIFIER})`;
const NAMES = String.raw`(${IDENTIFIER}(?:\s*,\s*${IDENTIFIER})*)`;
const ALTER_TABLE = new RegExp(String.raw`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?${NAME}\s*\*?\s*(.*)$`, "is");
const CREATE_INDEX = new RegExp(
  `^CREATE (?:UNIQUE )?INDEX (CONCURRENTLY )?(?:(?:IF NOT EXISTS )?${IDENTIFIER} )?ON (?:ONLY )?${NAME}`,
  "is",
);
const DROP_INDEX = /^DROP INDEX (CONCURRENTLY )?/i;
const DROP_TABLE = new RegExp(`^(?:DROP TABLE (?:IF EXISTS )?|TRUNCATE (?:TABLE )?(?:ONLY )?)${NAMES}`, "is");
const WRITE = new RegExp(`^(?:UPDATE (?:ONLY )?|INSERT INTO |DELETE FROM (?:ONLY )?)${NAME}`, "is");
const TRIGGER = new RegExp(`^CREATE (?:OR REPLACE )?(?:CONSTRAINT )?TRIGGER .*? ON ${NAME}`, "is");
const LOCK_TABLE = new RegExp(`^LOCK (?:TABLE )?(?:ONLY )?${NAMES}(?: IN ([A-Z ]+?) MODE)?`, "is");
const REFERENCES = new RegExp(String.raw`\bREFERENCES ${NAME}`, "gis");
const COMMENT = new RegExp(
  String.raw`^COMMENT ON (?:TABLE ${NAME}|COLUMN (${IDENTIFIER_PART})\s*\.\s*${IDENTIFIER_PART}\s+IS)`,
  "is",
);
const INDEX_DDL = /^(?:ALTER INDEX (?:IF EXISTS )?\S+ RENAME\b|REINDEX INDEX (CONCURRENTLY )?)/i;

function referencedTables(statement: string): TableLock[] {
  return [...statement.matchAll(REFERENCES)].map((m) => ({
    table: identifierName(m[1] ?? ""),
    mode: "SHARE ROW EXCLUSIVE" as const,
  }));
}

function namesOf(list: string): string[] {
  return list.split(new RegExp(String.raw`\s*,\s*(?=${IDENTIFIER})`)).map(identifierName);
}

/** Splits an ALTER TABLE action list on the commas between its subcommands. */
export function subcommands(actions: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < actions.length; i++) {
    const char = actions[i];
    if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === "," && depth === 0) {
      parts.push(actions.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(actions.slice(start));
  return parts.map((p) => p.trim());
}

/** The ALTER TABLE forms that take less than ACCESS EXCLUSIVE (PostgreSQL's ALTER TABLE reference, 12+). */
function subcommandMode(action: string): LockMode {
  if (/^VALIDATE CONSTRAINT\b/i.test(action)) return "SHARE UPDATE EXCLUSIVE";
  if (/^ALTER (?:COLUMN )?\S+ SET STATISTICS\b|^SET \(|^CLUSTER ON\b|^SET WITHOUT CLUSTER\b/i.test(action))
    return "SHARE UPDATE EXCLUSIVE";
  if (/^ADD (?:CONSTRAINT \S+ )?FOREIGN KEY\b/i.test(action)) return "SHARE ROW EXCLUSIVE";
  return "ACCESS EXCLUSIVE";
}

function strongest(modes: LockMode[]): LockMode {
  return modes.reduce((a, b) => (LOCK_MODES.indexOf(b) > LOCK_MODES.indexOf(a) ? b : a), "ROW EXCLUSIVE");
}

function lockModeNamed(words: string | undefined): LockMode {
  const mode = words?.toUpperCase().replace(/\s+/g, " ");
  return LOCK_MODES.find((m) => m === mode) ?? "ACCESS EXCLUSIVE";
}

/** The table locks one statement takes; `indexTable` names the table of a DROP INDEX, which the SQL does not. */
export function statementLocks(statement: string, indexTable: string | null): TableLock[] {
  const alter = statement.match(ALTER_TABLE);
  if (alter) {
    const mode = strongest(subcommands(alter[2] ?? "").map(subcommandMode));
    return [{ table: identifierName(alter[1] ?? ""), mode }, ...referencedTables(statement)];
  }
  const index = statement.match(CREATE_INDEX);
  if (index) {
    return [{ table: identifierName(index[2] ?? ""), mode: index[1] ? "SHARE UPDATE EXCLUSIVE" : "SHARE" }];
  }
  const comment = statement.match(COMMENT);
  if (comment)
    return [{ table: identifierName(comment[1] ?? comment[2] ?? ""), mode: "SHARE UPDATE EXCLUSIVE" }];
  const indexDdl = statement.match(INDEX_DDL);
  if (indexDdl) {
    // ALTER INDEX … RENAME and REINDEX … CONCURRENTLY let reads and writes go on; a plain REINDEX blocks writes.
    const mode = /^REINDEX/i.test(statement) && !indexDdl[1] ? "SHARE" : "SHARE UPDATE EXCLUSIVE";
    return indexTable ? [{ table: indexTable, mode }] : [];
  }
  const dropIndex = statement.match(DROP_INDEX);
  if (dropIndex) {
    const mode = dropIndex[1] ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE";
    return indexTable ? [{ table: indexTable, mode }] : [];
  }
  const drop = statement.match(DROP_TABLE);
  if (drop) return namesOf(drop[1] ?? "").map((table) => ({ table, mode: "ACCESS EXCLUSIVE" }));
  const lock = statement.match(LOCK_TABLE);
  if (lock) return namesOf(lock[1] ?? "").map((table) => ({ table, mode: lockModeNamed(lock[2]) }));
  const write = statement.match(WRITE);
  if (write) return [{ table: identifierName(write[1] ?? ""), mode: "ROW EXCLUSIVE" }];
  const trigger = statement.match(TRIGGER);
  if (trigger) return [{ table: identifierName(trigger[1] ?? ""), mode: "SHARE ROW EXCLUSIVE" }];
  if (/^CREATE TABLE\b/i.test(statement)) return referencedTables(statement);
  return [];
}

/** The strongest lock per table over all statements, in the order the tables are first locked. */
function strongestLocks(statements: readonly string[], indexTable: string | null): TableLock[] {
  const byTable = new Map<string, LockMode>();
  for (const statement of statements) {
    for (const { table, mode } of statementLocks(statement, indexTable)) {
      byTable.set(table, strongest([byTable.get(table) ?? "ROW EXCLUSIVE", mode]));
    }
  }
  return [...byTable].map(([table, mode]) => ({ table, mode }));
}

/** Tables a migration's SQL creates: statements on them lock nobody out, since no code uses them yet. */
export function createdTables(sql: readonly string[]): Set<string> {
  const created = new RegExp(`^CREATE TABLE (?:IF NOT EXISTS )?${NAME}`, "i");
  return new Set(
    sql.flatMap(splitStatements).flatMap((statement) => {
      const match = statement.match(created);
      return match ? [identifierName(match[1] ?? "")] : [];
    }),
  );
}

export interface LockFacts {
  locks: TableLock[];
  notes: string[];
}

/** The locks an operation's PostgreSQL SQL takes and what to do about the dangerous ones. */
export function operationLockFacts(
  sql: readonly string[],
  table: string | null,
  created: ReadonlySet<string>,
): LockFacts {
  const statements = sql.flatMap(splitStatements);
  const locks = strongestLocks(statements, table).filter((lock) => !created.has(lock.table));
  return { locks, notes: lockFlags(statements, created) };
}
