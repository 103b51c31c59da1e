import { describe, expect, it } from "vitest";
import { classifyMigration } from "../../../src/domain/classify/classify.js";
import type { MigrationOperation } from "../../../src/domain/classify/migration.js";
import { addField, alterField, field, migration, op, removeField } from "../../../testkit/migrations.js";

function classifyOne(operation: MigrationOperation, vendor = "postgresql") {
  const [result] = classifyMigration(migration("catalog.0002_change", [operation]), vendor);
  if (!result) throw new Error("no classification");
  return result;
}

describe("AddField", () => {
  it("adds a nullable column as expand", () => {
    const result = classifyOne(addField("is_active", { null: true, internalType: "BooleanField" }));
    expect(result.verdict).toBe("expand");
    expect(result.reason).toContain("nullable column catalog_product.is_active");
    expect(result.recipe).toBeNull();
  });

  it("adds a column with a database default as expand", () => {
    const result = classifyOne(addField("status", { hasDbDefault: true, dbDefault: "'new'" }));
    expect(result.verdict).toBe("expand");
    expect(result.reason).toContain("database default");
  });

  it("refuses BooleanField(default=True): the Python default does not stay on the column", () => {
    const result = classifyOne(addField("is_enabled", { internalType: "BooleanField", hasDefault: true }));
    expect(result.verdict).toBe("unsafe");
    expect(result.reason).toContain("old code's INSERTs do not name it and fail");
    expect(result.reason).toContain("default= only fills the existing rows");
    expect(result.recipe).toEqual([
      expect.stringMatching(/^Release 1 \(expand\): add "is_enabled" with null=True/),
      expect.stringMatching(/^Release 2 \(expand\): backfill/),
      expect.stringMatching(/^Release 3 \(contract\): AlterField "is_enabled" to null=False/),
      expect.stringContaining("db_default"),
    ]);
  });

  it("refuses a NOT NULL column without any default", () => {
    const result = classifyOne(addField("sku", {}));
    expect(result.verdict).toBe("unsafe");
    expect(result.reason).not.toContain("default= only fills");
  });

  it("creates the join table of a many-to-many field as expand", () => {
    const result = classifyOne(addField("tags", { column: null, dbType: null, manyToMany: true }));
    expect(result.verdict).toBe("expand");
    expect(result.reason).toContain("join table");
  });

  it("notes the index a unique column builds on PostgreSQL", () => {
    const sql = ['ALTER TABLE "catalog_product" ADD COLUMN "code" varchar(10) NULL UNIQUE;'];
    const result = classifyOne(addField("code", { null: true, unique: true }, { sql }));
    expect(result.verdict).toBe("expand");
    expect(result.notes.join(" ")).toContain("unique index on existing table catalog_product");
    expect(classifyOne(addField("code", { null: true, unique: true }, { sql }), "sqlite").notes).toEqual([]);
  });
});

describe("RemoveField", () => {
  it("drops a nullable column as contract", () => {
    const result = classifyOne(removeField("is_enabled", { null: true }));
    expect(result.verdict).toBe("contract");
    expect(result.reason).toContain("Drops column catalog_product.is_enabled");
  });

  it("drops a column with a database default as contract", () => {
    expect(classifyOne(removeField("status", { hasDbDefault: true })).verdict).toBe("contract");
  });

  it("refuses dropping a NOT NULL column without a database default, with the two-release recipe", () => {
    const result = classifyOne(removeField("is_enabled", { hasDefault: true }));
    expect(result.verdict).toBe("unsafe");
    expect(result.reason).toContain("new code's INSERTs do not name it and fail");
    expect(result.recipe).toEqual([
      'Release 1 (expand): AlterField "is_enabled" to null=True (DROP NOT NULL) and stop using it in the code.',
      'Release 2 (contract): RemoveField "is_enabled".',
    ]);
  });

  it("drops the join table of a many-to-many field as contract", () => {
    const result = classifyOne(removeField("tags", { column: null, manyToMany: true }));
    expect(result.verdict).toBe("contract");
  });
});

