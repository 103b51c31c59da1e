import type { Introspection } from "../classify/migration.js";
import { describeEffect } from "../run/effects.js";
import { assignPhases, type PhasedMigration } from "./phases.js";
import type { MigrateStep, MigrateTarget, Plan, PlanResult, PlanStep } from "./plan.js";
import { downgradeRefusals, findRefusals } from "./refusals.js";

type UnindexedStep = PlanStep extends infer S ? (S extends PlanStep ? Omit<S, "index"> : never) : never;

/** Per app, the last migration of the phase: `manage.py migrate <app> <name>` applies it and what it depends on. */
function targetsOf(migrations: PhasedMigration[]): MigrateTarget[] {
  const last = new Map<string, string>();
  for (const { migration } of migrations) {
    last.delete(migration.app);
    last.set(migration.app, migration.name);
  }
  return [...last].map(([app, migration]) => ({ app, migration }));
}

function migrateStep(
  phase: "expand" | "contract",
  migrations: PhasedMigration[],
): Omit<MigrateStep, "index"> {
  const targets = targetsOf(migrations);
  return {
    kind: "migrate",
    phase,
    title: `Apply ${migrations.length} ${phase} migration${migrations.length === 1 ? "" : "s"}`,
    targets,
    migrations: migrations.map(({ migration }) => ({ app: migration.app, name: migration.name })),
    destructive: migrations.some((m) => m.entries.some((e) => e.result.verdict === "contract")),
  };
}

/**
 * What the service adds to every plan: a backfill command run after the rollout, then the analysis of its metrics,
 * both before the approval.
 */
export interface PlanOptions {
  backfill?: { command: string[] };
  analysis?: boolean;
}

function buildPlan(migrations: PhasedMigration[], options: PlanOptions): Plan {
  const expand = migrations.filter((m) => m.phase === "expand");
  const contract = migrations.filter((m) => m.phase === "contract");
  const destructive = contract.flatMap((m) => m.entries).filter((e) => e.result.verdict === "contract");
  const steps: UnindexedStep[] = [
    ...(expand.length > 0 ? [migrateStep("expand", expand)] : []),
    { kind: "deploy", phase: "deploy", title: "Deploy the new code" },
    { kind: "wait-rollout", phase: "wait-rollout", title: "Wait until every instance runs the new code" },
    // A release without migrations has nothing to backfill: it deploys and waits only.
    ...(options.backfill && migrations.length > 0
      ? [
          {
            kind: "backfill" as const,
            phase: "backfill" as const,
            title: "Backfill the data batch by batch",
            command: options.backfill.command,
          },
        ]
      : []),
    ...(options.analysis
      ? [
          {
            kind: "analysis" as const,
            phase: "analysis" as const,
            title: "Analyse the new code's metrics until they pass for the soak",
          },
        ]
      : []),
    ...(destructive.length > 0
      ? [
          {
            kind: "approval" as const,
            phase: "approval" as const,
            gate: "contract",
            title: "Approve the contract phase",
            summary: destructive.map(describeEffect),
          },
        ]
      : []),
    ...(contract.length > 0 ? [migrateStep("contract", contract)] : []),
  ];
  return {
    steps: steps.map((step, index) => ({ ...step, index }) as PlanStep),
    migrations: migrations.map(({ migration, phase }) => ({
      app: migration.app,
      name: migration.name,
      phase,
    })),
    operations: migrations.flatMap((m) => m.entries.map((e) => e.result)),
    destructive: destructive.length > 0,
  };
}

/** Splits the pending migrations of a release into expand → deploy → wait → (backfill) → (analysis) → approval → contract, or refuses with every reason. */
export function planRelease(introspection: Introspection, options: PlanOptions = {}): PlanResult {
  const migrations = assignPhases(introspection);
  const refusals = [...downgradeRefusals(introspection), ...findRefusals(migrations)];
  if (refusals.length > 0) {
    return { ok: false, refusals, operations: migrations.flatMap((m) => m.entries.map((e) => e.result)) };
  }
  return { ok: true, plan: buildPlan(migrations, options) };
}
