/**
 * What a GitOps status watcher (Argo CD's, Flux's) asks of the repository phasegate committed to: which commit
 * carries the run's change, and whether a revision the tool applied contains it.
 */
export interface GitRevisions {
  /** The newest commit of the branch that carries the run's change (its revert after a rollback). */
  target(runId: string, signal?: AbortSignal): Promise<string>;
  contains(commit: string, revision: string, signal?: AbortSignal): Promise<boolean>;
}
