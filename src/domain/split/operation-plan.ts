import type { MigrationOperation } from "../classify/migration.js";
import type { ModelEdit, SplitPhase } from "./split-plan.js";

/** Operations that ship in one migration of a later release. */
export interface LaterPart {
  release: number;
  phase: SplitPhase;
  /** Name after the number: "item_stock_not_null". */
  slug: string;
  summary: string;
  atomic: boolean;
  operations: string[];
  functions: string[];
  imports: string[];
  /** Which refused operation of its migration it comes from (parts of one recipe chain their follow-ups). */
  group?: number;
}

/** How one refused operation is carried out: what replaces it now, what later releases owe. */
export interface OperationPlan {
  /** Release-1 operations in order, each with the phase it runs in. */
  now: { phase: SplitPhase; source: string; imports: string[] }[];
  later: LaterPart[];
  modelEdits: Omit<ModelEdit, "app" | "file">[];
  releases: string[];
  checklist: string[];
}

export interface SplitContext {
  app: string;
  vendor: string;
  /** Major version of Django (5 for 5.0.x). */
  djangoMajor: number;
}

/** A recipe: the plan for one operation, or why it cannot be written. */
export type Recipe = (operation: MigrationOperation, context: SplitContext) => OperationPlan | string;

export const MIGRATIONS_IMPORT = "from django.db import migrations";
