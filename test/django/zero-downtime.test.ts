import { afterAll, beforeAll, expect, it } from "vitest";
import { classifyMigration } from "../../src/domain/classify/classify.js";
import type { Introspection } from "../../src/domain/classify/migration.js";
import {
  type CorpusDatabase,
  createCorpusDatabase,
  introspectCorpus,
  migrateBaseline,
} from "../../testkit/corpus.js";
import { describeEachDjango } from "../../testkit/django-matrix.js";

const TARGET = [{ app: "thirdparty", migration: "0004_index_and_check" }];

/** thirdparty.0004 (an index and a CHECK) with Django's backend and with django-pg-zero-downtime-migrations'. */
describeEachDjango("django-pg-zero-downtime-migrations' SQL", (python, version) => {
  let db: CorpusDatabase;
  let plain: Introspection;
  let zeroDowntime: Introspection;

  beforeAll(async () => {
    db = createCorpusDatabase("postgresql");
    migrateBaseline(python, version, db);
    plain = await introspectCorpus(python, db, TARGET);
    zeroDowntime = await introspectCorpus(python, db, TARGET, "corpus.zero_downtime_settings");
  });
  afterAll(() => db?.drop());

  function judged(introspection: Introspection) {
    const migration = introspection.pending.find((m) => m.name === "0004_index_and_check");
    if (!migration) throw new Error("thirdparty.0004_index_and_check is not pending");
    return { migration, operations: classifyMigration(migration, introspection.vendor) };
  }

  it("Django's own backend: one transaction, an index that blocks writes, a CHECK that scans under the lock", () => {
    const { migration, operations } = judged(plain);
    expect(migration.transactional).toBe(true);
    const [index, check] = operations;
    expect(index?.locks).toEqual([{ table: "thirdparty_widget", mode: "SHARE" }]);
    expect(index?.lockWarnings.join(" ")).toContain("without CONCURRENTLY");
    expect(check?.lockWarnings.join(" ")).toContain("without NOT VALID");
  });

  it("the zero-downtime backend: no transaction, CONCURRENTLY and NOT VALID, so no lock warning", () => {
    const { migration, operations } = judged(zeroDowntime);
    expect(migration.transactional).toBe(false);
    const [index, check] = operations;
    expect(index?.sql).toEqual([
      'CREATE INDEX CONCURRENTLY "widget_name_idx" ON "thirdparty_widget" ("name");',
    ]);
    expect(index).toMatchObject({
      verdict: "expand",
      locks: [{ table: "thirdparty_widget", mode: "SHARE UPDATE EXCLUSIVE" }],
      lockWarnings: [],
    });
    expect(check?.sql.join(" ")).toContain("NOT VALID");
    expect(check?.sql.join(" ")).toContain("VALIDATE CONSTRAINT");
    expect(check).toMatchObject({ verdict: "expand", lockWarnings: [] });
  });

  it("without a transaction, a NOT NULL column whose default comes in the next operation is unsafe again", () => {
    const added = zeroDowntime.pending.find((m) => m.name === "0002_add_default_value");
    if (!added) throw new Error("thirdparty.0002_add_default_value is not pending");
    const [column, defaultValue] = classifyMigration(added, zeroDowntime.vendor);
    expect(column?.verdict).toBe("unsafe");
    expect(column?.reason).not.toContain("Judged with the column as the whole migration leaves it");
    expect(defaultValue?.verdict).toBe("expand");
  });
});
