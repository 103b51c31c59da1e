import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClassifiedOperation } from "../../src/domain/classify/classification.js";
import { classifyMigration } from "../../src/domain/classify/classify.js";
import type {
  Introspection,
  MigrationOperation,
  PendingMigration,
} from "../../src/domain/classify/migration.js";
import { planRelease } from "../../src/domain/plan/planner.js";
import { introspectCorpus, migrateBaseline } from "../../testkit/corpus.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";

const python = findDjangoPython();
let db: TestDatabase;
let introspection: Introspection;
const classified = new Map<string, ClassifiedOperation>();

beforeAll(async () => {
  db = createTestDatabase("corpus");
  migrateBaseline(python, db);
  introspection = await introspectCorpus(python, db);
  for (const migration of introspection.pending) {
    for (const op of classifyMigration(migration, introspection.vendor)) {
      classified.set(`${op.app}.${op.migration} ${op.path}`, op);
    }
  }
});
afterAll(() => db.drop());

function pending(label: string): PendingMigration {
  const found = introspection.pending.find((m) => `${m.app}.${m.name}` === label);
  if (!found) throw new Error(`${label} is not pending`);
  return found;
}

function operation(label: string, index = 0): MigrationOperation {
  const found = pending(label).operations[index];
  if (!found) throw new Error(`${label} has no operation ${index}`);
  return found;
}

