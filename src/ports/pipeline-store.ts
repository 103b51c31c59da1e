/** What the pipeline API keeps in Redis besides the runs: reported deploys, idempotency keys, its audit. */

/** A pipeline reported that it deployed a run's release (POST /api/v1/runs/{id}/deployed). */
export interface PipelineDeploy {
  version: string;
  /** The token's name. */
  by: string;
  at: string;
}

/** Read by the external deployer's rollout watcher: has the pipeline reported the run's deploy? */
export interface PipelineDeploys {
  deployed(runId: string): Promise<PipelineDeploy | null>;
}

export interface PipelineStore extends PipelineDeploys {
  /** Records the report; a second report keeps the first. */
  markDeployed(runId: string, deploy: PipelineDeploy): Promise<void>;
  /**
   * Claims an idempotency key for a start: `claimed` when this call may start the run, else what the first call
   * left: a run id once it started one, or "pending" while it is still starting. The claim of a start that was
   * refused is released (`releaseKey`), so a retry tries again.
   */
  claimKey(scope: string, key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim>;
  settleKey(scope: string, key: string, fingerprint: string, runId: string, ttlMs: number): Promise<void>;
  releaseKey(scope: string, key: string): Promise<void>;
  /** Appends to the API's audit trail (refused calls and started runs). */
  audit(entry: ApiAuditEntry): Promise<void>;
  /** The newest entries first. */
  auditTrail(limit: number): Promise<ApiAuditEntry[]>;
}

export type IdempotencyClaim =
  | { state: "claimed" }
  | { state: "pending"; fingerprint: string }
  | { state: "started"; fingerprint: string; runId: string };

export interface ApiAuditEntry {
  at: string;
  /** 201, 401, 403… */
  status: number;
  method: string;
  path: string;
  /** The token's name when it was recognised. */
  token: string | null;
  /** The service asked for, when the request named one. */
  service: string | null;
  remote: string | null;
  detail: string;
}

/** What the workload a pipeline deploys says now (pipeline mode's `deployer.watch`). */
export interface WatchedWorkload {
  /** The release it carries; null when none can be read (an image without a tag, no such label). */
  version: string | null;
  /** What `version` was read from, for messages ("the image shop:v42", "label app.kubernetes.io/version"). */
  source: string;
  /** Its rollout as kubectl decides it. */
  rollout: { done: boolean; failed: boolean; message: string };
}

export interface WorkloadWatch {
  /** "deployment/web in shop". */
  describe(): string;
  read(signal?: AbortSignal): Promise<WatchedWorkload>;
}
