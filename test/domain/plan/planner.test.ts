import { describe, expect, it } from "vitest";
import type { Plan, PlanResult, Refusal } from "../../../src/domain/plan/plan.js";
import { planRelease } from "../../../src/domain/plan/planner.js";
import {
  addField,
  alterField,
  dependsOn,
  introspection,
  migration,
  op,
  removeField,
} from "../../../testkit/migrations.js";

function expectPlan(result: PlanResult): Plan {
  if (!result.ok) throw new Error(`refused: ${result.refusals.map((r) => r.message).join("\n")}`);
  return result.plan;
}

function expectRefusals(result: PlanResult): Refusal[] {
  if (result.ok) throw new Error("expected the planner to refuse");
  return result.refusals;
}

const isActive = migration("catalog.0002_product_is_active", [
  addField("is_active", { null: true, internalType: "BooleanField" }),
  alterField("is_enabled", { null: false }, { null: true }),
]);
const removeEnabled = migration(
  "catalog.0003_remove_product_is_enabled",
  [
    removeField(
      "is_enabled",
      { null: true },
      { sql: ['ALTER TABLE "catalog_product" DROP COLUMN "is_enabled" CASCADE;'] },
    ),
  ],
  { dependencies: dependsOn("catalog.0002_product_is_active") },
);

describe("planRelease", () => {
  it("splits expand and contract around deploy, rollout and approval", () => {
    const plan = expectPlan(planRelease(introspection([isActive, removeEnabled])));
    expect(plan.steps.map((s) => [s.index, s.kind, s.phase])).toEqual([
      [0, "migrate", "expand"],
      [1, "deploy", "deploy"],
      [2, "wait-rollout", "wait-rollout"],
      [3, "approval", "approval"],
      [4, "migrate", "contract"],
    ]);
    expect(plan.steps[0]).toMatchObject({
      targets: [{ app: "catalog", migration: "0002_product_is_active" }],
      destructive: false,
    });
    expect(plan.steps[4]).toMatchObject({
      targets: [{ app: "catalog", migration: "0003_remove_product_is_enabled" }],
      migrations: [{ app: "catalog", name: "0003_remove_product_is_enabled" }],
      destructive: true,
    });
    expect(plan.destructive).toBe(true);
    expect(plan.migrations).toEqual([
      { app: "catalog", name: "0002_product_is_active", phase: "expand" },
      { app: "catalog", name: "0003_remove_product_is_enabled", phase: "contract" },
    ]);
  });

  it("the approval summary lists exactly what is dropped, with its SQL", () => {
    const plan = expectPlan(planRelease(introspection([isActive, removeEnabled])));
    const approval = plan.steps.find((s) => s.kind === "approval");
    expect(approval).toMatchObject({ gate: "contract" });
    expect(approval?.kind === "approval" && approval.summary).toEqual([
      'catalog.0003_remove_product_is_enabled: drop column catalog_product.is_enabled (ACCESS EXCLUSIVE lock on catalog_product.) — SQL: ALTER TABLE "catalog_product" DROP COLUMN "is_enabled" CASCADE;',
    ]);
  });

  it("summarises tables, indexes, constraints and NOT NULL with the lock they take", () => {
    const contract = migration("shop.0009_cleanup", [
      op("DeleteModel", { table: "shop_legacy" }),
      op("RemoveIndex", { objectName: "order_created_idx", table: "shop_order" }),
      op("RemoveConstraint", { objectName: "total_positive", table: "shop_order" }),
      alterField("email", { null: true }, { null: false }),
    ]);
    const plan = expectPlan(planRelease(introspection([contract])));
    const approval = plan.steps.find((s) => s.kind === "approval");
    const summary = approval?.kind === "approval" ? approval.summary.join("\n") : "";
    expect(summary).toContain("drop table shop_legacy");
    expect(summary).toContain("drop index order_created_idx on shop_order");
    expect(summary).toContain("drop constraint total_positive on shop_order");
    expect(summary).toContain("adds NOT NULL");
    expect(summary).toContain("ACCESS EXCLUSIVE");
  });

  it("an expand-only release has no approval and no contract step", () => {
    const plan = expectPlan(planRelease(introspection([isActive])));
    expect(plan.steps.map((s) => s.kind)).toEqual(["migrate", "deploy", "wait-rollout"]);
    expect(plan.destructive).toBe(false);
  });

  it("a release without pending migrations only deploys and waits, even for a service with a backfill", () => {
    const plan = expectPlan(planRelease(introspection([])));
    expect(plan.steps.map((s) => s.kind)).toEqual(["deploy", "wait-rollout"]);
    const withBackfill = expectPlan(planRelease(introspection([]), { backfill: { command: ["backfill"] } }));
    expect(withBackfill.steps.map((s) => s.kind)).toEqual(["deploy", "wait-rollout"]);
  });

  it("names the last migration of each phase per app as the migrate target", () => {
    const pending = [
      migration("catalog.0002_a", [op("CreateModel")]),
      migration("orders.0005_b", [op("CreateModel", { table: "orders_order" })]),
      migration("catalog.0003_c", [op("AddIndex", { objectName: "i" })], {
        dependencies: dependsOn("catalog.0002_a"),
      }),
      migration("orders.0006_d", [op("DeleteModel", { table: "orders_legacy" })], {
        dependencies: dependsOn("orders.0005_b"),
      }),
    ];
    const plan = expectPlan(planRelease(introspection(pending)));
    const [expand] = plan.steps;
    expect(expand?.kind === "migrate" && expand.targets).toEqual([
      { app: "orders", migration: "0005_b" },
      { app: "catalog", migration: "0003_c" },
    ]);
    expect(plan.steps.at(-1)).toMatchObject({ targets: [{ app: "orders", migration: "0006_d" }] });
  });

  it("neutral-only migrations go with expand, unless they depend on a contract migration", () => {
    const options = (label: string, deps: string[]) =>
      migration(label, [op("AlterModelOptions", { sql: [] })], { dependencies: dependsOn(...deps) });
    const pending = [
      options("catalog.0002_options", []),
      migration("catalog.0003_drop", [op("DeleteModel")], {
        dependencies: dependsOn("catalog.0002_options"),
      }),
      options("catalog.0004_options", ["catalog.0003_drop"]),
    ];
    const plan = expectPlan(planRelease(introspection(pending)));
    expect(plan.migrations.map((m) => m.phase)).toEqual(["expand", "contract", "contract"]);
    expect(plan.steps.at(-1)).toMatchObject({ targets: [{ app: "catalog", migration: "0004_options" }] });
  });

  it("an overridden migration runs in the phase it names", () => {
    const renamed = migration("catalog.0002_rename", [op("RenameField", { oldName: "a", newName: "b" })], {
      override: { phase: "contract", source: "phasegate", raw: '"contract"' },
    });
    const plan = expectPlan(planRelease(introspection([renamed])));
    expect(plan.migrations).toEqual([{ app: "catalog", name: "0002_rename", phase: "contract" }]);
    expect(plan.steps.map((s) => s.kind)).toEqual(["deploy", "wait-rollout", "approval", "migrate"]);
  });
});

