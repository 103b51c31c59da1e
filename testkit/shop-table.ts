import { execFileSync } from "node:child_process";
import type { TestDatabase } from "./postgres.js";
import { findDjangoPython } from "./python.js";
import { shopDir } from "./run-cli.js";

/**
 * The shop as production has it before a release: catalog 0001 applied and `rows` products in catalog_product
 * (every third one disabled), so a run applies 0002 and 0003 to a table that has data and readers.
 */
export function shopWithProducts(db: TestDatabase, rows: number): void {
  execFileSync(findDjangoPython(), ["manage.py", "migrate", "catalog", "0001", "--no-input"], {
    cwd: shopDir,
    env: { ...process.env, DATABASE_URL: db.url },
    stdio: "ignore",
  });
  db.query(
    `INSERT INTO catalog_product (name, is_enabled) SELECT 'p' || i, i % 3 <> 0 FROM generate_series(1, ${rows}) i`,
  );
}

/**
 * The shop as production has it before a release: each app's 0001 applied, so the release's operations meet tables
 * old code uses (a table the release itself creates is new, and nothing on it waits for the rollout).
 */
export function shopBeforeRelease(
  env: Record<string, string | undefined>,
  apps: readonly string[] = ["catalog"],
  python = findDjangoPython(),
  project = shopDir,
): void {
  for (const app of apps) {
    execFileSync(python, ["manage.py", "migrate", app, "0001", "--no-input"], {
      cwd: project,
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
  }
}
