import type { Deployer, DeployOutcome, DeployRequest, LiveRelease } from "../ports/deployer.js";
import type { GitCommitter } from "./committer.js";

/**
 * Deploys by committing the release to the GitOps repository (Argo CD's Git mode, Flux); a rollback reverts the
 * run's commit. Idempotent: a deploy finding the file already at the release commits nothing.
 */
export class GitDeployer implements Deployer {
  constructor(
    private readonly committer: GitCommitter,
    /** What must exist before anything is committed (Flux's Kustomization): throws naming what is missing. */
    private readonly precheck?: (signal?: AbortSignal) => Promise<unknown>,
  ) {}

  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    await this.precheck?.(signal);
    const done = request.rollback
      ? await this.committer.revertRun(request.runId, request.rollback.number, signal)
      : await this.committer.commitVersion(request.runId, request.version, signal);
    return { message: done.message };
  }

  async liveRelease(_service: string, signal?: AbortSignal): Promise<LiveRelease | null> {
    const version = await this.committer.liveVersion(signal);
    return version ? { version } : null;
  }
}
