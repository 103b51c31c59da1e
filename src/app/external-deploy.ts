import type { Deployer, DeployOutcome, DeployRequest } from "../ports/deployer.js";
import type { PipelineDeploys, WorkloadWatch } from "../ports/pipeline-store.js";
import type { RolloutRequest, RolloutStatus, RolloutWatcher } from "../ports/rollout-watcher.js";

/** Where a pipeline reports that it deployed a run's release. */
export const deployedPath = (runId: string) => `/api/v1/runs/${runId}/deployed`;

/** Said wherever a pipeline-mode deploy cannot be undone by phasegate. */
export const PIPELINE_ROLLBACK =
  "phasegate did not deploy it and cannot roll it back: redeploy the previous release from the pipeline (migrations stay)";

/**
 * Pipeline mode (`deployer.kind: external`): phasegate deploys nothing. Its deploy step tells the pipeline it may
 * deploy now (the run's API status then says `deploy: "ready"`); the wait-rollout step waits for the deploy.
 */
export class ExternalDeployer implements Deployer {
  constructor(private readonly watch: WorkloadWatch | null) {}

  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    if (request.rollback)
      throw new Error(
        `${request.service} is deployed by its pipeline: ${PIPELINE_ROLLBACK}, ${request.version}`,
      );
    const noticed = this.watch
      ? `${this.watch.describe()} runs it, or the pipeline reports it`
      : `the pipeline reports it (POST ${deployedPath(request.runId)})`;
    return {
      message: `phasegate does not deploy ${request.service}: the pipeline may deploy ${request.version} now; the run goes on once ${noticed}`,
    };
  }
}

const waiting = (message: string): RolloutStatus => ({ done: false, failed: false, message });

/**
 * The wait-rollout step in pipeline mode: first the pipeline's deploy (reported through the API, or seen on the
 * watched workload, whose failed rollout fails the run), then the service's own rollout watcher as for any deploy.
 */
export class PipelineDeployWatcher implements RolloutWatcher {
  constructor(
    private readonly reports: PipelineDeploys,
    private readonly watch: WorkloadWatch | null,
    private readonly rollout: RolloutWatcher,
  ) {}

  async check(request: RolloutRequest, signal?: AbortSignal): Promise<RolloutStatus> {
    const reported = await this.reports.deployed(request.runId);
    if (this.watch) {
      const seen = await this.watch.read(signal);
      if (seen.version === request.version && seen.rollout.failed)
        return {
          done: false,
          failed: true,
          message: `${seen.rollout.message}; ${this.watch.describe()} was deployed by the pipeline: ${PIPELINE_ROLLBACK}`,
        };
      if (!reported && seen.version !== request.version)
        return waiting(
          `waiting for the pipeline to deploy ${request.version}: ${this.watch.describe()} runs ${seen.version ?? "no release"} (${seen.source})`,
        );
    } else if (!reported) {
      return waiting(
        `waiting for the pipeline to deploy ${request.version} and report it (POST ${deployedPath(request.runId)})`,
      );
    }
    const status = await this.rollout.check(request, signal);
    if (!status.failed) return status;
    return { ...status, message: `${status.message}; ${PIPELINE_ROLLBACK}` };
  }
}
