import type { ClassifiedOperation } from "../classify/classification.js";
import type { MigrationKey } from "../classify/migration.js";

export type PhaseKind =
  | "expand"
  | "deploy"
  | "wait-rollout"
  | "backfill"
  | "analysis"
  | "approval"
  | "contract";
export type StepKind = "migrate" | "deploy" | "wait-rollout" | "backfill" | "analysis" | "approval";

/** `manage.py migrate <app> <name>`: migrate one app up to and including that migration. */
export interface MigrateTarget {
  app: string;
  migration: string;
}

interface StepBase {
  index: number;
  phase: PhaseKind;
  title: string;
}

export interface MigrateStep extends StepBase {
  kind: "migrate";
  phase: "expand" | "contract";
  targets: MigrateTarget[];
  /** Every migration this step applies, in order. */
  migrations: MigrationKey[];
  destructive: boolean;
}

export interface DeployStep extends StepBase {
  kind: "deploy";
  phase: "deploy";
}

export interface WaitRolloutStep extends StepBase {
  kind: "wait-rollout";
  phase: "wait-rollout";
}

/** The service's backfill command, batch after batch until nothing remains (src/backfill). */
export interface BackfillStep extends StepBase {
  kind: "backfill";
  phase: "backfill";
  /** What follows the project's Python, e.g. ["manage.py", "backfill_is_active"]. */
  command: string[];
}

/** The analysis gate: the service's metrics must pass for its soak before the approval is offered (src/domain/run/analysis.ts). */
export interface AnalysisStep extends StepBase {
  kind: "analysis";
  phase: "analysis";
}

export interface ApprovalStep extends StepBase {
  kind: "approval";
  phase: "approval";
  /** Gate id, stable within the run ("contract"). */
  gate: string;
  /** What the approver allows: the destructive operations of the phase after the gate. */
  summary: string[];
}

export type PlanStep =
  | MigrateStep
  | DeployStep
  | WaitRolloutStep
  | BackfillStep
  | AnalysisStep
  | ApprovalStep;

export interface PlanMigration extends MigrationKey {
  phase: "expand" | "contract";
}

export interface Plan {
  steps: PlanStep[];
  migrations: PlanMigration[];
  operations: ClassifiedOperation[];
  /** True when the plan has a contract phase (and therefore an approval gate). */
  destructive: boolean;
}

export type RefusalCode =
  | "unsafe-operation"
  | "contract-before-expand"
  | "mixed-migration"
  | "release-behind-database";

export interface Refusal {
  code: RefusalCode;
  migration: MigrationKey;
  /** Operation path for unsafe operations. */
  operation: string | null;
  message: string;
  /** What to do about it, one line per action. */
  recipe: string[];
}

export type PlanResult =
  | { ok: true; plan: Plan }
  | { ok: false; refusals: Refusal[]; operations: ClassifiedOperation[] };
