import { IDENTIFIER, identifierName } from "./sql.js";

/** A warning about one statement; `earlier` are the statements of the same operation before it. */
type Flag = (statement: string, created: ReadonlySet<string>, earlier: readonly string[]) => string | null;

const ALTER_TABLE = new RegExp(`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(${IDENTIFIER})`, "i");
const CREATE_INDEX = new RegExp(
  `^CREATE (?:UNIQUE )?INDEX (?:(?:IF NOT EXISTS )?(${IDENTIFIER}) )?ON (?:ONLY )?(${IDENTIFIER})`,
  "i",
);
const SET_NOT_NULL = new RegExp(`ALTER (?:COLUMN )?(${IDENTIFIER}) SET NOT NULL`, "i");
const UNCHECKED_CONSTRAINT = /\bADD (?:CONSTRAINT \S+ )?(CHECK|FOREIGN KEY)\b/i;
const UNIQUE_BUILD =
  /\bADD (?:CONSTRAINT \S+ )?(?:UNIQUE|PRIMARY KEY)\b(?! USING INDEX)|\bADD COLUMN .*\bUNIQUE\b/i;
/** Functions PostgreSQL marks volatile: an added column defaulting to one is filled row by row. */
const VOLATILE_DEFAULT =
  /\bADD (?:COLUMN )?(?:IF NOT EXISTS )?\S+ .*?\bDEFAULT\s+\(?\s*(random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval)\s*\(/i;

/** The existing table an ALTER TABLE changes, null for other statements and for tables created alongside. */
function existingAlteredTable(statement: string, created: ReadonlySet<string>): string | null {
  const match = statement.match(ALTER_TABLE);
  const table = match ? identifierName(match[1] ?? "") : null;
  return table && !created.has(table) ? table : null;
}

const indexWithoutConcurrently: Flag = (statement, created) => {
  const match = statement.match(CREATE_INDEX);
  if (!match || /^CREATE (?:UNIQUE )?INDEX CONCURRENTLY\b/i.test(statement)) return null;
  const table = identifierName(match[2] ?? "");
  if (created.has(table)) return null;
  const name = match[1] ? `${identifierName(match[1])} ` : "";
  return `Builds index ${name}on existing table ${table} without CONCURRENTLY: its SHARE lock blocks writes until the index is built. Use AddIndexConcurrently (django.contrib.postgres.operations) in a migration with atomic = False.`;
};

/** A CHECK (column IS NOT NULL) added and validated before: PostgreSQL 12+ sets NOT NULL without a scan. */
function validatedNotNullCheck(column: string, earlier: readonly string[]): boolean {
  const check = new RegExp(String.raw`CHECK \(\s*"?${column}"?\s+IS NOT NULL\s*\)`, "i");
  return earlier.some((s) => check.test(s)) && earlier.some((s) => /\bVALIDATE CONSTRAINT\b/i.test(s));
}

const notNullInOneStep: Flag = (statement, created, earlier) => {
  const table = existingAlteredTable(statement, created);
  const match = statement.match(SET_NOT_NULL);
  if (!table || !match) return null;
  const column = identifierName(match[1] ?? "");
  // django-pg-zero-downtime-migrations' schema editor writes exactly that sequence.
  if (validatedNotNullCheck(column, earlier)) return null;
  return `Sets NOT NULL on ${table}.${column} in one step: the whole table is scanned under an ACCESS EXCLUSIVE lock. Instead, in separate migrations: ADD CONSTRAINT ${column}_not_null CHECK (${column} IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT ${column}_not_null; SET NOT NULL (PostgreSQL 12+ skips the scan thanks to the valid CHECK); DROP CONSTRAINT ${column}_not_null.`;
};

const constraintWithoutNotValid: Flag = (statement, created) => {
  const table = existingAlteredTable(statement, created);
  const match = statement.match(UNCHECKED_CONSTRAINT);
  if (!table || !match || /\bNOT VALID\b/i.test(statement)) return null;
  const kind = (match[1] ?? "").toUpperCase();
  return `Adds a ${kind} constraint on existing table ${table} without NOT VALID: every existing row is checked while the lock is held. Add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE, writes go on).`;
};

const uniqueIndexUnderExclusiveLock: Flag = (statement, created) => {
  const table = existingAlteredTable(statement, created);
  if (!table || !UNIQUE_BUILD.test(statement)) return null;
  return `Builds a unique index on existing table ${table} under an ACCESS EXCLUSIVE lock. Build it first with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX.`;
};

const volatileDefault: Flag = (statement, created) => {
  const table = existingAlteredTable(statement, created);
  const match = statement.match(VOLATILE_DEFAULT);
  if (!table || !match) return null;
  return `Adds a column on existing table ${table} with the volatile default ${match[1]}(): PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock. Add the column without a default (or with a constant one), set the default afterwards, and backfill existing rows in batches.`;
};

const STORED_GENERATED = /\bADD (?:COLUMN )?(?:IF NOT EXISTS )?(\S+) .*\bGENERATED ALWAYS AS\b.*\bSTORED\b/i;

const storedGeneratedColumn: Flag = (statement, created) => {
  const table = existingAlteredTable(statement, created);
  const match = statement.match(STORED_GENERATED);
  if (!table || !match) return null;
  return `Adds stored generated column ${identifierName(match[1] ?? "")} on existing table ${table}: PostgreSQL computes it for every row, rewriting the whole table under an ACCESS EXCLUSIVE lock that blocks reads and writes until it is done. On a large table, add a nullable column filled by a trigger and a batched backfill instead, or accept the downtime.`;
};

const FLAGS: Flag[] = [
  indexWithoutConcurrently,
  notNullInOneStep,
  constraintWithoutNotValid,
  uniqueIndexUnderExclusiveLock,
  volatileDefault,
  storedGeneratedColumn,
];

/** Warnings for statements that hold a strong lock on an existing table for longer than a moment. */
export function lockFlags(statements: readonly string[], created: ReadonlySet<string>): string[] {
  return statements.flatMap((statement, i) =>
    FLAGS.map((flag) => flag(statement, created, statements.slice(0, i))).filter(
      (note): note is string => note !== null,
    ),
  );
}
