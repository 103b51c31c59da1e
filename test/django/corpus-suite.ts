import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClassifiedOperation } from "../../src/domain/classify/classification.js";
import { classifyMigration } from "../../src/domain/classify/classify.js";
import type {
  Introspection,
  MigrationOperation,
  PendingMigration,
} from "../../src/domain/classify/migration.js";
import { planRelease } from "../../src/domain/plan/planner.js";
import {
  type CorpusDatabase,
  createCorpusDatabase,
  introspectCorpus,
  migrateBaseline,
} from "../../testkit/corpus.js";
import { type CorpusVendor, casesFor } from "../../testkit/corpus-cases.js";
import type { DjangoVersion } from "../../testkit/python.js";

/**
 * The classifier corpus on one Django version and one database: every case of corpus-cases.ts with real Django
 * output, the helper's facts, and the planner on it.
 */
export function corpusSuite(python: string, version: DjangoVersion, vendor: CorpusVendor): void {
  const cases = casesFor(version, vendor);
  let db: CorpusDatabase;
  let introspection: Introspection;
  const classified = new Map<string, ClassifiedOperation>();

  beforeAll(async () => {
    db = createCorpusDatabase(vendor);
    migrateBaseline(python, version, db);
    introspection = await introspectCorpus(python, db);
    for (const migration of introspection.pending) {
      for (const op of classifyMigration(migration, introspection.vendor)) {
        classified.set(`${op.app}.${op.migration} ${op.path}`, op);
      }
    }
  });
  afterAll(() => db?.drop());

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

  describe("the classifier on real Django output", () => {
    it.each(cases)("%s %s is %s", (key, type, verdict, reason) => {
      const result = classified.get(key);
      expect(result, `${key} was not introspected`).toBeDefined();
      expect(result?.type).toBe(type);
      expect(result?.verdict).toBe(verdict);
      expect(result?.reason).toContain(reason);
    });

    it("covers every pending operation of the corpus, and nothing else", () => {
      expect(introspection.djangoVersion.startsWith(`${version}.`)).toBe(true);
      expect(introspection.vendor).toBe(vendor);
      expect([...classified.keys()].sort()).toEqual(cases.map(([key]) => key).sort());
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
      const baseline = ["codeops", "fieldops", "overrides", "schemaops", "thirdparty"];
      if (version === "5.2") baseline.push("modernops");
      expect(introspection.applied.map((m) => `${m.app}.${m.name}`)).toEqual(
        baseline.sort().map((app) => `${app}.0001_initial`),
      );
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
          expect(seen, `${migration.app}.${migration.name}`).toContain(
            `${dependency.app}.${dependency.name}`,
          );
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

    it("says which migrations run in one transaction on this database", () => {
      expect(pending("fieldops.0002_add_nullable").transactional).toBe(true);
      expect(pending("schemaops.0004_add_index_concurrently")).toMatchObject({
        atomic: false,
        transactional: false,
      });
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
        null: true,
        dbIndex: true,
        relatedModel: "fieldops.item",
      });
      // A clash of reverse accessors is the models' business, not the database's.
      expect(operation("fieldops.0015_add_foreign_key").fieldErrors).toEqual([]);
    });

    it("describes fields before and after an AlterField from Django's project state", () => {
      const widen = operation("fieldops.0007_widen");
      expect(widen.previousFieldFacts).toMatchObject({
        column: "name",
        dbType: "varchar(50)",
        maxLength: 50,
      });
      expect(widen.fieldFacts).toMatchObject({ column: "name", dbType: "varchar(200)", null: false });
      expect(operation("fieldops.0010_help_text").sql).toEqual([]);
      expect(operation("fieldops.0004_add_default").fieldFacts).toMatchObject({
        hasDefault: true,
        hasDbDefault: false,
        dbDefault: null,
        dbDefaultIsNull: false,
        generated: null,
        dbComment: null,
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
    });

    if (vendor === "postgresql") {
      it("collects PostgreSQL's SQL: ALTER TYPE, CONCURRENTLY, the database operations of SeparateDatabaseAndState", () => {
        expect(operation("fieldops.0007_widen").sql).toEqual([
          'ALTER TABLE "fieldops_item" ALTER COLUMN "name" TYPE varchar(200);',
        ]);
        expect(operation("schemaops.0004_add_index_concurrently").sql).toEqual([
          'CREATE INDEX CONCURRENTLY "book_isbn_idx" ON "schemaops_book" ("isbn");',
        ]);
        expect(operation("schemaops.0019_custom_operation").sql).toEqual([
          "ALTER TABLE schemaops_book SET (fillfactor = 70);",
        ]);
        expect(operation("codeops.0003_separate").sql).toEqual([
          'ALTER TABLE "codeops_entry" ADD COLUMN "slug" varchar(50) NULL;',
          'ALTER TABLE "codeops_entry" DROP COLUMN "label" CASCADE;',
        ]);
      });
    }

    if (version === "5.2") {
      it("reads Django 5.2's field options: db_default=None, generated columns, comments, its own checks", () => {
        const nullDefault = operation("modernops.0003_db_default_none");
        expect(nullDefault.fieldFacts).toMatchObject({
          hasDbDefault: true,
          dbDefaultIsNull: true,
          null: false,
        });
        if (vendor === "postgresql") expect(nullDefault.sql?.join(" ")).toContain("DEFAULT NULL NOT NULL");
        expect(operation("modernops.0004_generated_stored").fieldFacts).toMatchObject({
          internalType: "GeneratedField",
          generated: { expression: "F(price) * Value(2)", stored: true },
          null: false,
          hasDefault: false,
        });
        const stored = classified.get("modernops.0004_generated_stored 0");
        if (vendor === "postgresql") {
          expect(stored?.lockWarnings.join(" ")).toContain(
            "rewriting the whole table under an ACCESS EXCLUSIVE lock",
          );
        } else {
          expect(stored?.notes.join(" ")).toContain("SQLite rebuilds table modernops_gadget");
        }
        const virtual = operation("modernops.0005_generated_virtual");
        expect(virtual.fieldFacts?.generated).toEqual({ expression: "F(price) / Value(2)", stored: false });
        expect(virtual.fieldErrors).toEqual(
          vendor === "postgresql"
            ? [
                "fields.E221: PostgreSQL does not support non-persisted GeneratedFields. (Set db_persist=True on the field.)",
              ]
            : [],
        );
        expect(operation("modernops.0006_db_comment").fieldFacts?.dbComment).toBe("what users see");
        expect(operation("modernops.0006_db_comment").previousFieldFacts?.dbComment).toBeNull();
      });
    }

    it("leaves the database as it was: nothing applied, no table created", () => {
      expect(db.appliedCount()).toBe(version === "5.2" ? 6 : 5);
      expect(db.hasTable("schemaops_review")).toBe(false);
      expect(db.columns("codeops_entry")).toEqual(["id", "label"]);
    });
  });

  describe("planning the corpus", () => {
    it("refuses the whole project, one refusal per unsafe operation", () => {
      const result = planRelease(introspection);
      if (result.ok) throw new Error("the corpus holds unsafe operations: it must be refused");
      const unsafe = cases.filter(([, , verdict]) => verdict === "unsafe").map(([key]) => key.split(" ")[0]);
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
}
