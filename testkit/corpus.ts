import { execFileSync } from "node:child_process";
import path from "node:path";
import { introspect } from "../src/django/introspect.js";
import type { Introspection } from "../src/domain/classify/migration.js";
import { LocalProcessExecutor } from "../src/executors/local-process.js";
import type { TestDatabase } from "./postgres.js";

export const corpusDir = path.resolve(import.meta.dirname, "..", "test", "fixtures", "corpus");

/** Apps whose 0001_initial is the baseline every case migrates from (the squashed app starts empty). */
const BASELINE_APPS = ["fieldops", "schemaops", "codeops", "overrides"];

/** Applies each app's baseline with Django itself, so the pending cases meet a real schema. */
export function migrateBaseline(python: string, db: TestDatabase): void {
  for (const app of BASELINE_APPS) {
    execFileSync(python, ["manage.py", "migrate", app, "0001_initial", "--no-input"], {
      cwd: corpusDir,
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: "ignore",
    });
  }
}

export function introspectCorpus(
  python: string,
  db: TestDatabase,
  targets: { app: string; migration: string }[] = [],
): Promise<Introspection> {
  return introspect({
    executor: new LocalProcessExecutor(),
    projectDir: corpusDir,
    python: [python],
    targets,
    key: "corpus",
    env: { DATABASE_URL: db.url },
  });
}
