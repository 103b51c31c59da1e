import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";

/** Connection settings of the PostgreSQL server tests use; override with PGHOST/PGPORT/PGUSER. */
export const pg = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: process.env.PGPORT ?? "5432",
  user: process.env.PGUSER ?? "postgres",
};

function psql(database: string, sql: string): string {
  return execFileSync(
    "psql",
    ["-h", pg.host, "-p", pg.port, "-U", pg.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
    { encoding: "utf8" },
  ).trim();
}

/** Runs a psql script (several statements, one transaction if it says so); the rows of its queries, one a line. */
export function psqlScript(database: string, script: string): string {
  return execFileSync(
    "psql",
    ["-h", pg.host, "-p", pg.port, "-U", pg.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-qtA", "-f", "-"],
    { encoding: "utf8", input: script },
  ).trim();
}

export interface TestDatabase {
  name: string;
  /** `postgres://user@host:port/name`, the DATABASE_URL the example projects read. */
  url: string;
  query(sql: string): string;
  drop(): void;
}

/** Creates an empty database of its own for one test file; `drop()` removes it (call it in afterAll). */
export function createTestDatabase(prefix = "pgtest"): TestDatabase {
  const name = `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  psql("postgres", `CREATE DATABASE ${name}`);
  return {
    name,
    url: `postgres://${pg.user}@${pg.host}:${pg.port}/${name}`,
    query: (sql) => psql(name, sql),
    drop: () => psql("postgres", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
