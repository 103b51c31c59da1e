import type { FluxDeployerConfig } from "../config/gitops-schema.js";
import type { GitRevisions } from "../ports/git-revisions.js";
import type { RolloutRequest, RolloutStatus, RolloutWatcher } from "../ports/rollout-watcher.js";
import type { KubernetesClient } from "./client.js";
import {
  chartCommitPrefix,
  commitOfRevision,
  type FluxObject,
  fluxObjectSchema,
  fluxRolloutStatus,
} from "./flux-status.js";
import { isNotFound } from "./kubernetes-error.js";

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

  /** The Flux object; one that does not exist fails naming it (the deployer asks before it commits anything). */
  async read(signal?: AbortSignal): Promise<FluxObject> {
    const { kind, name, namespace } = this.resource;
    const { group, plural } = API[kind];
    try {
      return await this.client.json(
        { method: "GET", path: `/apis/${group}/namespaces/${namespace}/${plural}/${name}` },
        fluxObjectSchema,
        signal,
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
      throw new Error(`Flux has no ${kind} ${namespace}/${name} (${group}): check deployer.resource`);
    }
  }

  async check(request: RolloutRequest, signal?: AbortSignal): Promise<RolloutStatus> {
    const { kind } = this.resource;
    const object = await this.read(signal);
    const commit = await this.git.target(request.runId, signal);
    const contains = async (revision?: string) => {
      const sha = commitOfRevision(revision);
      if (sha) return this.git.contains(commit, sha, signal);
      const prefix = chartCommitPrefix(revision);
      return prefix !== null && commit.startsWith(prefix);
    };
    const { lastAppliedRevision: applied, lastAttemptedRevision: attempted = applied } = object.status;
    return fluxRolloutStatus(
      { ...object, kind },
      {
        applied: await contains(applied),
        attempted: await contains(attempted),
        change: commit.slice(0, 12),
        notCommit: [attempted, applied].find(
          (revision) => revision && !commitOfRevision(revision) && !chartCommitPrefix(revision),
        ),
      },
    );
  }
}
