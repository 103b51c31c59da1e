import type { LiveFacts } from "../domain/locks/live-facts.js";

/** A table to read facts about, with the pg_locks modes that would make the phase's lock on it wait. */
export interface LiveFactsTable {
  name: string;
  conflicts: string[];
}

export interface LiveFactsRequest {
  tables: LiveFactsTable[];
  /** Execution key (a remote executor finds the execution it started by it). */
  key: string;
  /** The release whose image runs the helper (remote executors). */
  version: string;
  signal?: AbortSignal;
}

/**
 * Reads live facts about a service's database through its executor, read-only and bounded by the service's
 * `liveFacts.timeoutSeconds`. Throws an Error whose message says why they are unavailable.
 */
export type LiveFactsReader = (request: LiveFactsRequest) => Promise<LiveFacts>;