/** [migration and operation path, Django operation, verdict, words the reason must contain] */
const CASES: [string, string, string, string][] = [
  ["fieldops.0002_add_nullable 0", "AddField", "expand", "Adds nullable column fieldops_item.description"],
  [
    "fieldops.0003_add_not_null 0",
    "AddField",
    "unsafe",
    "Adds NOT NULL column fieldops_item.stock without a database default",
  ],
  [
    "fieldops.0004_add_default 0",
    "AddField",
    "unsafe",
    "Its default= only fills the existing rows: Django removes it from the column right after",
  ],
  [
    "fieldops.0005_add_boolean_default 0",
    "AddField",
    "unsafe",
    "Adds NOT NULL column fieldops_item.is_visible without a database default",
  ],
  ["fieldops.0006_drop_not_null 0", "AlterField", "expand", "fieldops_item.code: drops NOT NULL"],
  ["fieldops.0007_widen 0", "AlterField", "expand", "widens varchar(50) to varchar(200)"],
  ["fieldops.0008_set_not_null 0", "AlterField", "contract", "fieldops_item.note: adds NOT NULL"],
  [
    "fieldops.0009_change_type 0",
    "AlterField",
    "unsafe",
    "changes the column type from integer to varchar(20)",
  ],
  ["fieldops.0010_help_text 0", "AlterField", "neutral", "Emits no SQL on postgresql"],
  [
    "fieldops.0011_remove_nullable 0",
    "RemoveField",
    "contract",
    "Drops column fieldops_item.legacy_nullable",
  ],
  [
    "fieldops.0012_remove_not_null 0",
    "RemoveField",
    "unsafe",
    "Drops NOT NULL column fieldops_item.legacy_required without a database default",
  ],
  ["fieldops.0013_rename_field 0", "RenameField", "unsafe", 'Renames column "old_name" to "new_name"'],
  [
    "fieldops.0014_add_many_to_many 0",
    "AddField",
    "expand",
    'Creates the join table of many-to-many field "related"',
  ],
  ["fieldops.0015_add_foreign_key 0", "AddField", "expand", "Adds nullable column fieldops_item.parent_id"],
  [
    "fieldops.0016_remove_many_to_many 0",
    "RemoveField",
    "contract",
    'Drops the join table of many-to-many field "related"',
  ],
  ["schemaops.0002_create_model 0", "CreateModel", "expand", "Creates table schemaops_review"],
  ["schemaops.0003_add_index 0", "AddIndex", "expand", "Adds index book_title_idx on schemaops_book"],
  [
    "schemaops.0004_add_index_concurrently 0",
    "AddIndexConcurrently",
    "expand",
    "Builds index book_isbn_idx on schemaops_book concurrently",
  ],
  [
    "schemaops.0005_add_constraint 0",
    "AddConstraint",
    "expand",
    "Adds constraint book_year_recent on schemaops_book",
  ],
  ["schemaops.0006_remove_index 0", "RemoveIndex", "contract", "Drops index book_year_idx on schemaops_book"],
  [
    "schemaops.0007_remove_constraint 0",
    "RemoveConstraint",
    "contract",
    "Drops constraint book_year_positive on schemaops_book",
  ],
  [
    "schemaops.0008_unique_together_add 0",
    "AlterUniqueTogether",
    "expand",
    "Adds unique_together (title, year) on schemaops_book",
  ],
  [
    "schemaops.0009_unique_together_remove 0",
    "AlterUniqueTogether",
    "contract",
    "Drops unique_together (name, country) on schemaops_author",
  ],
  ["schemaops.0010_model_options 0", "AlterModelOptions", "neutral", "Emits no SQL on postgresql"],
  [
    "schemaops.0011_model_table 0",
    "AlterModelTable",
    "unsafe",
    "Renames table schemaops_author to schemaops_writer",
  ],
  [
    "schemaops.0012_rename_model 0",
    "RenameModel",
    "unsafe",
    "Renames table schemaops_review to schemaops_critique",
  ],
  ["schemaops.0013_delete_model 0", "DeleteModel", "contract", "Drops table schemaops_obsolete"],
  [
    "schemaops.0014_remove_index_concurrently 0",
    "RemoveIndexConcurrently",
    "contract",
    "Drops index book_title_idx on schemaops_book",
  ],
  [
    "schemaops.0015_index_together 0",
    "AlterIndexTogether",
    "expand",
    "Adds index_together (isbn, year) on schemaops_book",
  ],
  ["schemaops.0016_model_managers 0", "AlterModelManagers", "neutral", "Emits no SQL on postgresql"],
  ["schemaops.0017_extension 0", "CreateExtension", "expand", "CreateExtension only adds to the database"],
  ["schemaops.0018_collation 0", "CreateCollation", "expand", "CreateCollation only adds to the database"],
  ["schemaops.0019_custom_operation 0", "SetFillFactor", "unsafe", "phasegate has no rule for SetFillFactor"],
  ["codeops.0002_code 0", "RunSQL", "unsafe", "phasegate cannot tell what RunSQL does"],
  ["codeops.0002_code 1", "RunSQL", "expand", 'Annotated hints={"phase": "expand"}'],
  ["codeops.0002_code 2", "RunPython", "unsafe", "phasegate cannot tell what RunPython does"],
  ["codeops.0002_code 3", "RunPython", "contract", 'Annotated hints={"phase": "contract"}'],
  ["codeops.0003_separate 0.db.0", "RunSQL", "expand", 'Annotated hints={"phase": "expand"}'],
  [
    "codeops.0003_separate 0.db.1",
    "RemoveField",
    "unsafe",
    "Drops NOT NULL column codeops_entry.label without a database default",
  ],
  ["codeops.0003_separate 1", "SeparateDatabaseAndState", "neutral", "without database operations"],
  [
    "overrides.0002_phase 0",
    "RemoveField",
    "contract",
    'The migration\'s override (phase = "contract") puts it in the contract phase. Without it: unsafe',
  ],
  [
    "overrides.0003_stage 0",
    "AddField",
    "expand",
    "The migration's override (Stage.PRE_DEPLOY) puts it in the expand phase. Without it: unsafe",
  ],
  [
    "overrides.0004_safe 0",
    "AlterField",
    "contract",
    "The migration's override (Safe.after_deploy()) puts it in the contract phase. Without it: unsafe",
  ],
  [
    "overrides.0005_safe_always 0",
    "AddField",
    "expand",
    "The migration's override (Safe.always()) puts it in the expand phase",
  ],
  ["squashed.0001_squashed_0002_tag_name 0", "CreateModel", "expand", "Creates table squashed_tag"],
];

