import type { TestDatabase } from "./postgres.js";

/**
 * The schema of the tables whose names start with one of the prefixes, as PostgreSQL reports it: columns (type,
 * nullability, default), indexes and constraints, one sorted line each, so two databases compare as text.
 */
export function readSchema(db: TestDatabase, prefixes: string[]): string[] {
  const filter = prefixes.map((p) => `c.relname LIKE '${p}%'`).join(" OR ");
  const columns = db.query(`
    SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
      || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END
      || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND (${filter})`);
  const indexes = db.query(`
    SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE ${filter}`);
  const constraints = db.query(`
    SELECT 'constraint ' || c.relname || ' ' || con.contype::text || ' ' || pg_get_constraintdef(con.oid)
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid WHERE ${filter}`);
  return [columns, indexes, constraints]
    .flatMap((text) => text.split("\n"))
    .filter((line) => line.length > 0)
    .sort();
}
