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
    let unresolved: string | undefined;
    const contains = async (revision?: string) => {
      const sha = commitOfRevision(revision);
      if (sha) return this.git.contains(commit, sha, signal);
      const prefix = chartCommitPrefix(revision);
      if (prefix === null) return false;
      const found = await this.git.commitOfPrefix(prefix, signal);
      if (found.commit !== null) return this.git.contains(commit, found.commit, signal);
      unresolved ??= `chart version ${JSON.stringify(revision)}, whose ${prefix} ${
        found.matches === 0
          ? "is no commit of the branch in phasegate's mirror (fetched)"
          : `is ambiguous: ${found.matches} commits in phasegate's mirror start with it`
      }`;
      return false;
    };
    const applied = object.status.lastAppliedRevision ?? deployedChart(object);
    const { lastAttemptedRevision: attempted = applied } = object.status;
    // The attempted revision first: its digits are the ones to explain when they are not taken. Once Flux has applied
    // what it attempted, both are one revision: asked once (each ask is git commands, and a fetch when it is unknown).
    const attemptedHasChange = await contains(attempted);
    return fluxRolloutStatus(
      { ...object, kind, status: { ...object.status, lastAppliedRevision: applied } },
      {
        attempted: attemptedHasChange,
        applied: applied === attempted ? attemptedHasChange : await contains(applied),
        change: commit.slice(0, 12),
        notCommit: [attempted, applied].find(
          (revision) => revision && !commitOfRevision(revision) && !chartCommitPrefix(revision),
        ),
        unresolved,
      },
    );
  }
}

/** helm-controller v2 reports what it applied in its history: the newest release's chart version, once deployed. */
function deployedChart(object: FluxObject): string | undefined {
  const [latest] = object.status.history ?? [];
  return latest?.status === "deployed" ? latest.chartVersion : undefined;
}