describe("AlterField", () => {
  it("dropping NOT NULL is expand", () => {
    const result = classifyOne(alterField("is_enabled", { null: false }, { null: true }));
    expect(result.verdict).toBe("expand");
    expect(result.reason).toContain("drops NOT NULL");
  });

  it("adding NOT NULL is contract, with the lock noted on PostgreSQL", () => {
    const result = classifyOne({
      ...alterField("is_active", { null: true }, { null: false }),
      sql: ['ALTER TABLE "catalog_product" ALTER COLUMN "is_active" SET NOT NULL;'],
    });
    expect(result.verdict).toBe("contract");
    expect(result.reason).toContain("adds NOT NULL");
    expect(result.locks).toEqual([{ table: "catalog_product", mode: "ACCESS EXCLUSIVE" }]);
    expect(result.notes.join(" ")).toContain("NOT VALID");
  });

  it("widening a varchar is expand", () => {
    const result = classifyOne(
      alterField(
        "name",
        { dbType: "varchar(50)", maxLength: 50 },
        { dbType: "varchar(200)", maxLength: 200 },
      ),
    );
    expect(result.verdict).toBe("expand");
    expect(result.reason).toContain("widens varchar(50) to varchar(200)");
  });

  it("narrowing a varchar is unsafe", () => {
    const result = classifyOne(alterField("name", { dbType: "varchar(200)" }, { dbType: "varchar(50)" }));
    expect(result.verdict).toBe("unsafe");
    expect(result.reason).toContain("changes the column type from varchar(200) to varchar(50)");
  });

  it("changing the column type is unsafe with a dual-write recipe", () => {
    const result = classifyOne(
      alterField(
        "price",
        { internalType: "IntegerField", dbType: "integer" },
        { internalType: "DecimalField", dbType: "numeric(10, 2)" },
      ),
    );
    expect(result.verdict).toBe("unsafe");
    expect(result.recipe?.[0]).toContain('"price_new"');
    expect(result.recipe).toHaveLength(3);
  });

  it("widening a varchar while adding NOT NULL is contract", () => {
    const result = classifyOne(
      alterField("name", { dbType: "varchar(50)", null: true }, { dbType: "varchar(80)" }),
    );
    expect(result.verdict).toBe("contract");
  });

  it("changing db_column renames the column and is unsafe", () => {
    const result = classifyOne(alterField("name", { column: "name" }, { column: "title" }));
    expect(result.verdict).toBe("unsafe");
    expect(result.recipe?.[0]).toContain('db_column="name"');
  });

  it("only help_text or choices (no SQL) is neutral", () => {
    const operation = { ...alterField("name", {}, {}), sql: [] };
    const result = classifyOne(operation);
    expect(result.verdict).toBe("neutral");
    expect(result.reason).toContain("Emits no SQL on postgresql");
  });

  it("SQL of only comments and BEGIN/COMMIT (as sqlmigrate prints it) counts as no SQL", () => {
    const operation = {
      ...alterField("name", {}, { null: true }),
      sql: ["BEGIN;", "--", "-- Alter field name", "--", "COMMIT;"],
    };
    expect(classifyOne(operation).verdict).toBe("neutral");
  });

  it("without collected SQL, judges the field facts and says so", () => {
    const operation = { ...alterField("name", {}, {}), sql: null, sqlError: "no database connection" };
    const result = classifyOne(operation);
    expect(result.verdict).toBe("expand");
    expect(result.notes).toContain(
      "The SQL could not be collected (no database connection); judged from the operation's facts.",
    );
  });

  it("dropping a unique constraint or an index is contract; adding one is expand", () => {
    expect(classifyOne(alterField("code", { unique: true }, {})).verdict).toBe("contract");
    expect(classifyOne(alterField("code", { dbIndex: true }, {})).verdict).toBe("contract");
    expect(classifyOne(alterField("code", {}, { unique: true })).verdict).toBe("expand");
    expect(classifyOne(alterField("code", {}, { dbIndex: true })).verdict).toBe("expand");
  });

  it("adding a database default is expand, dropping it is contract", () => {
    expect(classifyOne(alterField("status", {}, { hasDbDefault: true })).verdict).toBe("expand");
    expect(classifyOne(alterField("status", { hasDbDefault: true }, {})).verdict).toBe("contract");
  });

  it("pointing a foreign key at another model is unsafe", () => {
    const fk = { internalType: "ForeignKey", dbType: "integer" };
    const result = classifyOne(
      alterField("owner", { ...fk, relatedModel: "auth.user" }, { ...fk, relatedModel: "crm.person" }),
    );
    expect(result.verdict).toBe("unsafe");
  });

  it("a many-to-many field has no column to alter", () => {
    const m2m = { column: null, dbType: null, manyToMany: true };
    expect(classifyOne(alterField("tags", m2m, m2m)).verdict).toBe("neutral");
  });

  it("without the field before, refuses rather than guess", () => {
    const result = classifyOne(op("AlterField", { field: "name", fieldFacts: null }));
    expect(result.verdict).toBe("unsafe");
    expect(result.reason).toContain("cannot judge");
  });
});

