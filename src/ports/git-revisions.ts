/**
 * What a GitOps status watcher (Argo CD's, Flux's) asks of the repository phasegate committed to: which commit
 * carries the run's change, and whether a revision the tool applied contains it.
 */
export interface GitRevisions {
  /** The newest commit of the branch that carries the run's change (its revert after a rollback). */
  target(runId: string, signal?: AbortSignal): Promise<string>;
  contains(commit: string, revision: string, signal?: AbortSignal): Promise<boolean>;
  /** The commit whose id starts with `prefix` (a chart version's 12 hex digits), looked up among commits only. */
  commitOfPrefix(prefix: string, signal?: AbortSignal): Promise<CommitLookup>;
}

/** A commit found by the start of its id; or how many commits start so (none, or more than one). */
export type CommitLookup = { commit: string } | { commit: null; matches: number };
