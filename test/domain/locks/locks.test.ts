import { describe, expect, it } from "vitest";
import { createdTables, operationLockFacts, statementLocks } from "../../../src/domain/locks/analyse.js";
import { splitStatements } from "../../../src/domain/locks/sql.js";

const noneCreated = new Set<string>();

function notesOf(sql: string, created: ReadonlySet<string> = noneCreated): string[] {
  return operationLockFacts([sql], "catalog_product", created).notes;
}

describe("statementLocks", () => {
  it.each([
    [
      'ALTER TABLE "catalog_product" ADD COLUMN "is_active" boolean NULL',
      "catalog_product",
      "ACCESS EXCLUSIVE",
    ],
    ['ALTER TABLE "catalog_product" DROP COLUMN "is_enabled" CASCADE', "catalog_product", "ACCESS EXCLUSIVE"],
    ['DROP TABLE "catalog_legacy" CASCADE', "catalog_legacy", "ACCESS EXCLUSIVE"],
    ['CREATE INDEX "p_name_idx" ON "catalog_product" ("name")', "catalog_product", "SHARE"],
    ['CREATE UNIQUE INDEX "p_sku_uniq" ON "catalog_product" ("sku")', "catalog_product", "SHARE"],
    [
      'CREATE INDEX CONCURRENTLY "p_name_idx" ON "catalog_product" ("name")',
      "catalog_product",
      "SHARE UPDATE EXCLUSIVE",
    ],
    ['ALTER TABLE "catalog_product" VALIDATE CONSTRAINT "c"', "catalog_product", "SHARE UPDATE EXCLUSIVE"],
    ['UPDATE "catalog_product" SET "is_active" = true', "catalog_product", "ROW EXCLUSIVE"],
    ["LOCK TABLE catalog_product IN SHARE MODE", "catalog_product", "SHARE"],
    ["TRUNCATE public.Catalog_Product", "public.catalog_product", "ACCESS EXCLUSIVE"],
  ])("%s → %s %s", (sql, table, mode) => {
    expect(statementLocks(sql, null)).toEqual([{ table, mode }]);
  });

  it("ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on the altered and on the referenced table", () => {
    const sql =
      'ALTER TABLE "catalog_product" ADD CONSTRAINT "p_cat_fk" FOREIGN KEY ("category_id") REFERENCES "catalog_category" ("id") DEFERRABLE INITIALLY DEFERRED';
    expect(statementLocks(sql, null)).toEqual([
      { table: "catalog_product", mode: "SHARE ROW EXCLUSIVE" },
      { table: "catalog_category", mode: "SHARE ROW EXCLUSIVE" },
    ]);
  });

  it("an ALTER TABLE with several subcommands takes the strongest of their locks", () => {
    const sql = 'ALTER TABLE "t" VALIDATE CONSTRAINT "c", ALTER COLUMN "x" SET NOT NULL';
    expect(statementLocks(sql, null)).toEqual([{ table: "t", mode: "ACCESS EXCLUSIVE" }]);
  });

  it("DROP INDEX locks the table the operation names", () => {
    expect(statementLocks('DROP INDEX IF EXISTS "p_name_idx"', "catalog_product")).toEqual([
      { table: "catalog_product", mode: "ACCESS EXCLUSIVE" },
    ]);
    expect(statementLocks('DROP INDEX CONCURRENTLY "p_name_idx"', "catalog_product")).toEqual([
      { table: "catalog_product", mode: "SHARE UPDATE EXCLUSIVE" },
    ]);
  });

  it("a new table locks only the tables it references", () => {
    const sql =
      'CREATE TABLE "catalog_review" ("id" serial PRIMARY KEY, "product_id" integer REFERENCES "catalog_product" ("id"))';
    expect(statementLocks(sql, null)).toEqual([{ table: "catalog_product", mode: "SHARE ROW EXCLUSIVE" }]);
  });
});

