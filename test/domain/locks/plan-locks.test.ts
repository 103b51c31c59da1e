import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, pg, type TestDatabase } from "../../../testkit/postgres.js";
import { findDjangoPython } from "../../../testkit/python.js";
import { repoRoot, runCli } from "../../../testkit/run-cli.js";

const python = findDjangoPython();
const ledgerDir = path.join(repoRoot, "test", "fixtures", "ledger");

interface OperationJson {
  app: string;
  migration: string;
  path: string;
  notes: string[];
  locks: { table: string; mode: string }[];
}

describe("phasegate plan reports the locks of a real Django project's migrations", () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(() => {
    db = createTestDatabase("pglocks");
    env = { PGHOST: pg.host, PGPORT: pg.port, PGUSER: pg.user, PGDATABASE: db.name };
    // The tables exist before the release: a table the release itself creates locks nobody out.
    execFileSync(python, ["manage.py", "migrate", "ledger", "0001_initial", "--no-input"], {
      cwd: ledgerDir,
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
  });
  afterAll(() => db.drop());

  it("--json carries each operation's locks and flags", async () => {
    const run = await runCli(["plan", "--project", ledgerDir, "--python", python, "--json"], env);
    expect(run.stderr).toBe("");
    const operations = (JSON.parse(run.stdout) as { operations: OperationJson[] }).operations;
    const byPath = new Map(operations.map((o) => [`${o.app}.${o.migration}/${o.path}`, o]));
    const at = (key: string) => byPath.get(key) ?? { notes: [], locks: [] };

    expect(byPath.has("ledger.0001_initial/1")).toBe(false);
    expect(at("ledger.0002_entry_locks/0").locks).toEqual([{ table: "ledger_entry", mode: "SHARE" }]);
    expect(at("ledger.0002_entry_locks/0").notes).toEqual([expect.stringContaining("without CONCURRENTLY")]);
    expect(at("ledger.0002_entry_locks/1").locks).toEqual([
      { table: "ledger_entry", mode: "ACCESS EXCLUSIVE" },
    ]);
    expect(at("ledger.0002_entry_locks/1").notes).toEqual([expect.stringContaining("CHECK constraint")]);
    expect(at("ledger.0002_entry_locks/2").locks).toEqual([
      { table: "ledger_entry", mode: "ACCESS EXCLUSIVE" },
      { table: "ledger_account", mode: "SHARE ROW EXCLUSIVE" },
    ]);
    expect(at("ledger.0002_entry_locks/3").notes).toEqual([
      expect.stringContaining("volatile default gen_random_uuid()"),
    ]);
    expect(at("ledger.0003_entry_concurrent_index/0")).toMatchObject({
      notes: [],
      locks: [{ table: "ledger_entry", mode: "SHARE UPDATE EXCLUSIVE" }],
    });
    expect(at("ledger.0004_entry_memo_not_null/0").notes).toEqual([
      expect.stringContaining("CHECK (memo IS NOT NULL) NOT VALID"),
    ]);
  });

  it("the text output shows lock lines and notes under each operation", async () => {
    const run = await runCli(["plan", "--project", ledgerDir, "--python", python], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("lock: SHARE on ledger_entry (blocks writes, reads go on)");
    expect(run.stdout).toContain("lock: ACCESS EXCLUSIVE on ledger_entry (blocks reads and writes)");
    expect(run.stdout).toMatch(
      /note: Builds index entry_memo_idx on existing table ledger_entry without CONCURRENTLY/,
    );
    expect(run.stdout).toMatch(/note: Sets NOT NULL on ledger_entry\.memo in one step/);
  });
});
