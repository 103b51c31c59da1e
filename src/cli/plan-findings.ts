import type { Introspection } from "../domain/classify/migration.js";
import type { PlanResult, RefusalCode } from "../domain/plan/plan.js";
import { MigrationLocations, type SourceLocation } from "./plan-locations.js";

/** What CI reports about a plan: refusals are errors, long strong locks are warnings. */
export interface Finding {
  level: "error" | "warning";
  /** A stable id per kind of finding, for SARIF rules. */
  rule: RefusalCode | "lock";
  title: string;
  message: string;
  location: SourceLocation | null;
}

/** Every refusal and every lock warning of the plan, each at its migration file and line. */
export function planFindings(
  result: PlanResult,
  introspection: Introspection,
  projectDir: string,
): Finding[] {
  const locations = new MigrationLocations(introspection, projectDir);
  const operations = result.ok ? result.plan.operations : result.operations;
  const refusals: Finding[] = result.ok
    ? []
    : result.refusals.map((refusal) => {
        const operation = operations.find(
          (o) =>
            o.app === refusal.migration.app &&
            o.migration === refusal.migration.name &&
            o.path === refusal.operation,
        );
        const recipe =
          refusal.recipe.length > 0 ? `\nWhat to do:\n${refusal.recipe.map((r) => `- ${r}`).join("\n")}` : "";
        return {
          level: "error",
          rule: refusal.code,
          title: `phasegate: ${refusal.code}`,
          message: `${refusal.message}${recipe}`,
          location: operation ? locations.ofOperation(operation) : locations.ofMigration(refusal.migration),
        };
      });
  const locks: Finding[] = operations.flatMap((operation) =>
    operation.lockWarnings.map((warning) => ({
      level: "warning" as const,
      rule: "lock" as const,
      title: `phasegate: lock on ${operation.app}.${operation.migration} ${operation.path}`,
      message: `${operation.description}: ${warning}`,
      location: locations.ofOperation(operation),
    })),
  );
  return [...refusals, ...locks];
}
