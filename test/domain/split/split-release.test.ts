import { describe, expect, it } from "vitest";
import type { FieldDefinition, MigrationOperation } from "../../../src/domain/classify/migration.js";
import { planSplit } from "../../../src/domain/split/split-release.js";
import {
  addField,
  dependsOn,
  field,
  introspection,
  migration,
  op,
  removeField,
} from "../../../testkit/migrations.js";

function definition(kwargs: [string, string][]): FieldDefinition {
  return { path: "models.IntegerField", args: [], kwargs, imports: ["from django.db import models"] };
}

const withSource = (operation: MigrationOperation): MigrationOperation => ({
  ...operation,
  source: `migrations.${operation.type}(model_name='product', name='${operation.field}')`,
  imports: ["from django.db import migrations"],
});

function addStock(kwargs: [string, string][] = [["default", "0"]]) {
  return withSource({
    ...addField("stock", { internalType: "IntegerField", dbType: "integer", hasDefault: true }),
    model: "product",
    fieldDefinition: definition(kwargs),
    preserveDefault: true,
  });
}

function release(
  ops: MigrationOperation[],
  others: ReturnType<typeof migration>[] = [],
  django = "3.2.25",
  vendor = "postgresql",
) {
  const refused = migration("catalog.0002_product_stock", ops, {
    dependencies: dependsOn("catalog.0001_initial"),
    file: "catalog/migrations/0002_product_stock.py",
  });
  return {
    ...introspection([refused, ...others], vendor),
    djangoVersion: django,
    applied: dependsOn("catalog.0001_initial"),
  };
}