describe("renames", () => {
  it("RenameField is unsafe with the db_column shortcut and a three-release recipe", () => {
    const result = classifyOne(op("RenameField", { field: "title", oldName: "title", newName: "name" }));
    expect(result.verdict).toBe("unsafe");
    expect(result.reason).toContain('Renames column "title" to "name"');
    expect(result.recipe?.[0]).toContain('db_column="title"');
    expect(result.recipe?.slice(1).map((line) => line.match(/Release \d/)?.[0])).toEqual([
      "Release 1",
      "Release 2",
      "Release 3",
    ]);
  });

  it("RenameField that emits no SQL (db_column kept) is neutral", () => {
    const result = classifyOne(op("RenameField", { oldName: "title", newName: "name", sql: [] }));
    expect(result.verdict).toBe("neutral");
  });

  it("RenameModel and AlterModelTable rename the table and are unsafe", () => {
    const rename = classifyOne(op("RenameModel", { oldName: "catalog_item", newName: "catalog_product" }));
    expect(rename.verdict).toBe("unsafe");
    expect(rename.reason).toContain("Renames table catalog_item to catalog_product");
    expect(rename.recipe?.[0]).toContain('Meta.db_table = "catalog_item"');
    expect(rename.recipe?.[1]).toContain('create the new model with table "catalog_product"');
    const table = classifyOne(op("AlterModelTable", { oldName: "catalog_product", newName: "shop_product" }));
    expect(table.verdict).toBe("unsafe");
    expect(table.reason).toContain("Renames table catalog_product to shop_product");
  });
});

describe("models", () => {
  it("CreateModel is expand and DeleteModel is contract", () => {
    expect(classifyOne(op("CreateModel")).verdict).toBe("expand");
    const deleted = classifyOne(op("DeleteModel"));
    expect(deleted.verdict).toBe("contract");
    expect(deleted.reason).toContain("Drops table catalog_product");
  });

  it("AlterModelOptions and AlterModelManagers are neutral even when the SQL was not collected", () => {
    expect(classifyOne(op("AlterModelOptions", { sql: null })).verdict).toBe("neutral");
    expect(classifyOne(op("AlterModelManagers", { sql: [] })).verdict).toBe("neutral");
  });
});

describe("indexes and constraints", () => {
  it("AddIndex is expand and notes the SHARE lock on PostgreSQL only", () => {
    const sql = ['CREATE INDEX "product_name_idx" ON "catalog_product" ("name");'];
    const pg = classifyOne(op("AddIndex", { objectName: "product_name_idx", sql }));
    expect(pg.verdict).toBe("expand");
    expect(pg.notes.join(" ")).toContain("SHARE lock");
    expect(pg.notes.join(" ")).toContain("AddIndexConcurrently");
    expect(classifyOne(op("AddIndex", { objectName: "i", sql }), "sqlite").notes).toEqual([]);
  });

  it("AddIndexConcurrently is expand without a lock note", () => {
    const result = classifyOne(op("AddIndexConcurrently", { objectName: "product_name_idx" }));
    expect(result.verdict).toBe("expand");
    expect(result.notes).toEqual([]);
  });

  it("RemoveIndex and RemoveConstraint are contract", () => {
    expect(classifyOne(op("RemoveIndex", { objectName: "i" })).verdict).toBe("contract");
    expect(classifyOne(op("RemoveConstraint", { objectName: "c" })).verdict).toBe("contract");
  });

  it("AddConstraint is expand; a CHECK without NOT VALID is noted as a table scan", () => {
    const check = classifyOne(
      op("AddConstraint", {
        objectName: "price_positive",
        sql: ['ALTER TABLE "catalog_product" ADD CONSTRAINT "price_positive" CHECK ("price" > 0);'],
      }),
    );
    expect(check.verdict).toBe("expand");
    expect(check.locks).toEqual([{ table: "catalog_product", mode: "ACCESS EXCLUSIVE" }]);
    expect(check.notes.join(" ")).toContain("NOT VALID");
    const notValid = classifyOne(
      op("AddConstraint", { sql: ['ALTER TABLE "t" ADD CONSTRAINT "c" CHECK ("p" > 0) NOT VALID;'] }),
    );
    expect(notValid.notes.join(" ")).not.toContain("every existing row");
  });

  it("AlterUniqueTogether that removes a set is contract, one that only adds is expand", () => {
    const removes = classifyOne(
      op("AlterUniqueTogether", { togetherBefore: [["sku", "shop"]], togetherAfter: [] }),
    );
    expect(removes.verdict).toBe("contract");
    expect(removes.reason).toContain("(sku, shop)");
    const adds = classifyOne(
      op("AlterIndexTogether", {
        togetherBefore: [["a", "b"]],
        togetherAfter: [
          ["b", "a"],
          ["c", "d"],
        ],
      }),
    );
    expect(adds.verdict).toBe("expand");
    expect(adds.reason).toContain("(c, d)");
  });
});

