import { describe, expect, it } from "vitest";
import { classifyMigration } from "../../../src/domain/classify/classify.js";
import type { MigrationOperation } from "../../../src/domain/classify/migration.js";
import { planRelease } from "../../../src/domain/plan/planner.js";
import { introspection, migration, op, removeField } from "../../../testkit/migrations.js";

function runSql(sql: string, overrides: Partial<MigrationOperation> = {}): MigrationOperation {
  return op("RunSQL", { model: null, table: null, code: sql, sql: [sql], reversible: true, ...overrides });
}

function verdictOf(operation: MigrationOperation, transactional = true) {
  const [result] = classifyMigration(
    migration("catalog.0002_x", [operation], { transactional }),
    "postgresql",
  );
  if (!result) throw new Error("no classification");
  return result;
}

describe("RunSQL judged from its SQL", () => {
  it.each([
    ["ALTER TABLE catalog_product ADD COLUMN note text", "expand"],
    ["ALTER TABLE catalog_product ADD COLUMN rank integer NOT NULL DEFAULT 0", "expand"],
    ["ALTER TABLE catalog_product ADD COLUMN rank integer NOT NULL", "unsafe"],
    ["ALTER TABLE catalog_product ALTER COLUMN rank SET NOT NULL", "contract"],
    [
      "ALTER TABLE catalog_product ALTER COLUMN rank DROP NOT NULL, ALTER COLUMN rank SET DEFAULT 0",
      "expand",
    ],
    [
      "ALTER TABLE catalog_product ADD CONSTRAINT fk FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID",
      "expand",
    ],
    ["DROP INDEX CONCURRENTLY IF EXISTS product_rank_idx", "contract"],
    ["CREATE UNIQUE INDEX CONCURRENTLY product_sku_uniq ON catalog_product (sku)", "expand"],
    ["DROP TABLE catalog_legacy", "unsafe"],
    ["ALTER TABLE catalog_product RENAME TO catalog_item", "unsafe"],
    ["ALTER TABLE catalog_product ALTER COLUMN price TYPE numeric(12, 2)", "unsafe"],
    ["UPDATE catalog_product SET rank = 0", "unsafe"],
  ])("%s → %s", (sql, verdict) => {
    expect(verdictOf(runSql(sql)).verdict).toBe(verdict);
  });

  it("an annotation decides only what the SQL does not say, and never puts it earlier", () => {
    const backfill = verdictOf(runSql("UPDATE catalog_product SET rank = 0", { phaseHint: "expand" }));
    expect(backfill.verdict).toBe("expand");
    const tighten = verdictOf(
      runSql("ALTER TABLE catalog_product ALTER COLUMN rank SET NOT NULL", { phaseHint: "expand" }),
    );
    expect(tighten.verdict).toBe("contract");
    expect(tighten.reason).toContain("The SQL needs the contract phase, later than the annotation says.");
  });

  it("a drop quoted in several statements refuses even under a migration-level override, unless phasegate_override", () => {
    const sql = "UPDATE catalog_product SET rank = 0; ALTER TABLE catalog_product DROP COLUMN legacy";
    const overridden = migration("catalog.0002_x", [runSql(sql, { phaseHint: "contract" })], {
      override: { phase: "contract", source: "phasegate", raw: 'phase = "contract"' },
    });
    const [refused] = classifyMigration(overridden, "postgresql");
    expect(refused?.verdict).toBe("unsafe");
    expect(refused?.reason).toContain("`ALTER TABLE catalog_product DROP COLUMN legacy` drops column");
    const audited = verdictOf(runSql(sql, { phaseHint: "contract", sqlOverride: "unused since v41" }));
    expect(audited.verdict).toBe("contract");
    expect(audited.reason).toContain('phasegate_override "unused since v41"');
  });
});

describe("state operations judged with the database side", () => {
  const stateOnlyRemove = (database: MigrationOperation[]) =>
    op("SeparateDatabaseAndState", {
      sql: database.flatMap((d) => d.sql ?? []),
      databaseOperations: database,
      stateOperations: [removeField("code", { column: "code", null: false })],
    });

  it("a state-only RemoveField of a NOT NULL column is unsafe, unless the database side makes it nullable", () => {
    const alone = classifyMigration(migration("catalog.0002_x", [stateOnlyRemove([])]), "postgresql");
    expect(alone.map((r) => [r.path, r.verdict])).toEqual([["0", "unsafe"]]);
    expect(alone[0]?.recipe?.[0]).toContain('AlterField "code" to null=True');

    const nullable = runSql('ALTER TABLE "catalog_product" ALTER COLUMN "code" DROP NOT NULL');
    const paired = classifyMigration(
      migration("catalog.0002_x", [stateOnlyRemove([nullable])]),
      "postgresql",
    );
    expect(paired.map((r) => [r.path, r.verdict])).toEqual([["0.db.0", "expand"]]);
  });

  it("RunSQL whose state removes a NOT NULL column its SQL leaves is unsafe", () => {
    const result = verdictOf(
      runSql("CREATE INDEX CONCURRENTLY product_x_idx ON catalog_product (x)", {
        stateOperations: [removeField("code", { column: "code", null: false })],
      }),
    );
    expect(result.verdict).toBe("unsafe");
    expect(result.reason).toContain("from Django's state only");
  });
});

describe("the release as a whole", () => {
  it("refuses a release that lacks migrations the database has applied, listing them", () => {
    const result = planRelease({
      ...introspection([migration("catalog.0002_x", [op("CreateModel", { table: "catalog_new" })])]),
      appliedNotInRelease: [
        { app: "catalog", name: "0003_y" },
        { app: "orders", name: "0007_z" },
      ],
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.refusals.map((r) => [r.code, r.message])).toEqual([
      [
        "release-behind-database",
        expect.stringContaining(
          "applied 2 migrations this release does not have: catalog.0003_y, orders.0007_z.",
        ),
      ],
    ]);
  });

  it("a lock held since an earlier operation is noted only when the migration runs in one transaction", () => {
    const operations = [
      op("AlterField", { sql: ['ALTER TABLE "catalog_product" ALTER COLUMN "a" DROP NOT NULL;'] }),
      op("AddIndex", { objectName: "i", sql: ['CREATE INDEX "i" ON "catalog_product" ("a");'] }),
    ];
    const held = (transactional: boolean) =>
      classifyMigration(migration("catalog.0002_x", operations, { transactional }), "postgresql")[1]?.notes ??
      [];
    expect(held(true)).toContainEqual(
      expect.stringContaining("already holds ACCESS EXCLUSIVE on catalog_product"),
    );
    expect(held(false).join(" ")).not.toContain("already holds");
  });
});