describe("planRelease refusals", () => {
  it("refuses every unsafe operation, each with its recipe", () => {
    const pending = [
      migration("catalog.0002_rename", [
        op("RenameField", { oldName: "title", newName: "name" }),
        addField("sku", { hasDefault: true }),
      ]),
    ];
    const refusals = expectRefusals(planRelease(introspection(pending)));
    expect(refusals.map((r) => [r.code, r.operation])).toEqual([
      ["unsafe-operation", "0"],
      ["unsafe-operation", "1"],
    ]);
    expect(refusals[0]?.message).toContain("catalog.0002_rename operation 0");
    expect(refusals[0]?.recipe[0]).toContain('db_column="title"');
    expect(refusals[1]?.recipe[0]).toContain('Release 1 (expand): add "sku" with null=True');
  });

  it("still lists every operation with its verdict when it refuses", () => {
    const result = planRelease(
      introspection([migration("catalog.0002_x", [op("RunSQL", { code: "UPDATE" })])]),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.operations.map((o) => o.verdict)).toEqual(["unsafe"]);
  });

  it("refuses a migration that mixes expand and contract operations, saying how to split it", () => {
    const mixed = migration("catalog.0002_mixed", [
      addField("is_active", { null: true }, { description: "Add field is_active to product" }),
      removeField("is_enabled", { null: true }, { description: "Remove field is_enabled from product" }),
    ]);
    const [refusal, ...rest] = expectRefusals(planRelease(introspection([mixed])));
    expect(rest).toEqual([]);
    expect(refusal).toMatchObject({
      code: "mixed-migration",
      migration: { app: "catalog", name: "0002_mixed" },
    });
    expect(refusal?.recipe.join("\n")).toContain(
      "Split it in two migrations: catalog.0002_mixed keeps the expand operations (0 Add field is_active to product)",
    );
    expect(refusal?.recipe.join("\n")).toContain(
      "contract operations (1 Remove field is_enabled from product)",
    );
  });

  it("refuses an expand migration that depends, even transitively, on a contract migration", () => {
    const pending = [
      migration("catalog.0002_drop", [op("DeleteModel")]),
      migration("catalog.0003_options", [op("AlterModelOptions", { sql: [] })], {
        dependencies: dependsOn("catalog.0002_drop"),
      }),
      migration("orders.0004_add", [addField("note", { null: true })], {
        dependencies: dependsOn("catalog.0003_options"),
      }),
    ];
    const refusals = expectRefusals(planRelease(introspection(pending)));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      code: "contract-before-expand",
      migration: { app: "orders", name: "0004_add" },
    });
    expect(refusals[0]?.message).toContain("depends on catalog.0002_drop");
    expect(refusals[0]?.recipe[0]).toBe(
      "Move orders.0004_add to the next release, once catalog.0002_drop is applied.",
    );
  });

  it("follows a squashed migration that replaces the dependency", () => {
    const squashed = migration("catalog.0002_squashed_0003", [op("DeleteModel")], {
      replaces: dependsOn("catalog.0002_a", "catalog.0003_b"),
    });
    const dependent = migration("orders.0002_add", [op("CreateModel")], {
      dependencies: dependsOn("catalog.0003_b"),
    });
    const refusals = expectRefusals(planRelease(introspection([squashed, dependent])));
    expect(refusals[0]?.message).toContain("depends on catalog.0002_squashed_0003");
  });

  it("lists every reason at once", () => {
    const pending = [
      migration("catalog.0002_mixed", [addField("a", { null: true }), removeField("b", { null: true })]),
      migration("catalog.0003_unsafe", [op("RenameModel", { oldName: "catalog_item", newName: "Product" })], {
        dependencies: dependsOn("catalog.0002_mixed"),
      }),
      migration("catalog.0004_add", [addField("c", { null: true })], {
        dependencies: dependsOn("catalog.0003_unsafe"),
      }),
    ];
    const refusals = expectRefusals(planRelease(introspection(pending)));
    expect(refusals.map((r) => `${r.migration.name} ${r.code}`)).toEqual([
      "0002_mixed mixed-migration",
      "0003_unsafe unsafe-operation",
      "0004_add contract-before-expand",
    ]);
  });
});