describe("RunSQL and RunPython", () => {
  it("without a phase hint they are unsafe, with how to annotate them", () => {
    const result = classifyOne(
      op("RunPython", { code: "catalog.migrations.backfill", reversible: false, sql: null }),
    );
    expect(result.verdict).toBe("unsafe");
    expect(result.recipe?.[0]).toContain('hints={"phase": "expand"}');
    expect(result.notes).toContain("It has no reverse, so it cannot be rolled back.");
  });

  it("a phase hint decides, marked as overridden", () => {
    const result = classifyOne(op("RunSQL", { code: "UPDATE ...", phaseHint: "contract" }));
    expect(result.verdict).toBe("contract");
    expect(result.overridden).toBe(true);
  });
});

describe("SeparateDatabaseAndState", () => {
  it("judges only its database operations, with nested paths", () => {
    const operation = op("SeparateDatabaseAndState", {
      index: 0,
      databaseOperations: [{ ...removeField("legacy", { null: true }), index: 0 }],
      stateOperations: [{ ...removeField("legacy", {}), index: 0 }],
    });
    const results = classifyMigration(
      migration("catalog.0004_x", [op("CreateModel", { table: "catalog_other" }), operation]),
      "postgresql",
    );
    expect(results.map((r) => [r.path, r.type, r.verdict])).toEqual([
      ["0", "CreateModel", "expand"],
      ["1.db.0", "RemoveField", "contract"],
    ]);
  });

  it("state-only is neutral", () => {
    const operation = op("SeparateDatabaseAndState", {
      databaseOperations: [],
      stateOperations: [op("DeleteModel")],
    });
    expect(classifyOne(operation).verdict).toBe("neutral");
  });
});

describe("unknown operations", () => {
  it("are refused unless they emit no SQL", () => {
    expect(classifyOne(op("SetFillFactor")).verdict).toBe("unsafe");
    expect(classifyOne(op("SetFillFactor", { sql: [] })).verdict).toBe("neutral");
    expect(classifyOne(op("CreateExtension")).verdict).toBe("expand");
  });
});

describe("migration overrides", () => {
  const unsafe = op("RenameField", { oldName: "a", newName: "b" });

  it("an expand override allows an unsafe operation and keeps what was wrong", () => {
    const m = migration("catalog.0005_rename", [unsafe, op("AlterModelOptions", { sql: [] })], {
      override: { phase: "expand", source: "phasegate", raw: '"expand"' },
    });
    const [renamed, options] = classifyMigration(m, "postgresql");
    expect(renamed?.verdict).toBe("expand");
    expect(renamed?.overridden).toBe(true);
    expect(renamed?.reason).toContain("Without it: unsafe — Renames column");
    expect(renamed?.recipe).toBeNull();
    expect(options?.verdict).toBe("neutral");
  });

  it("a contract override (django-syzygy's Stage.POST_DEPLOY) makes every operation contract", () => {
    const m = migration("catalog.0006_x", [addField("x", { null: true })], {
      override: { phase: "contract", source: "syzygy", raw: "Stage.POST_DEPLOY" },
    });
    expect(classifyMigration(m, "postgresql")[0]?.verdict).toBe("contract");
  });

  it('"any" (django-safemigrate\'s Safe.always) runs it with the expand phase', () => {
    const m = migration("catalog.0007_x", [removeField("x", { null: true })], {
      override: { phase: "any", source: "safemigrate", raw: "Safe.always" },
    });
    const [result] = classifyMigration(m, "postgresql");
    expect(result?.verdict).toBe("expand");
    expect(result?.reason).toContain("Safe.always");
  });
});