describe("the classifier on real Django output (Django, PostgreSQL)", () => {
  it.each(CASES)("%s %s is %s", (key, type, verdict, reason) => {
    const result = classified.get(key);
    expect(result, `${key} was not introspected`).toBeDefined();
    expect(result?.type).toBe(type);
    expect(result?.verdict).toBe(verdict);
    expect(result?.reason).toContain(reason);
  });

  it("covers every pending operation of the corpus, and nothing else", () => {
    expect([...classified.keys()].sort()).toEqual(CASES.map(([key]) => key).sort());
  });

  it("gives each refused operation its multi-release recipe", () => {
    expect(classified.get("fieldops.0004_add_default 0")?.recipe).toEqual(
      expect.arrayContaining([
        'Release 1 (expand): add "quantity" with null=True (keep default= for new rows); ship the code that writes it.',
        "On Django 5.0+ a database default (db_default=...) instead of default= makes it a single expand release.",
      ]),
    );
    expect(classified.get("fieldops.0013_rename_field 0")?.recipe?.[0]).toBe(
      'No SQL at all: rename only the Python attribute and keep the column with db_column="old_name".',
    );
    expect(classified.get("schemaops.0012_rename_model 0")?.recipe?.[0]).toBe(
      'No SQL at all: keep the table with Meta.db_table = "schemaops_review" and rename only the Python model.',
    );
    expect(classified.get("fieldops.0009_change_type 0")?.recipe?.[0]).toContain('"amount_new"');
  });
});

describe("the introspection helper's facts", () => {
  it("lists the applied baseline and plans the squashed migration instead of what it replaces", () => {
    expect(introspection.djangoVersion).toMatch(/^\d+\.\d+/);
    expect(introspection.vendor).toBe("postgresql");
    expect(introspection.applied.map((m) => `${m.app}.${m.name}`)).toEqual([
      "codeops.0001_initial",
      "fieldops.0001_initial",
      "overrides.0001_initial",
      "schemaops.0001_initial",
    ]);
    const squashed = introspection.pending.filter((m) => m.app === "squashed");
    expect(squashed.map((m) => m.name)).toEqual(["0001_squashed_0002_tag_name"]);
    expect(squashed[0]?.replaces).toEqual([
      { app: "squashed", name: "0001_initial" },
      { app: "squashed", name: "0002_tag_name" },
    ]);
    expect(squashed[0]?.initial).toBe(true);
  });

  it("keeps Django's order: every migration after its dependencies", () => {
    const seen = new Set(introspection.applied.map((m) => `${m.app}.${m.name}`));
    for (const migration of introspection.pending) {
      for (const dependency of migration.dependencies) {
        expect(seen, `${migration.app}.${migration.name}`).toContain(`${dependency.app}.${dependency.name}`);
      }
      seen.add(`${migration.app}.${migration.name}`);
    }
  });

  it("reads the overrides of phasegate, django-syzygy and django-safemigrate", () => {
    expect(pending("overrides.0002_phase").override).toEqual({
      phase: "contract",
      source: "phasegate",
      raw: 'phase = "contract"',
    });
    expect(pending("overrides.0003_stage").override).toEqual({
      phase: "expand",
      source: "syzygy",
      raw: "Stage.PRE_DEPLOY",
    });
    expect(pending("overrides.0004_safe").override).toEqual({
      phase: "contract",
      source: "safemigrate",
      raw: "Safe.after_deploy()",
    });
    expect(pending("overrides.0005_safe_always").override?.phase).toBe("any");
    expect(pending("fieldops.0002_add_nullable").override).toBeNull();
  });

  it("describes relations: the join table of a many-to-many field, the column of a foreign key", () => {
    expect(operation("fieldops.0014_add_many_to_many").fieldFacts).toMatchObject({
      column: null,
      dbType: null,
      manyToMany: true,
      relatedModel: "fieldops.item",
    });
    expect(operation("fieldops.0015_add_foreign_key").fieldFacts).toMatchObject({
      column: "parent_id",
      internalType: "ForeignKey",
      dbType: "bigint",
      null: true,
      dbIndex: true,
      relatedModel: "fieldops.item",
    });
    expect(operation("schemaops.0019_custom_operation").sql).toEqual([
      "ALTER TABLE schemaops_book SET (fillfactor = 70);",
    ]);
  });

  it("describes fields before and after an AlterField from Django's project state", () => {
    const widen = operation("fieldops.0007_widen");
    expect(widen.previousFieldFacts).toMatchObject({ column: "name", dbType: "varchar(50)", maxLength: 50 });
    expect(widen.fieldFacts).toMatchObject({ column: "name", dbType: "varchar(200)", null: false });
    expect(widen.sql).toEqual(['ALTER TABLE "fieldops_item" ALTER COLUMN "name" TYPE varchar(200);']);
    const helpText = operation("fieldops.0010_help_text");
    expect(helpText.sql).toEqual([]);
    expect(operation("fieldops.0004_add_default").fieldFacts).toMatchObject({
      hasDefault: true,
      hasDbDefault: false,
      dbDefault: null,
      internalType: "IntegerField",
    });
    expect(operation("fieldops.0012_remove_not_null").fieldFacts).toMatchObject({
      column: "legacy_required",
      null: false,
    });
  });

  it("names indexes, constraints, together sets and renamed tables", () => {
    expect(operation("schemaops.0006_remove_index").objectName).toBe("book_year_idx");
    expect(operation("schemaops.0005_add_constraint").objectName).toBe("book_year_recent");
    const removed = operation("schemaops.0009_unique_together_remove");
    expect([removed.togetherBefore, removed.togetherAfter]).toEqual([[["name", "country"]], []]);
    const rename = operation("schemaops.0012_rename_model");
    expect([rename.table, rename.oldName, rename.newName]).toEqual([
      "schemaops_review",
      "schemaops_review",
      "schemaops_critique",
    ]);
    expect(operation("fieldops.0013_rename_field")).toMatchObject({
      oldName: "old_name",
      newName: "new_name",
    });
    expect(pending("schemaops.0004_add_index_concurrently").atomic).toBe(false);
    expect(operation("schemaops.0004_add_index_concurrently").sql).toEqual([
      'CREATE INDEX CONCURRENTLY "book_isbn_idx" ON "schemaops_book" ("isbn");',
    ]);
  });

  it("describes code operations without running them", () => {
    const plainSql = operation("codeops.0002_code", 0);
    expect(plainSql).toMatchObject({
      code: "UPDATE codeops_entry SET label = upper(label)",
      reversible: false,
    });
    const python = operation("codeops.0002_code", 2);
    expect(python).toMatchObject({
      code: "codeops.migrations.0002_code.uppercase_labels",
      reversible: false,
      phaseHint: null,
      sql: null,
    });
    expect(python.sqlError).toContain("cannot be written as SQL");
    expect(operation("codeops.0002_code", 3)).toMatchObject({ reversible: true, phaseHint: "contract" });
    const separate = operation("codeops.0003_separate");
    expect(separate.databaseOperations?.map((o) => o.type)).toEqual(["RunSQL", "RemoveField"]);
    expect(separate.stateOperations?.map((o) => [o.type, o.sql])).toEqual([
      ["AddField", []],
      ["RemoveField", []],
    ]);
    expect(separate.sql).toEqual([
      'ALTER TABLE "codeops_entry" ADD COLUMN "slug" varchar(50) NULL;',
      'ALTER TABLE "codeops_entry" DROP COLUMN "label" CASCADE;',
    ]);
  });

  it("leaves the database as it was: nothing applied, no table created", () => {
    expect(db.query("SELECT count(*) FROM django_migrations")).toBe("4");
    expect(db.query("SELECT to_regclass('schemaops_review') IS NULL")).toBe("t");
    expect(
      db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'codeops_entry' ORDER BY 1",
      ),
    ).toBe("id\nlabel");
  });
});

