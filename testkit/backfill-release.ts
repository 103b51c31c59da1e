import type { Plan } from "../src/domain/plan/plan.js";
import { planRelease } from "../src/domain/plan/planner.js";
import { createRun } from "../src/domain/run/create.js";
import type { Run } from "../src/domain/run/run.js";
import { introspection, migration, op, removeField } from "./migrations.js";

/** A release of one expand migration (a new table) and one contract (a dropped column). */
export const backfillRelease = introspection([
  migration("catalog.0002_add", [op("CreateModel", { model: "review", table: "catalog_review" })]),
  migration("catalog.0003_drop", [removeField("is_enabled", { null: true })]),
]);

/** That release planned for a service whose backfill runs `command`. */
export function backfillPlan(command: string[]): Plan {
  const result = planRelease(backfillRelease, { backfill: { command } });
  if (!result.ok) throw new Error("plan refused");
  return result.plan;
}

/** A new run of that plan, as startRun creates it. */
export function backfillRun(id: string, command: string[]): Run {
  return createRun({
    id,
    service: "shop",
    version: "v2",
    requester: "U_ALICE",
    plan: backfillPlan(command),
    fourEyes: true,
    gateTokens: {},
    now: "2026-01-01T00:00:00.000Z",
  });
}
