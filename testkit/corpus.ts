import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { introspect } from "../src/django/introspect.js";
import type { Introspection } from "../src/domain/classify/migration.js";
import { LocalProcessExecutor } from "../src/executors/local-process.js";
import type { CorpusVendor } from "./corpus-cases.js";
import { createTestDatabase, psqlScript } from "./postgres.js";
import type { DjangoVersion } from "./python.js";

export const corpusDir = path.resolve(import.meta.dirname, "..", "test", "fixtures", "corpus");

/** Apps whose 0001_initial is the baseline every case migrates from (the squashed app starts empty). */
function baselineApps(version: DjangoVersion): string[] {
  const apps = ["fieldops", "schemaops", "codeops", "overrides", "thirdparty", "typeops", "sqlops"];
  return version === "5.2" ? [...apps, "modernops"] : apps;
}

/** A database of its own for the corpus, and the few questions the tests ask it. */
export interface CorpusDatabase {
  vendor: CorpusVendor;
  /** DATABASE_URL for the corpus settings. */
  url: string;
  appliedCount(): number;
  hasTable(table: string): boolean;
  columns(table: string): string[];
  /**
   * PostgreSQL: whether running the statements rewrites the table (its relfilenode changes); rolled back after.
   */
  rewrites(table: string, statements: readonly string[]): boolean;
  /** Records a migration as applied in django_migrations without running it; the function returned forgets it. */
  recordApplied(app: string, name: string): () => void;
  drop(): void;
}

function sqlite(file: string, sql: string): string {
  const script =
    "import sqlite3, sys\nwith sqlite3.connect(sys.argv[1]) as db:\n  for row in db.execute(sys.argv[2]).fetchall(): print(*row)";
  return execFileSync("/usr/bin/python3", ["-c", script, file, sql], { encoding: "utf8" }).trim();
}

export function createCorpusDatabase(vendor: CorpusVendor): CorpusDatabase {
  if (vendor === "postgresql") {
    const db = createTestDatabase("corpus");
    return {
      vendor,
      url: db.url,
      appliedCount: () => Number(db.query("SELECT count(*) FROM django_migrations")),
      hasTable: (table) => db.query(`SELECT to_regclass('${table}') IS NOT NULL`) === "t",
      columns: (table) =>
        db
          .query(
            `SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY 1`,
          )
          .split("\n"),
      rewrites: (table, statements) => {
        const file = `SELECT relfilenode FROM pg_class WHERE oid = '${table}'::regclass;`;
        const [before, after] = psqlScript(
          db.name,
          ["BEGIN;", file, ...statements, file, "ROLLBACK;"].join("\n"),
        ).split("\n");
        if (!before || !after) throw new Error(`no relfilenode for ${table}`);
        return before !== after;
      },
      recordApplied: (app, name) => {
        db.query(`INSERT INTO django_migrations (app, name, applied) VALUES ('${app}', '${name}', now())`);
        return () => db.query(`DELETE FROM django_migrations WHERE app = '${app}' AND name = '${name}'`);
      },
      drop: () => db.drop(),
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "phasegate-corpus-"));
  const file = path.join(dir, "corpus.sqlite3");
  return {
    vendor,
    url: `sqlite://${file}`,
    appliedCount: () => Number(sqlite(file, "SELECT count(*) FROM django_migrations")),
    hasTable: (table) => sqlite(file, `SELECT count(*) FROM sqlite_master WHERE name = '${table}'`) === "1",
    columns: (table) => sqlite(file, `SELECT name FROM pragma_table_info('${table}') ORDER BY 1`).split("\n"),
    rewrites: () => {
      throw new Error("relfilenode is PostgreSQL's");
    },
    recordApplied: (app, name) => {
      sqlite(
        file,
        `INSERT INTO django_migrations (app, name, applied) VALUES ('${app}', '${name}', datetime('now'))`,
      );
      return () => sqlite(file, `DELETE FROM django_migrations WHERE app = '${app}' AND name = '${name}'`);
    },
    drop: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Applies each app's baseline with Django itself (one process), so the pending cases meet a real schema. */
export function migrateBaseline(python: string, version: DjangoVersion, db: { url: string }): void {
  const apps = JSON.stringify(baselineApps(version));
  const script = `from django.core.management import call_command\nfor app in ${apps}: call_command("migrate", app, "0001_initial", verbosity=0)`;
  execFileSync(python, ["manage.py", "shell", "-c", script], {
    cwd: corpusDir,
    env: { ...process.env, DATABASE_URL: db.url },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

export function introspectCorpus(
  python: string,
  db: { url: string },
  targets: { app: string; migration: string }[] = [],
  settings?: string,
  env: Record<string, string> = {},
): Promise<Introspection> {
  return introspect({
    executor: new LocalProcessExecutor(),
    projectDir: corpusDir,
    python: [python],
    settings,
    targets,
    key: "corpus",
    env: { ...env, DATABASE_URL: db.url },
  });
}
