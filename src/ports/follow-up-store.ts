import type { MigrationKey } from "../domain/classify/migration.js";
import type { OwedFollowUp } from "../domain/plan/follow-up-report.js";

/** The migrations each service's next releases still owe (the follow-ups of multi-release recipes). */
export interface FollowUpStore {
  owed(service: string): Promise<OwedFollowUp[]>;
  /** Records what a run owes and forgets what it settles, in one step. */
  update(service: string, owe: OwedFollowUp[], settle: MigrationKey[]): Promise<void>;
  /** Forgets one follow-up; null when it was not owed. */
  drop(service: string, migration: MigrationKey): Promise<OwedFollowUp | null>;
}
