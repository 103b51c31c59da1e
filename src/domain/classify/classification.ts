import type { TableLock } from "../locks/analyse.js";
import type { Verdict } from "./verdict.js";

/** One pending operation with its verdict, as shown to users and in `phasegate plan --json`. */
export interface ClassifiedOperation {
  app: string;
  migration: string;
  /** Index in the migration; nested operations of SeparateDatabaseAndState are "2.db.0". */
  path: string;
  type: string;
  description: string;
  verdict: Verdict;
  /** Why, in words a user can act on. */
  reason: string;
  /** For `unsafe`: how to split the change over several releases, one line per release or step. */
  recipe: string[] | null;
  /** Extra facts that do not change the verdict (locks taken, index not built concurrently, …). */
  notes: string[];
  /** The notes that warn of a long strong lock on an existing table (locks-flags.ts), for CI annotations. */
  lockWarnings: string[];
  /** PostgreSQL: the strongest lock its SQL takes on each table; empty on other databases. */
  locks: TableLock[];
  /** True when a migration-level override or a phase hint decided the verdict. */
  overridden: boolean;
  sql: string[];
}
