import { describe, expect, it } from "vitest";
import { renderPlanJson } from "../../src/cli/plan-json.js";
import { renderPlanText } from "../../src/cli/plan-text.js";
import { planRelease } from "../../src/domain/plan/planner.js";
import { addField, introspection, migration, op } from "../../testkit/migrations.js";

const options = { verbose: false, project: "examples/shop" };

describe("plan output", () => {
  it("shows an unsafe operation's reason and numbered recipe under its row", () => {
    const facts = introspection(
      [migration("inventory.0002_x", [addField("warehouse", { hasDefault: true })])],
      "sqlite",
    );
    const text = renderPlanText(planRelease(facts), facts, options);
    expect(text).toContain("phasegate plan: examples/shop (Django 3.2.25, sqlite, 1 pending migration)");
    expect(text).toContain("Refused: 1 problem, nothing can be applied:");
    expect(text).toMatch(/PHASE\s+MIGRATION\s+OP\s+OPERATION\s+VERDICT/);
    expect(text).toMatch(/-\s+inventory\.0002_x\s+0\s+AddField on product\s+unsafe/);
    expect(text).toContain('       - Release 1 (expand): add "warehouse" with null=True');
    expect(text).toContain(
      `  phasegate split --project ${options.project} writes these recipes as migrations (a diff; --write writes them).`,
    );
  });

  it("marks overridden operations and shows SQL only when verbose", () => {
    const facts = introspection([
      migration("catalog.0002_sql", [
        op("RunSQL", { code: "UPDATE", phaseHint: "expand", sql: ["UPDATE t SET a = 1;"] }),
      ]),
    ]);
    const result = planRelease(facts);
    expect(renderPlanText(result, facts, options)).toContain("expand (overridden)");
    expect(renderPlanText(result, facts, options)).not.toContain("UPDATE t SET a = 1;");
    expect(renderPlanText(result, facts, { ...options, verbose: true })).toContain(
      "sql: UPDATE t SET a = 1;",
    );
  });

  it("says when there is nothing pending", () => {
    const facts = introspection([]);
    const text = renderPlanText(planRelease(facts), facts, options);
    expect(text).toContain("No pending migrations: deploy and wait only.");
    expect(JSON.parse(renderPlanJson(planRelease(facts), facts))).toMatchObject({
      ok: true,
      operations: [],
      refusals: [],
    });
  });
});
