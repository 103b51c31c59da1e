export interface RolloutRequest {
  runId: string;
  service: string;
  version: string;
  /** A rollback's images, per Deployment: the rollout is done when each runs its own (Kubernetes). */
  images?: Record<string, string>;
}

export interface RolloutStatus {
  /** Every instance runs the release. */
  done: boolean;
  /** The rollout cannot finish (progress deadline exceeded, command reported failure). */
  failed: boolean;
  /** Human-readable progress, e.g. "2 of 3 updated replicas are available". */
  message: string;
}

/** Answers whether the rollout of a release is finished. One call is one poll; it never waits. */
export interface RolloutWatcher {
  check(request: RolloutRequest, signal?: AbortSignal): Promise<RolloutStatus>;
}
