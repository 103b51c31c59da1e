import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_GUARD_DEFAULTS } from "../../src/config/lock-guard-schema.js";
import { guardArgv, guardEnv } from "../../src/django/migrate-wrapper.js";
import { isLockTimeout } from "../../src/domain/locks/retry.js";
import { commandOutcome } from "../../src/domain/run/command-outcome.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import type { CommandResult } from "../../src/ports/executor.js";
import { createTestDatabase, pg, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { repoRoot } from "../../testkit/run-cli.js";

const ledgerDir = path.join(repoRoot, "test", "fixtures", "ledger");
const python = findDjangoPython();
const executor = new LocalProcessExecutor();
let db: TestDatabase;

async function migrate(
  target: string,
  statementTimeoutMs: number,
  inline = false,
  extraEnv: Record<string, string> = {},
): Promise<CommandResult> {
  const env = {
    PGHOST: pg.host,
    PGPORT: pg.port,
    PGUSER: pg.user,
    PGDATABASE: db.name,
    ...guardEnv({ ...LOCK_GUARD_DEFAULTS, statementTimeoutMs }, 60_000),
    ...extraEnv,
  };
  const argv = [python, ...guardArgv(inline), "manage.py", "migrate", "slow", target, "--no-input"];
  const execution = await executor.execute({ key: target, argv, cwd: ledgerDir, env, timeoutMs: 60_000 });
  if (execution.state !== "finished") throw new Error("a local process always finishes");
  return execution.result;
}

function slowConstraints(): string {
  return db.query(
    "SELECT conname FROM pg_constraint WHERE conrelid = 'slow_item'::regclass AND contype = 'c'",
  );
}

beforeAll(() => {
  db = createTestDatabase("pgguard");
});
afterAll(() => db.drop());

describe("migrate_guarded.py", () => {
  it("cancels an ALTER TABLE that holds ACCESS EXCLUSIVE past statement_timeout, a failure that is not retried", async () => {
    expect((await migrate("0001_initial", 300)).exitCode).toBe(0);
    const result = await migrate("0002_slow_check", 300);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("canceling statement due to statement timeout");
    expect(isLockTimeout(commandOutcome(["migrate"], result))).toBe(false);
    expect(slowConstraints()).toBe("");
  });

  it("limits only the statements that block readers: slow statements after them run to the end, in and out of a transaction", async () => {
    const result = await migrate("0003_slow_read", 2500, true);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Applying slow.0002_slow_check... OK");
    expect(result.stdout).toContain("Applying slow.0003_slow_read... OK");
    expect(slowConstraints()).toBe("slow_check");
  });

  it("never runs two migrates of one database at once: the second waits, then finds the target applied", async () => {
    const own = createTestDatabase("pgmigratelock");
    try {
      const on = (extra: Record<string, string> = {}) => ({ PGDATABASE: own.name, ...extra });
      expect((await migrate("0001_initial", 0, false, on())).exitCode).toBe(0);
      const again = await migrate("0001_initial", 0, false, on());
      expect(again.stdout).toContain("phasegate: already applied: slow 0001_initial");

      const first = migrate("0002_slow_check", 0, false, on());
      // Once the first one holds the migrate lock (its migration sleeps for seconds)…
      const deadline = Date.now() + 20_000;
      while (own.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") !== "1") {
        if (Date.now() > deadline) throw new Error("the first migrate never took the lock");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const impatient = await migrate(
        "0002_slow_check",
        0,
        false,
        on({ PHASEGATE_MIGRATE_LOCK_WAIT_MS: "300" }),
      );
      const [done, waited] = await Promise.all([first, migrate("0002_slow_check", 0, false, on())]);

      expect(impatient.exitCode).toBe(76);
      expect(impatient.stderr).toMatch(
        new RegExp(
          `phasegate: another migrate of database ${own.name} is still running \\(PostgreSQL backend \\d+`,
        ),
      );
      expect(done.exitCode).toBe(0);
      expect(done.stdout).toContain("Applying slow.0002_slow_check... OK");
      expect(waited.stderr).toContain(`another migrate of database ${own.name} is still running`);
      expect(waited.stderr).toContain("ended; going on");
      expect(waited.exitCode).toBe(0);
      expect(waited.stdout).toContain("phasegate: already applied: slow 0002_slow_check");
      expect(waited.stdout).not.toContain("Applying");
    } finally {
      own.drop();
    }
  }, 60_000);
});