describe("operationLockFacts", () => {
  it("keeps the strongest lock per table over all statements of an operation", () => {
    const facts = operationLockFacts(
      [
        'ALTER TABLE "catalog_product" ADD COLUMN "code" varchar(10) NULL',
        'CREATE INDEX "p_code_idx" ON "catalog_product" ("code")',
      ],
      "catalog_product",
      noneCreated,
    );
    expect(facts.locks).toEqual([{ table: "catalog_product", mode: "ACCESS EXCLUSIVE" }]);
  });

  it("reads every statement of a RunSQL text and ignores comments", () => {
    const facts = operationLockFacts(
      ["-- ALTER TABLE ignored\nUPDATE t SET a = ';'; DROP TABLE u"],
      null,
      noneCreated,
    );
    expect(facts.locks).toEqual([
      { table: "t", mode: "ROW EXCLUSIVE" },
      { table: "u", mode: "ACCESS EXCLUSIVE" },
    ]);
  });
});

describe("lock flags", () => {
  it("flags an index built without CONCURRENTLY on an existing table, not on a table the migration creates", () => {
    const sql = 'CREATE INDEX "p_name_idx" ON "catalog_product" ("name")';
    expect(notesOf(sql)).toEqual([expect.stringContaining("without CONCURRENTLY")]);
    expect(notesOf(sql, new Set(["catalog_product"]))).toEqual([]);
    expect(notesOf('CREATE INDEX CONCURRENTLY "p_name_idx" ON "catalog_product" ("name")')).toEqual([]);
  });

  it("flags NOT NULL set in one step, with the CHECK NOT VALID recipe", () => {
    const [note] = notesOf('ALTER TABLE "catalog_product" ALTER COLUMN "is_active" SET NOT NULL');
    expect(note).toContain("catalog_product.is_active");
    expect(note).toContain("CHECK (is_active IS NOT NULL) NOT VALID");
    expect(note).toContain("VALIDATE CONSTRAINT");
    expect(note).toContain("DROP CONSTRAINT");
  });

  it("flags a foreign key or CHECK constraint added without NOT VALID", () => {
    const fk =
      'ALTER TABLE "catalog_product" ADD CONSTRAINT "fk" FOREIGN KEY ("category_id") REFERENCES "catalog_category" ("id")';
    expect(notesOf(fk)).toEqual([expect.stringContaining("FOREIGN KEY constraint on existing table")]);
    expect(notesOf(`${fk} NOT VALID`)).toEqual([]);
    const check = 'ALTER TABLE "catalog_product" ADD CONSTRAINT "positive" CHECK ("price" > 0)';
    expect(notesOf(check)).toEqual([expect.stringContaining("CHECK constraint")]);
    expect(notesOf(`${check} NOT VALID`)).toEqual([]);
    expect(notesOf(fk, new Set(["catalog_product"]))).toEqual([]);
  });

  it("flags a unique constraint that builds its index under the exclusive lock", () => {
    expect(notesOf('ALTER TABLE "catalog_product" ADD CONSTRAINT "u" UNIQUE ("sku")')).toEqual([
      expect.stringContaining("UNIQUE USING INDEX"),
    ]);
    expect(notesOf('ALTER TABLE "catalog_product" ADD CONSTRAINT "u" UNIQUE USING INDEX "i"')).toEqual([]);
  });

  it.each(["random()", "gen_random_uuid()", "clock_timestamp()", "(GEN_RANDOM_UUID())"])(
    "flags ADD COLUMN with the volatile default %s as a table rewrite",
    (expression) => {
      const notes = notesOf(
        `ALTER TABLE "catalog_product" ADD COLUMN "token" uuid DEFAULT ${expression} NOT NULL`,
      );
      expect(notes).toEqual([expect.stringContaining("rewrites the whole table")]);
    },
  );

  it("does not flag constant or stable defaults: PostgreSQL 11+ stores them without a rewrite", () => {
    expect(notesOf('ALTER TABLE "catalog_product" ADD COLUMN "flag" boolean DEFAULT true NOT NULL')).toEqual(
      [],
    );
    expect(
      notesOf('ALTER TABLE "catalog_product" ADD COLUMN "at" timestamptz DEFAULT now() NOT NULL'),
    ).toEqual([]);
  });
});

describe("SQL reading", () => {
  it("finds the tables a migration creates", () => {
    expect(
      createdTables(['CREATE TABLE "catalog_review" ("id" serial)', "CREATE TABLE IF NOT EXISTS x (a int)"]),
    ).toEqual(new Set(["catalog_review", "x"]));
  });

  it("splits on semicolons outside quotes", () => {
    expect(splitStatements(`INSERT INTO t VALUES ('a;b'); SELECT ";"`)).toEqual([
      "INSERT INTO t VALUES ('a;b')",
      'SELECT ";"',
    ]);
  });
});
