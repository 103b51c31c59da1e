import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClassifiedOperation } from "../../src/domain/classify/classification.js";
import type {
  Introspection,
  MigrationOperation,
  PendingMigration,
} from "../../src/domain/classify/migration.js";
import { assignPhases } from "../../src/domain/plan/phases.js";
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
  let inTwoProcesses: Introspection;
  const classified = new Map<string, ClassifiedOperation>();

  beforeAll(async () => {
    db = createCorpusDatabase(vendor);
    migrateBaseline(python, version, db);
    // A newer release applied it: this one lacks its file (a downgrade).
    const forget = db.recordApplied("fieldops", "0099_from_a_newer_release");
    introspection = await introspectCorpus(python, db);
    // The helper splits a long plan between two processes; here the corpus, split after its first half.
    inTwoProcesses = await introspectCorpus(python, db, [], undefined, {
      PHASEGATE_HELPER_SPLIT_OPERATIONS: "1",
    });
    forget();
    // As the planner sees them: operations on tables an earlier migration of the release creates are new.
    for (const { entries } of assignPhases(introspection)) {
      for (const { result: op } of entries) classified.set(`${op.app}.${op.migration} ${op.path}`, op);
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

    it("describes a plan split between two processes exactly as one process does", () => {
      expect(introspection.pending.length).toBeGreaterThan(2);
      expect(inTwoProcesses).toEqual(introspection);
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
      expect(classified.get("schemaops.0011_model_table 0")?.recipe?.[0]).toBe(
        'No SQL at all: keep the table with Meta.db_table = "schemaops_author" and rename only the Python model.',
      );
      expect(classified.get("fieldops.0009_change_type 0")?.recipe?.[0]).toContain('"amount_new"');
    });
  });

  describe("the introspection helper's facts", () => {
    it("lists the applied baseline and plans the squashed migration instead of what it replaces", () => {
      const baseline = ["codeops", "fieldops", "overrides", "schemaops", "sqlops", "thirdparty", "typeops"];
      if (version === "5.2") baseline.push("modernops");
      expect(introspection.applied.map((m) => `${m.app}.${m.name}`)).toEqual(
        [...baseline.map((app) => `${app}.0001_initial`), "fieldops.0099_from_a_newer_release"].sort(),
      );
      expect(introspection.appliedNotInRelease).toEqual([
        { app: "fieldops", name: "0099_from_a_newer_release" },
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

    it("reports RunSQL's state operations and judges them with its SQL", () => {
      const runSql = operation("sqlops.0004_runsql_with_state");
      expect(runSql.databaseOperations).toBeNull();
      expect(runSql.stateOperations?.map((o) => [o.type, o.field, o.sql])).toEqual([
        ["AddField", "teaser", []],
      ]);
      expect(operation("sqlops.0009_audited_override").sqlOverride).toBe(
        "legacy has been unused since release 41",
      );
      expect(classified.get("sqlops.0007_annotated_drop 0")?.recipe?.[1]).toContain('"phasegate_override"');
      expect(classified.get("sqlops.0002_state_remove_not_null 0")?.recipe?.[0]).toContain(
        'AlterField "title" to null=True',
      );
    });

    if (vendor === "postgresql") {
      it("judges type changes by what PostgreSQL does: expand exactly where the table keeps its relfilenode", () => {
        const changes = [
          "typeops.0002_varchar_widen",
          "typeops.0003_varchar_to_text",
          "typeops.0004_numeric_precision",
          "typeops.0005_numeric_unbounded",
          "typeops.0006_int_to_bigint",
          "fieldops.0009_change_type",
        ].map((label) => {
          const judged = classified.get(`${label} 0`);
          const table = operation(label).table ?? "";
          return [label, judged?.verdict, db.rewrites(table, judged?.sql ?? [])];
        });
        expect(changes).toEqual([
          ["typeops.0002_varchar_widen", "expand", false],
          ["typeops.0003_varchar_to_text", "expand", false],
          ["typeops.0004_numeric_precision", "expand", false],
          ["typeops.0005_numeric_unbounded", "expand", false],
          ["typeops.0006_int_to_bigint", "unsafe", true],
          ["fieldops.0009_change_type", "unsafe", true],
        ]);
      });

      it("lock notes: the FK a column becomes is added NOT VALID, an index under a lock already held says so", () => {
        expect(classified.get("typeops.0007_integer_to_foreign_key 0")?.notes.join(" ")).toContain(
          "add the constraint NOT VALID",
        );
        expect(classified.get("sqlops.0010_index_under_exclusive_lock 1")?.notes).toContainEqual(
          "The migration already holds ACCESS EXCLUSIVE on sqlops_article (operation 0) and keeps it until it commits: while this operation runs, that lock blocks reads and writes, not only what its own SHARE would.",
        );
        // A table the release creates is never called existing.
        const onNew = [0, 1, 2].flatMap(
          (i) => classified.get(`sqlops.0012_change_new_table ${i}`)?.notes ?? [],
        );
        expect(onNew.join(" ")).not.toContain("existing table");
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
      expect(db.appliedCount()).toBe(version === "5.2" ? 8 : 7);
      expect(db.hasTable("schemaops_review")).toBe(false);
      expect(db.columns("codeops_entry")).toEqual(["id", "label"]);
    });
  });

  if (version !== "3.2") {
    // taggit's RenameIndex(old_fields=...) needs Django 4.1+.
    it("plans a fresh install of django-taggit, django-axes, django-reversion and django-guardian without refusals", async () => {
      const fresh = createCorpusDatabase(vendor);
      try {
        const apps = await introspectCorpus(python, fresh, [], "corpus.realapps_settings");
        const result = planRelease(apps);
        expect(result.ok ? [] : result.refusals.map((r) => r.message)).toEqual([]);
        const pendingOf = (app: string) => apps.pending.filter((m) => m.app === app).map((m) => m.name);
        expect(pendingOf("axes")).toHaveLength(10);
        expect(pendingOf("taggit")).toHaveLength(7);
        expect(pendingOf("reversion")).toEqual([
          "0001_squashed_0004_auto_20160611_1202",
          "0002_add_index_on_version_for_content_type_and_db",
        ]);
        expect(pendingOf("guardian")).toHaveLength(3);
        const operations = result.ok ? result.plan.operations : [];
        // What would be refused or held for the contract phase on an existing table is new here.
        const byKey = new Map(operations.map((o) => [`${o.app}.${o.migration} ${o.path}`, o]));
        expect(byKey.get("axes.0005_remove_accessattempt_trusted 0")).toMatchObject({
          verdict: "expand",
          reason: expect.stringContaining(
            "Table axes_accessattempt is new in this release (created by axes.0001_initial)",
          ),
        });
        expect(byKey.get("axes.0007_alter_accessattempt_unique_together 0")?.reason).toContain(
          "App axes is installed by this release",
        );
        expect(
          byKey.get("guardian.0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more 0")
            ?.verdict,
        ).toBe("expand");
        expect(operations.filter((o) => o.verdict === "contract" || o.verdict === "unsafe")).toEqual([]);
        expect(operations.flatMap((o) => o.notes).join("\n")).not.toContain("existing table");
      } finally {
        fresh.drop();
      }
    });
  }

  describe("planning the corpus", () => {
    it("refuses the whole project, one refusal per unsafe operation", () => {
      const result = planRelease(introspection);
      if (result.ok) throw new Error("the corpus holds unsafe operations: it must be refused");
      const unsafe = cases.filter(([, , verdict]) => verdict === "unsafe").map(([key]) => key.split(" ")[0]);
      expect(result.refusals.map((r) => `${r.migration.app}.${r.migration.name}`)).toEqual(
        expect.arrayContaining(unsafe),
      );
      expect(result.refusals.filter((r) => r.code === "unsafe-operation")).toHaveLength(unsafe.length);
      expect(result.refusals.find((r) => r.code === "release-behind-database")?.message).toContain(
        "The database has applied a migration this release does not have: fieldops.0099_from_a_newer_release.",
      );
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