describe("planSplit: what phasegate split writes", () => {
  it("NOT NULL without a database default before Django 5: nullable now, backfill and SET NOT NULL next release", () => {
    const plan = planSplit(release([addStock()]));
    expect(plan.unsplittable).toEqual([]);
    expect(
      plan.migrations.map((m) => [m.release, m.phase, m.file, m.dependencies.map((d) => d.name)]),
    ).toEqual([
      [1, "expand", "catalog/migrations/0002_product_stock.py", ["0001_initial"]],
      [
        2,
        "expand",
        "catalog/migrations/phasegate_next/0003_product_stock_backfill.py",
        ["0002_product_stock"],
      ],
      [
        2,
        "contract",
        "catalog/migrations/phasegate_next/0004_product_stock_not_null.py",
        ["0003_product_stock_backfill"],
      ],
    ]);
    const [now, backfill, tighten] = plan.migrations;
    expect(now?.operations[0]).toContain("field=models.IntegerField(default=0, null=True)");
    expect(now?.followUp).toEqual([
      { name: "0003_product_stock_backfill", phase: "expand" },
      { name: "0004_product_stock_not_null", phase: "contract" },
    ]);
    expect(backfill?.atomic).toBe(false);
    expect(backfill?.operations.join("\n")).toContain('CHECK ("stock" IS NOT NULL) NOT VALID');
    expect(backfill?.functions[0]).toContain("value = 0");
    expect(tighten?.operations[0]).toContain("SeparateDatabaseAndState");
    expect(tighten?.operations[0]).toContain("field=models.IntegerField(default=0)");
    expect(plan.modelEdits.map((e) => [e.release, e.file, e.definition])).toEqual([
      [1, "catalog/models.py", "models.IntegerField(default=0, null=True)"],
      [2, "catalog/models.py", "models.IntegerField(default=0)"],
    ]);
  });

  it("drops a one-off default (preserve_default=False) from the model, and asks for the value when there is none", () => {
    const oneOff = planSplit(release([{ ...addStock(), preserveDefault: false }]));
    expect(oneOff.modelEdits.map((e) => e.definition)).toEqual([
      "models.IntegerField(default=0, null=True)",
      "models.IntegerField()",
    ]);
    expect(oneOff.migrations[1]?.functions[0]).toContain("value = 0");
    const none = planSplit(release([addStock([])]));
    expect(none.migrations[1]?.functions[0]).toContain("value = None");
    expect(none.splits[0]?.checklist.join(" ")).toContain("Set value in the backfill function");
  });

  it("outside PostgreSQL there is no CHECK constraint: a plain AlterField tightens it", () => {
    const plan = planSplit(release([addStock()], [], "3.2.25", "sqlite"));
    expect(plan.migrations[1]?.operations).toHaveLength(1);
    expect(plan.migrations[2]?.operations[0]).toMatch(/^migrations\.AlterField\(/);
  });

  it("on Django 5 a literal default becomes db_default: one expand release", () => {
    const plan = planSplit(release([addStock()], [], "5.0.6"));
    expect(plan.migrations).toHaveLength(1);
    expect(plan.migrations[0]?.operations[0]).toContain("models.IntegerField(db_default=0, default=0)");
    expect(plan.migrations[0]?.followUp).toEqual([]);
  });

  it("RemoveField of a NOT NULL field: nullable now, removed next release", () => {
    const remove = withSource({
      ...removeField("legacy", { null: false }),
      model: "product",
      fieldDefinition: definition([]),
    });
    const plan = planSplit(release([remove]));
    expect(plan.migrations.map((m) => [m.release, m.phase, m.operations[0]?.split("(")[0]])).toEqual([
      [1, "expand", "migrations.AlterField"],
      [2, "contract", "migrations.RemoveField"],
    ]);
    expect(plan.modelEdits.map((e) => [e.release, e.action])).toEqual([
      [1, "set"],
      [2, "remove"],
    ]);
  });

  it("RenameField keeps the column with db_column: no SQL, nothing owed", () => {
    const rename = op("RenameField", {
      model: "product",
      oldName: "qty",
      newName: "quantity",
      previousFieldFacts: field({ column: "qty" }),
      fieldFacts: field({ column: "quantity" }),
      fieldDefinition: definition([]),
    });
    const plan = planSplit(release([rename]));
    expect(plan.migrations).toHaveLength(1);
    expect(plan.migrations[0]?.operations).toEqual([
      expect.stringContaining('field=models.IntegerField(db_column="qty")'),
      expect.stringContaining('new_name="quantity"'),
    ]);
    expect(plan.modelEdits[0]).toMatchObject({ action: "rename", from: "qty", attribute: "quantity" });
  });

  it("RenameModel and AlterModelTable keep the table with Meta.db_table: no SQL, the class renamed", () => {
    const table = op("AlterModelTable", {
      model: "author",
      oldName: "catalog_author",
      newName: "catalog_writer",
    });
    const rename = op("RenameModel", {
      model: "review",
      oldName: "catalog_review",
      newName: "catalog_critique",
      modelNames: ["Review", "Critique"],
    });
    const plan = planSplit(release([table, rename]));
    expect(plan.migrations.map((m) => m.operations.map((o) => o.split("\n").join(" ")))).toEqual([
      [
        'migrations.AlterModelTable(     name="author",     table="catalog_author", )',
        'migrations.AlterModelTable(     name="review",     table="catalog_review", )',
        'migrations.RenameModel(     old_name="Review",     new_name="Critique", )',
      ],
    ]);
    expect(plan.modelEdits.map((e) => [e.model, e.action, e.attribute, e.from, e.definition])).toEqual([
      ["author", "meta", "db_table", null, '"catalog_author"'],
      ["review", "rename-model", "Critique", "Review", null],
      ["critique", "meta", "db_table", null, '"catalog_review"'],
    ]);
  });

  it("splits a mixed migration and points each later migration at the half it needs", () => {
    const add = withSource(addField("note", { null: true }));
    const drop = withSource(removeField("legacy", { null: true }));
    const laterContract = migration("catalog.0003_drop_more", [removeField("extra", { null: true })], {
      dependencies: dependsOn("catalog.0002_product_stock"),
      file: "catalog/migrations/0003_drop_more.py",
    });
    const plan = planSplit(release([add, drop], [laterContract]));
    expect(plan.migrations.map((m) => [m.name, m.phase, m.dependencies.map((d) => d.name)])).toEqual([
      ["0002_product_stock", "expand", ["0001_initial"]],
      ["0002_contract_product_stock", "contract", ["0002_product_stock"]],
    ]);
    expect(plan.retargets).toEqual([
      {
        migration: { app: "catalog", name: "0003_drop_more" },
        file: "catalog/migrations/0003_drop_more.py",
        from: { app: "catalog", name: "0002_product_stock" },
        to: { app: "catalog", name: "0002_contract_product_stock" },
      },
    ]);
    const laterExpand = migration("catalog.0003_more", [addField("other", { null: true })], {
      dependencies: dependsOn("catalog.0002_product_stock"),
    });
    expect(planSplit(release([add, drop], [laterExpand])).retargets).toEqual([]);
  });

  it("a column type change: new field now, backfill next release, switch and remove the one after", () => {
    const typeChange = op("AlterField", {
      field: "price",
      previousFieldFacts: field({ column: "price", dbType: "integer" }),
      fieldFacts: field({ column: "price", dbType: "varchar(20)" }),
      previousFieldDefinition: definition([]),
      fieldDefinition: { path: "models.CharField", args: [], kwargs: [["max_length", "20"]], imports: [] },
    });
    const plan = planSplit(release([typeChange]));
    expect(plan.migrations.map((m) => [m.release, m.phase, m.name, m.followUp.map((f) => f.name)])).toEqual([
      [1, "expand", "0002_product_stock", ["0003_product_price_new_backfill", "0004_product_price_switch"]],
      [2, "expand", "0003_product_price_new_backfill", ["0004_product_price_switch"]],
      [3, "contract", "0004_product_price_switch", []],
    ]);
    expect(plan.migrations[0]?.operations[0]).toContain("field=models.CharField(max_length=20, null=True)");
    expect(plan.migrations[1]?.functions[0]).toContain(
      'update(price_new=Cast("price", output_field=models.CharField(max_length=20)))',
    );
    expect(plan.migrations[2]?.operations.map((o) => o.split("(")[0])).toEqual([
      "migrations.RemoveField",
      "migrations.SeparateDatabaseAndState",
      "migrations.RenameField",
    ]);
    expect(plan.splits[0]?.checklist[0]).toContain("writes product.price_new");
  });

  it("lists what it cannot split, with why, and leaves that migration alone", () => {
    const code = op("RunPython", { sql: null, model: null, source: null });
    const typeChange = op("AlterField", {
      field: "price",
      previousFieldFacts: field({ column: "price", relatedModel: "catalog.a" }),
      fieldFacts: field({ column: "price", relatedModel: "catalog.b" }),
    });
    const plan = planSplit(release([addStock(), code, typeChange]));
    expect(plan.migrations).toEqual([]);
    expect(plan.unsplittable.map((u) => [u.operation, u.type])).toEqual([
      ["1", "RunPython"],
      ["2", "AlterField"],
    ]);
    expect(plan.unsplittable[0]?.why).toContain('hints={"phase": ...}');
    expect(plan.unsplittable[1]?.why).toContain("changes the column name or the related model");
    const reordered = planSplit(
      release([
        withSource(removeField("legacy", { null: true })),
        withSource(addField("legacy", { null: true })),
      ]),
    );
    expect(reordered.unsplittable[0]?.why).toContain("follows a contract operation on the same field");
  });

  it("numbers later migrations after every existing one and chains them, expand ones first", () => {
    const two = planSplit(release([addStock(), { ...addStock(), field: "count", index: 1 }]));
    const later = two.migrations.filter((m) => m.release === 2);
    expect(later.map((m) => [m.name, m.dependencies[0]?.name])).toEqual([
      ["0003_product_stock_backfill", "0002_product_stock"],
      ["0004_product_count_backfill", "0003_product_stock_backfill"],
      ["0005_product_stock_not_null", "0004_product_count_backfill"],
      ["0006_product_count_not_null", "0005_product_stock_not_null"],
    ]);
  });
});
