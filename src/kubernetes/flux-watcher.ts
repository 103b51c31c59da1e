import type { FluxDeployerConfig } from "../config/gitops-schema.js";
import type { GitRevisions } from "../ports/git-revisions.js";
import type { RolloutRequest, RolloutStatus, RolloutWatcher } from "../ports/rollout-watcher.js";
import type { KubernetesClient } from "./client.js";
import { commitOfRevision, fluxObjectSchema, fluxRolloutStatus } from "./flux-status.js";

const API = {
  Kustomization: { group: "kustomize.toolkit.fluxcd.io/v1", plural: "kustomizations" },
  HelmRelease: { group: "helm.toolkit.fluxcd.io/v2", plural: "helmreleases" },
} as const;

/** Polls the Flux Kustomization or HelmRelease until it is Ready at a revision that contains the run's commit. */
export class FluxWatcher implements RolloutWatcher {
  constructor(
    private readonly resource: FluxDeployerConfig["resource"],
    private readonly client: KubernetesClient,
    private readonly git: GitRevisions,
  ) {}

  async check(request: RolloutRequest, signal?: AbortSignal): Promise<RolloutStatus> {
    const { kind, name, namespace } = this.resource;
    const { group, plural } = API[kind];
    const object = await this.client.json(
      { method: "GET", path: `/apis/${group}/namespaces/${namespace}/${plural}/${name}` },
      fluxObjectSchema,
      signal,
    );
    const commit = await this.git.target(request.runId, signal);
    const contains = async (revision?: string) => {
      const sha = commitOfRevision(revision);
      return sha ? this.git.contains(commit, sha, signal) : false;
    };
    return fluxRolloutStatus(
      { ...object, kind },
      {
        applied: await contains(object.status.lastAppliedRevision),
        attempted: await contains(object.status.lastAttemptedRevision ?? object.status.lastAppliedRevision),
        change: commit.slice(0, 12),
      },
    );
  }
}