describe("planning the corpus", () => {
  it("refuses the whole project, one refusal per unsafe operation", () => {
    const result = planRelease(introspection);
    if (result.ok) throw new Error("the corpus holds unsafe operations: it must be refused");
    const unsafe = CASES.filter(([, , verdict]) => verdict === "unsafe").map(([key]) => key.split(" ")[0]);
    expect(result.refusals.map((r) => `${r.migration.app}.${r.migration.name}`)).toEqual(
      expect.arrayContaining(unsafe),
    );
    expect(result.refusals.filter((r) => r.code === "unsafe-operation")).toHaveLength(unsafe.length);
  });

  it("plans a sub-graph given as targets: expand, deploy, wait, approval, contract", async () => {
    const sub = await introspectCorpus(python, db, [
      { app: "schemaops", migration: "0007_remove_constraint" },
    ]);
    expect(sub.pending.map((m) => m.name)).toEqual([
      "0002_create_model",
      "0003_add_index",
      "0004_add_index_concurrently",
      "0005_add_constraint",
      "0006_remove_index",
      "0007_remove_constraint",
    ]);
    const result = planRelease(sub);
    if (!result.ok) throw new Error(result.refusals.map((r) => r.message).join("\n"));
    expect(result.plan.steps.map((s) => s.kind)).toEqual([
      "migrate",
      "deploy",
      "wait-rollout",
      "approval",
      "migrate",
    ]);
  });
});
