import type { MigrationKey } from "../classify/migration.js";

/**
 * What `phasegate split` writes: data only. The CLI reads the files, renders them (render-migration.ts) and prints
 * a diff or writes them.
 */

export type SplitPhase = "expand" | "contract";

/** A migration owed by a later release (the `phasegate_follow_up` marker of the migration that starts it). */
export interface FollowUpName {
  name: string;
  phase: SplitPhase;
}

/** One generated migration file. */
export interface MigrationSpec extends MigrationKey {
  /** 1 for the release being split; 2, 3 for the releases after it (written under migrations/phasegate_next/). */
  release: number;
  phase: SplitPhase;
  /** Project-relative path of the file to write. */
  file: string;
  /** What it is for, one line (the module docstring). */
  summary: string;
  /** The refused migration whose recipe it carries out. */
  origin: MigrationKey;
  dependencies: MigrationKey[];
  /** False when its statements must commit one by one (batched backfill, NOT VALID then VALIDATE). */
  atomic: boolean;
  /** Python source of each operation (no trailing comma, not indented). */
  operations: string[];
  /** Module-level functions its RunPython operations call. */
  functions: string[];
  imports: string[];
  /** Migrations the releases after this one still owe. */
  followUp: FollowUpName[];
}

/** A change to the project's models.py that must ship with a release (phasegate cannot edit Python classes). */
export interface ModelEdit {
  app: string;
  /** Project-relative models.py of the app (next to its migrations folder). */
  file: string;
  /** Lower-cased model name, as in migrations. */
  model: string;
  release: number;
  /**
   * "set": the attribute's definition becomes `definition`; "remove": delete the attribute; "rename": `from` becomes
   * `attribute`; "meta": the Meta option `attribute` becomes `definition`; "rename-model": class `from` becomes `attribute`.
   */
  action: "set" | "remove" | "rename" | "meta" | "rename-model";
  attribute: string;
  from: string | null;
  definition: string | null;
}

/** One refused operation and what phasegate did about it. */
export interface OperationSplit {
  migration: MigrationKey;
  /** Null for a mixed migration split as a whole. */
  operation: string | null;
  type: string;
  /** The recipe in words, one line per release. */
  releases: string[];
  /** Application code phasegate cannot write, as a checklist. */
  checklist: string[];
}

export interface Unsplittable {
  migration: MigrationKey;
  operation: string | null;
  type: string | null;
  why: string;
}

/** A later migration whose dependency on a split migration now names one of its halves. */
export interface Retarget {
  migration: MigrationKey;
  file: string;
  from: MigrationKey;
  to: MigrationKey;
}

export interface SplitPlan {
  /** Original files the generated ones replace (deleted unless a generated file has the same path). */
  replaced: { migration: MigrationKey; file: string }[];
  migrations: MigrationSpec[];
  retargets: Retarget[];
  modelEdits: ModelEdit[];
  splits: OperationSplit[];
  unsplittable: Unsplittable[];
}
