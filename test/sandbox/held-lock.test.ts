import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdTableLock } from "../../src/sandbox/held-lock.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";

let db: TestDatabase;

beforeAll(() => {
  db = createTestDatabase("heldlock");
  db.query("CREATE TABLE catalog_product (id int)");
});

afterAll(() => db?.drop());

const holders = () =>
  db.query(
    "SELECT a.pid || ' ' || a.state || ' ' || l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.relation = 'catalog_product'::regclass",
  );

describe("the sandbox's 'hold a lock' session", () => {
  it("stays idle in transaction holding ACCESS SHARE on the table until released", async () => {
    const held = await holdTableLock(db.url, "catalog_product");
    expect(holders()).toBe(`${held.pid} idle in transaction AccessShareLock`);
    await held.release();
    expect(holders()).toBe("");
  });

  it("says what went wrong when the table is not there", async () => {
    await expect(holdTableLock(db.url, "no_such_table")).rejects.toThrow(
      "could not hold a lock on no_such_table: psql ended without taking it",
    );
  });
});