describe("Django 5.x field features", () => {
  it("db_default=None on a NOT NULL column is no default: adding it is unsafe, removing it too", () => {
    const nullDefault = { hasDbDefault: true, dbDefault: "None", dbDefaultIsNull: true };
    const added = classifyOne(addField("weight", nullDefault));
    expect(added.verdict).toBe("unsafe");
    expect(added.reason).toContain(
      "with db_default=None: the database default is NULL (DEFAULT NULL NOT NULL)",
    );
    const removed = classifyOne(removeField("weight", nullDefault));
    expect(removed.verdict).toBe("unsafe");
    expect(removed.reason).toContain("(its db_default=None is a default of NULL)");
    expect(classifyOne(alterField("weight", {}, nullDefault)).reason).not.toContain(
      "adds a database default",
    );
  });

  it("a generated column is expand to add and contract to drop; the stored one's table rewrite is noted", () => {
    const generated = {
      generated: { expression: "F(price) * Value(2)", stored: true },
      internalType: "GeneratedField",
    };
    const sql = [
      'ALTER TABLE "catalog_product" ADD COLUMN "double_price" integer GENERATED ALWAYS AS (("price" * 2)) STORED;',
    ];
    const added = classifyOne(addField("double_price", generated, { sql }));
    expect(added.verdict).toBe("expand");
    expect(added.recipe).toBeNull();
    expect(added.reason).toContain("Adds stored generated column catalog_product.double_price");
    expect(added.lockWarnings).toEqual([
      expect.stringContaining(
        "Adds stored generated column double_price on existing table catalog_product: PostgreSQL computes it for every row, rewriting the whole table under an ACCESS EXCLUSIVE lock",
      ),
    ]);
    expect(classifyOne(removeField("double_price", generated)).verdict).toBe("contract");
  });

  it("changing a generated column is unsafe: Django cannot alter it in place", () => {
    const before = { generated: { expression: "F(price) * Value(2)", stored: true } };
    const after = { generated: { expression: "F(price) * Value(3)", stored: true } };
    const result = classifyOne(alterField("double_price", before, after));
    expect(result.verdict).toBe("unsafe");
    expect(result.recipe?.[0]).toContain('"double_price_v2"');
  });

  it("a comment is expand, with COMMENT ON's SHARE UPDATE EXCLUSIVE lock", () => {
    const result = classifyOne({
      ...alterField("name", {}, { dbComment: "what users see" }),
      sql: [`COMMENT ON COLUMN "catalog_product"."name" IS 'what users see';`],
    });
    expect(result).toMatchObject({ verdict: "expand", lockWarnings: [] });
    expect(result.reason).toContain("changes the column comment");
    expect(result.locks).toEqual([{ table: "catalog_product", mode: "SHARE UPDATE EXCLUSIVE" }]);
    const table = classifyOne(
      op("AlterModelTableComment", { sql: [`COMMENT ON TABLE "catalog_product" IS 'things';`] }),
    );
    expect(table.verdict).toBe("expand");
    expect(table.locks).toEqual([{ table: "catalog_product", mode: "SHARE UPDATE EXCLUSIVE" }]);
  });

  it("what Django's checks reject on this database (fields.E221) is unsafe: applying it would fail", () => {
    const result = classifyOne(
      addField(
        "half",
        { generated: { expression: "x", stored: false } },
        {
          fieldErrors: ["fields.E221: PostgreSQL does not support non-persisted GeneratedFields."],
        },
      ),
    );
    expect(result.verdict).toBe("unsafe");
    expect(result.reason).toContain(
      "Django rejects AddField on postgresql, so applying it fails: fields.E221",
    );
  });

  it("RenameIndex takes SHARE UPDATE EXCLUSIVE; AlterConstraint is state only", () => {
    const renamed = classifyOne(
      op("RenameIndex", {
        oldName: "a_idx",
        newName: "b_idx",
        sql: ['ALTER INDEX "a_idx" RENAME TO "b_idx";'],
      }),
    );
    expect(renamed.verdict).toBe("expand");
    expect(renamed.locks).toEqual([{ table: "catalog_product", mode: "SHARE UPDATE EXCLUSIVE" }]);
    expect(classifyOne(op("AlterConstraint", { sql: [] })).verdict).toBe("neutral");
  });
});

