import type { ClassifiedOperation } from "../domain/classify/classification.js";
import type { Introspection } from "../domain/classify/migration.js";
import type { StepFacts } from "../domain/locks/live-facts.js";
import type { PlanResult } from "../domain/plan/plan.js";

function operationJson(o: ClassifiedOperation) {
  return {
    app: o.app,
    migration: o.migration,
    path: o.path,
    type: o.type,
    description: o.description,
    verdict: o.verdict,
    overridden: o.overridden,
    reason: o.reason,
    recipe: o.recipe,
    notes: o.notes,
    locks: o.locks,
    sql: o.sql,
  };
}

/** `phasegate plan --json`: one object, stable keys, for scripts and CI. */
export function renderPlanJson(
  result: PlanResult,
  introspection: Introspection,
  liveFacts: StepFacts[] = [],
): string {
  const operations = result.ok ? result.plan.operations : result.operations;
  const body = {
    ok: result.ok,
    plan: result.ok
      ? { steps: result.plan.steps, migrations: result.plan.migrations, destructive: result.plan.destructive }
      : null,
    refusals: result.ok ? [] : result.refusals,
    operations: operations.map(operationJson),
    django: introspection.djangoVersion,
    vendor: introspection.vendor,
    liveFacts,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
