import type { Freeze } from "../domain/run/contract-hold.js";

/** One line of the freezes' audit trail: a freeze or unfreeze done, or refused. */
export interface FreezeAuditEntry {
  at: string;
  /** Slack user id. */
  by: string;
  action: "freeze" | "unfreeze";
  /** A service name, or "all". */
  scope: string;
  outcome: "applied" | "refused";
  /** The reason given, or why it was refused. */
  detail: string;
}

export type SetFreezeResult = { ok: true } | { ok: false; existing: Freeze };

/**
 * The active freezes (a service's, or every service's: "all") and their audit trail. Writes are atomic with their
 * audit entry; a call that cannot reach Redis throws StoreUnavailableError.
 */
export interface FreezeStore {
  list(): Promise<Freeze[]>;
  /** Refused while the scope is frozen already (the existing freeze is returned). */
  set(freeze: Freeze, audit: FreezeAuditEntry): Promise<SetFreezeResult>;
  /** The freeze lifted, or null when the scope was not frozen (nothing is audited then). */
  remove(scope: string, audit: FreezeAuditEntry): Promise<Freeze | null>;
  /** Records a refused freeze or unfreeze. */
  appendAudit(entry: FreezeAuditEntry): Promise<void>;
  /** The newest entries first, at most `limit`. */
  audit(limit: number): Promise<FreezeAuditEntry[]>;
}
