export interface DeployRequest {
  runId: string;
  service: string;
  version: string;
  /** 1 the first time the deploy runs for this run; more when a worker died during it or the run was retried. */
  attempt: number;
}

export interface DeployOutcome {
  /** What was done, for the run's thread ("patched web, worker to shop:v42"). */
  message: string;
}

/** Rolls the new code out. Must be idempotent: deploying a version already deployed succeeds without change. */
export interface Deployer {
  deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome>;
}