describe("a migration that runs in one transaction is judged as it leaves each column", () => {
  const notNull = addField("rank", { hasDefault: true });
  const withDefault = alterField("rank", { hasDefault: true }, { hasDbDefault: true, dbDefault: "Value(0)" });

  it("a NOT NULL column and its database default in the same migration: expand, and the reason says why", () => {
    const [added, altered] = classifyMigration(
      migration("catalog.0003_rank", [notNull, withDefault]),
      "postgresql",
    );
    expect(added?.verdict).toBe("expand");
    expect(added?.reason).toContain(
      "Judged with the column as the whole migration leaves it: it runs in one transaction on postgresql",
    );
    expect(altered?.verdict).toBe("expand");
  });

  it("the same operations outside a transaction (atomic = False, or MySQL) are judged one by one", () => {
    const m = migration("catalog.0003_rank", [notNull, withDefault], { atomic: false, transactional: false });
    expect(classifyMigration(m, "postgresql")[0]?.verdict).toBe("unsafe");
  });

  it("a nullable column made NOT NULL later in the same migration is judged NOT NULL", () => {
    const nullable = addField("rank", { null: true });
    const required = alterField("rank", { null: true }, { null: false });
    const [added] = classifyMigration(migration("catalog.0003_rank", [nullable, required]), "postgresql");
    expect(added?.verdict).toBe("unsafe");
  });

  it("django-add-default-value's AddDefaultValue counts as the column's database default", () => {
    const setDefault = op("AddDefaultValue", {
      field: "rank",
      fieldFacts: field({ column: "rank", hasDefault: true }),
      sql: ['ALTER TABLE "catalog_product" ALTER COLUMN "rank" SET DEFAULT 0;'],
    });
    const [added, defaulted] = classifyMigration(
      migration("catalog.0003_rank", [notNull, setDefault]),
      "postgresql",
    );
    expect(added?.verdict).toBe("expand");
    expect(defaulted?.verdict).toBe("expand");
    expect(defaulted?.reason).toContain("(django-add-default-value)");
  });
});

describe("operations of well-known packages and the rest of Django 5.2's", () => {
  it("IgnoreMigration (django-migration-linter) is neutral without a note about missing SQL", () => {
    const result = classifyOne(op("IgnoreMigration", { sql: null, sqlError: "runs Python code" }));
    expect(result).toMatchObject({ verdict: "neutral", notes: [] });
  });

  it("AlterOrderWithRespectTo: adding or dropping the NOT NULL _order column is unsafe, changing its relation neutral", () => {
    const adds = classifyOne(op("AlterOrderWithRespectTo", { oldName: null, newName: "book" }));
    expect(adds.verdict).toBe("unsafe");
    expect(adds.reason).toContain('Adds the NOT NULL "_order" column');
    const drops = classifyOne(op("AlterOrderWithRespectTo", { oldName: "book", newName: null }));
    expect(drops.reason).toContain("new code's INSERTs no longer name it");
    expect(classifyOne(op("AlterOrderWithRespectTo", { oldName: "book", newName: "volume" })).verdict).toBe(
      "neutral",
    );
  });

  it("RemoveCollation is contract", () => {
    expect(classifyOne(op("RemoveCollation", { sql: ['DROP COLLATION "ci";'] })).verdict).toBe("contract");
  });
});

describe("lock warnings and django-pg-zero-downtime-migrations' SQL", () => {
  it("SET NOT NULL after a validated CHECK (column IS NOT NULL) is not a scan", () => {
    const sql = [
      'ALTER TABLE "catalog_product" ADD CONSTRAINT "nn" CHECK ("sku" IS NOT NULL) NOT VALID;',
      'ALTER TABLE "catalog_product" VALIDATE CONSTRAINT "nn";',
      'ALTER TABLE "catalog_product" ALTER COLUMN "sku" SET NOT NULL;',
      'ALTER TABLE "catalog_product" DROP CONSTRAINT "nn";',
    ];
    const result = classifyOne({ ...alterField("sku", { null: true }, { null: false }), sql });
    expect(result.lockWarnings).toEqual([]);
    const alone = classifyOne({ ...alterField("sku", { null: true }, { null: false }), sql: [sql[2] ?? ""] });
    expect(alone.lockWarnings.join(" ")).toContain("in one step");
  });

  it("REINDEX INDEX CONCURRENTLY lets writes go on; a plain REINDEX blocks them", () => {
    expect(classifyOne(op("AddIndex", { sql: ['REINDEX INDEX CONCURRENTLY "a_idx";'] })).locks).toEqual([
      { table: "catalog_product", mode: "SHARE UPDATE EXCLUSIVE" },
    ]);
    expect(classifyOne(op("AddIndex", { sql: ['REINDEX INDEX "a_idx";'] })).locks).toEqual([
      { table: "catalog_product", mode: "SHARE" },
    ]);
  });
});
