import type { AttemptClaim } from "../domain/run/attempt.js";
import type { Actor, Run, RunStatus } from "../domain/run/run.js";

/** One line of a run's audit trail: a change that was applied, or an action that was refused. */
export interface AuditEntry {
  /** Stream entry id (time-ordered). */
  id: string;
  at: string;
  actor: Actor;
  /** The event type ("approval-granted", "created", …). */
  action: string;
  from: RunStatus | null;
  to: RunStatus | null;
  outcome: "applied" | "refused";
  /** Why it was refused, or a short note about what was done. */
  detail: string | null;
}

export type AuditInput = Omit<AuditEntry, "id">;

export type CreateResult = { ok: true; run: Run } | { ok: false; activeRunId: string };

export type SaveResult =
  | { ok: true }
  /** The run changed since it was loaded: reload and decide again. */
  | { ok: false; conflict: "revision" }
  /** A retry needs the service lock and another run holds it. */
  | { ok: false; conflict: "locked"; activeRunId: string }
  /** The report's attempt no longer owns its step (or the rollback's deploy): `owner` does (see attempt.ts). */
  | { ok: false; conflict: "stale"; owner: string };

export interface ListQuery {
  /** Only this service's runs; every service when absent. */
  service?: string;
  /** Only these services' runs, the newest of them all (instead of `service`): one round trip for a whole channel. */
  services?: readonly string[];
  /** Newest first, at most this many (default 20). */
  limit?: number;
}

/**
 * Durable runs. Every write is atomic: a save succeeds only from the revision it was read at, takes the
 * service lock when a finished run becomes active again, releases it when the run reaches a terminal state,
 * and appends the audit entry in the same step.
 */
export interface RunStore {
  /**
   * Gives the new run its id (see runIdOf), stores it (revision 1) and takes its service's lock, atomically:
   * refused while another run of the service is active, and then no id is used up. `build` makes the run from
   * its id (it may be called again when another start took the id first).
   */
  create(service: string, build: (id: string) => Run, audit: AuditInput): Promise<CreateResult>;
  get(runId: string): Promise<Run | null>;
  /**
   * Saves `next` (its revision must be `expectedRevision + 1`) if the stored run is still at `expectedRevision`
   * and, given a claim, the attempt it names still owns the step (checked first: a stale attempt is refused even
   * when it read the latest revision). `audit` null: a change nobody needs in the trail (a rollout poll, summed up
   * when the wait ends).
   */
  save(
    next: Run,
    expectedRevision: number,
    audit: AuditInput | null,
    claim?: AttemptClaim | null,
  ): Promise<SaveResult>;
  /** Records a refused action (or any note) in the run's audit trail without changing the run. */
  appendAudit(runId: string, audit: AuditInput): Promise<void>;
  audit(runId: string): Promise<AuditEntry[]>;
  /** Id of the service's active run, if any. */
  activeRunId(service: string): Promise<string | null>;
  list(query?: ListQuery): Promise<Run[]>;
}
