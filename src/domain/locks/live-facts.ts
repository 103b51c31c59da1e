import type { LockMode } from "./analyse.js";

/**
 * Live facts about a database, read just before a phase (and for the plan preview) by the introspection helper's
 * `--live-facts` mode: what the approver needs to judge a lock, next to what the migration's text says.
 */

/** A table the phase touches, as the database sees it now. */
export interface TableFacts {
  table: string;
  /** False for a table the phase creates (or that is gone). */
  exists: boolean;
  /** pg_class.reltuples; null when never analysed (PostgreSQL) or not known (SQLite). */
  rows: number | null;
  /** pg_total_relation_size; SQLite: the table's pages (dbstat), or the whole file's (`sizeOf: "database"`). */
  bytes: number | null;
  sizeOf: "table" | "database";
}

/** A PostgreSQL session (pg_stat_activity), with the lock it holds on the table when it blocks one. */
export interface SessionFacts {
  pid: number;
  user: string;
  application: string;
  state: string;
  /** Since its transaction (else its query, else its connection) began. */
  ageSeconds: number;
  /** The start of its current or last query, as PostgreSQL shows it. */
  query: string;
  table: string | null;
  /** pg_locks.mode, e.g. "AccessShareLock". */
  mode: string | null;
}

export interface ReplicaFacts {
  name: string;
  state: string;
  /** pg_stat_replication.replay_lag; null when the standby is caught up or reports none. */
  replayLagSeconds: number | null;
}

export interface LiveFacts {
  vendor: string;
  tables: TableFacts[];
  /** Sessions holding a lock that conflicts with what the phase takes: its statement would queue behind them. */
  blockers: SessionFacts[];
  /** Sessions idle in a transaction for longer than the service's threshold. */
  idle: SessionFacts[];
  replicas: ReplicaFacts[];
}

/** What the approver is shown about one table: its facts with what the phase does to it. */
export interface TableOutlook extends TableFacts {
  mode: LockMode;
  work: "rewrite" | "scan" | null;
  /** Seconds the rewrite or scan should take at the rate; null without work or size. */
  estimateSeconds: number | null;
}

/** Where the rewrite rate of an estimate comes from. */
export interface RewriteRate {
  bytesPerSecond: number;
  source: "configured" | "measured";
  /** ISO time of the measured rewrite. */
  measuredAt: string | null;
}

/** Live facts as gathered for a phase: shown in the gate message and the plan; `unavailable` says why not. */
export type PhaseFacts =
  | {
      ok: true;
      gatheredAt: string;
      vendor: string;
      tables: TableOutlook[];
      blockers: SessionFacts[];
      idle: SessionFacts[];
      replicas: ReplicaFacts[];
      rate: RewriteRate | null;
      /** The idle-in-transaction threshold the facts were read with. */
      idleSeconds: number;
    }
  | { ok: false; gatheredAt: string; unavailable: string };

/** The live facts read before one migrate step of a plan (the plan preview shows one per phase). */
export interface StepFacts {
  step: number;
  phase: "expand" | "contract";
  facts: PhaseFacts;
}

/** pg_locks' name of each table lock mode. */
const PG_LOCK_NAMES = {
  "ACCESS SHARE": "AccessShareLock",
  "ROW SHARE": "RowShareLock",
  "ROW EXCLUSIVE": "RowExclusiveLock",
  "SHARE UPDATE EXCLUSIVE": "ShareUpdateExclusiveLock",
  SHARE: "ShareLock",
  "SHARE ROW EXCLUSIVE": "ShareRowExclusiveLock",
  EXCLUSIVE: "ExclusiveLock",
  "ACCESS EXCLUSIVE": "AccessExclusiveLock",
} as const;

type AnyMode = keyof typeof PG_LOCK_NAMES;

/** PostgreSQL's table of conflicting lock modes ("Table-Level Lock Modes" in its manual). */
const CONFLICTS: Record<LockMode, AnyMode[]> = {
  "ROW EXCLUSIVE": ["SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "SHARE UPDATE EXCLUSIVE": [
    "SHARE UPDATE EXCLUSIVE",
    "SHARE",
    "SHARE ROW EXCLUSIVE",
    "EXCLUSIVE",
    "ACCESS EXCLUSIVE",
  ],
  SHARE: ["ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "SHARE ROW EXCLUSIVE": [
    "ROW EXCLUSIVE",
    "SHARE UPDATE EXCLUSIVE",
    "SHARE",
    "SHARE ROW EXCLUSIVE",
    "EXCLUSIVE",
    "ACCESS EXCLUSIVE",
  ],
  EXCLUSIVE: [
    "ROW SHARE",
    "ROW EXCLUSIVE",
    "SHARE UPDATE EXCLUSIVE",
    "SHARE",
    "SHARE ROW EXCLUSIVE",
    "EXCLUSIVE",
    "ACCESS EXCLUSIVE",
  ],
  "ACCESS EXCLUSIVE": Object.keys(PG_LOCK_NAMES) as AnyMode[],
};

/** The pg_locks modes a session may hold that make a request for `mode` wait. */
export function conflictingLockNames(mode: LockMode): string[] {
  return CONFLICTS[mode].map((m) => PG_LOCK_NAMES[m]);
}

/**
 * A lock that blocks the application's reads or writes while it is held, and so also while it is waited for:
 * every later query on the table queues behind the waiting statement.
 */
export function blocksTheApplication(mode: LockMode): boolean {
  return mode !== "ROW EXCLUSIVE" && mode !== "SHARE UPDATE EXCLUSIVE";
}
