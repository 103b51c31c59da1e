import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardArgv } from "../../src/django/migrate-wrapper.js";
import { createTestDatabase, pg, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { repoRoot } from "../../testkit/run-cli.js";

const ledgerDir = path.join(repoRoot, "test", "fixtures", "ledger");
const python = findDjangoPython();
const INDEX = "entry_amount_idx";
let db: TestDatabase;

function env(): NodeJS.ProcessEnv {
  return { ...process.env, PGHOST: pg.host, PGPORT: pg.port, PGUSER: pg.user, PGDATABASE: db.name };
}

interface Migrate {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** `manage.py migrate ledger <target>` under the lock guard, with a lock timeout far shorter than any wait here. */
function migrate(target: string): Migrate {
  const child = spawn(python, [...guardArgv(false), "manage.py", "migrate", "ledger", target, "--no-input"], {
    cwd: ledgerDir,
    env: { ...env(), PHASEGATE_LOCK_TIMEOUT_MS: "200", PHASEGATE_STATEMENT_TIMEOUT_MS: "0" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on("close", (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

/** A transaction that wrote to the table and stays open: a concurrent build waits for it to end. */
function openWriter(): { commit(): Promise<void> } {
  const psql = spawn("psql", ["-h", pg.host, "-p", pg.port, "-U", pg.user, "-d", db.name, "-qtA"], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  psql.stdin.write("BEGIN; INSERT INTO ledger_entry (amount, account_id) VALUES (1, 1);\n");
  return {
    commit: () =>
      new Promise((resolve) => {
        psql.on("close", () => resolve());
        psql.stdin.end("COMMIT;\n");
      }),
  };
}

/** The backend pid of the statement matching `pattern` once it waits on a lock, after waiting at least `ms`. */
async function waitingBackend(pattern: string, ms = 0): Promise<string> {
  const since = Date.now();
  const deadline = since + 30_000;
  for (;;) {
    const pid = db.query(
      `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '${pattern}' LIMIT 1`,
    );
    if (pid && Date.now() - since >= ms) return pid;
    if (Date.now() > deadline) throw new Error(`nothing like ${pattern} waited on a lock`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function indexState(): string {
  return db.query(
    `SELECT coalesce((SELECT CASE WHEN indisvalid THEN 'valid' ELSE 'INVALID' END FROM pg_index WHERE indexrelid = to_regclass('${INDEX}')), 'absent')`,
  );
}

beforeAll(() => {
  db = createTestDatabase("pgconcurrent");
  execFileSync(python, ["manage.py", "migrate", "ledger", "0002_entry_locks", "--no-input"], {
    cwd: ledgerDir,
    env: env(),
    stdio: "ignore",
  });
  db.query("INSERT INTO ledger_account (id, name) VALUES (1, 'cash')");
});
afterAll(() => db.drop());

describe("concurrent index builds under the lock guard (a long transaction holds the build back)", () => {
  it("a cancelled build leaves no INVALID index: the guard drops it before the migrate fails", async () => {
    const writer = openWriter();
    const run = migrate("0003_entry_concurrent_index");
    const build = await waitingBackend("CREATE INDEX CONCURRENTLY%");
    expect(indexState()).toBe("INVALID");
    db.query(`SELECT pg_cancel_backend(${build})`);
    // Dropping it waits for the same transaction, like the build did.
    await waitingBackend("DROP INDEX CONCURRENTLY%");
    await writer.commit();
    const result = await run.done;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("canceling statement due to user request");
    expect(result.stderr).toContain(`phasegate: dropping the INVALID index "${INDEX}" the failed build left`);
    expect(indexState()).toBe("absent");
  }, 60_000);

  it("waits for old transactions past the lock timeout instead of giving up, then builds a valid index", async () => {
    const writer = openWriter();
    const run = migrate("0003_entry_concurrent_index");
    // Five times the 200 ms lock timeout: a build under it would have been cancelled by now.
    await waitingBackend("CREATE INDEX CONCURRENTLY%", 1000);
    await writer.commit();
    const result = await run.done;
    expect(result.stderr).not.toContain("lock timeout");
    expect(result.code).toBe(0);
    expect(indexState()).toBe("valid");
  }, 60_000);

  it("a build killed with its process and backend is repaired by the next try", async () => {
    execFileSync(python, ["manage.py", "migrate", "ledger", "0002_entry_locks", "--no-input"], {
      cwd: ledgerDir,
      env: env(),
      stdio: "ignore",
    });
    expect(indexState()).toBe("absent");
    const writer = openWriter();
    const run = migrate("0003_entry_concurrent_index");
    const build = await waitingBackend("CREATE INDEX CONCURRENTLY%");
    run.child.kill("SIGKILL");
    db.query(`SELECT pg_terminate_backend(${build})`);
    expect((await run.done).signal).toBe("SIGKILL");
    await writer.commit();
    expect(indexState()).toBe("INVALID");

    const retry = await migrate("0003_entry_concurrent_index").done;
    expect(retry.stderr).toContain(
      `phasegate: dropping the INVALID index "${INDEX}" an earlier, interrupted build left`,
    );
    expect(retry.code).toBe(0);
    expect(indexState()).toBe("valid");
  }, 60_000);
});
