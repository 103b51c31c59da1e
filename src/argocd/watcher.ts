import type { ArgocdDeployerConfig } from "../config/gitops-schema.js";
import type { GitRevisions } from "../ports/git-revisions.js";
import type { RolloutRequest, RolloutStatus, RolloutWatcher } from "../ports/rollout-watcher.js";
import { type Application, type ApplicationSource, applicationSchema, singleSource } from "./application.js";
import { applicationRolloutStatus, type ChangeSeen } from "./application-status.js";
import type { ArgoCdClient } from "./client.js";
import { valueIn } from "./source-value.js";

/** What Argo CD reports as a Git source's revision: the commit's full id (SHA-1 or SHA-256). */
const FULL_COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Polls the Application until Argo CD reports it Synced to the change and Healthy. Parameter mode: the change is
 * the release in the source Argo CD compared (and synced) with; Git mode: the run's commit in the revision.
 */
export class ArgoCdWatcher implements RolloutWatcher {
  constructor(
    private readonly client: ArgoCdClient,
    private readonly config: ArgocdDeployerConfig,
    private readonly git?: GitRevisions,
  ) {}

  async check(request: RolloutRequest, signal?: AbortSignal): Promise<RolloutStatus> {
    const app = await this.client.request("GET", "", applicationSchema, undefined, signal);
    return applicationRolloutStatus(app, await this.seen(app, request, signal));
  }

  private async seen(app: Application, request: RolloutRequest, signal?: AbortSignal): Promise<ChangeSeen> {
    const { sync, operationState } = app.status;
    if (this.git) {
      const commit = await this.git.target(request.runId, signal);
      const revisions = [sync?.revision, operationState?.syncResult?.revision];
      const has = async (revision?: string) =>
        revision ? (this.git?.contains(commit, revision, signal) ?? false) : false;
      return {
        compared: await has(revisions[0]),
        operated: await has(revisions[1]),
        change: `a revision with ${commit.slice(0, 12)}`,
        notCommit: revisions.find((revision) => revision !== undefined && !FULL_COMMIT_ID.test(revision)),
      };
    }
    singleSource(app);
    const carries = (source?: ApplicationSource) =>
      source !== undefined && valueIn(source, this.config, app.metadata.name) === request.version;
    return {
      compared: carries(sync?.comparedTo?.source),
      operated: carries(operationState?.syncResult?.source),
      change: request.version,
    };
  }
}
