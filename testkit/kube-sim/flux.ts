import { deploymentRolloutStatus } from "../../src/kubernetes/rollout-status.js";
import { gitIn, imageOfFile } from "../gitops-repo.js";
import { key } from "./cluster.js";
import type { Deployments } from "./deployments.js";
import { notFound } from "./status.js";

export type FluxKind = "Kustomization" | "HelmRelease";

interface Condition {
  type: "Ready" | "Reconciling" | "Stalled";
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

export interface FluxObject {
  apiVersion: string;
  kind: FluxKind;
  metadata: { name: string; namespace: string; generation: number; resourceVersion: string };
  spec: { interval: string; path?: string; sourceRef: { kind: "GitRepository"; name: string } };
  status: {
    observedGeneration?: number;
    lastAttemptedRevision?: string;
    lastAppliedRevision?: string;
    /** HelmRelease: helm-controller v2's releases, newest first. */
    history?: { name: string; version: number; chartName: string; chartVersion: string; status: string }[];
    conditions?: Condition[];
  };
}

export interface NewFluxObject {
  kind: FluxKind;
  namespace: string;
  name: string;
  /** The GitRepository it applies: a bare repository, its branch, and the file whose image is rendered. */
  git: { bare: string; branch: string; file: string };
  workload: { namespace: string; deployment: string; container?: string };
  /** HelmRelease: the version in the chart's Chart.yaml (0.1.0 when not given). */
  chartVersion?: string;
}

export const FLUX_API: Record<FluxKind, { group: string; version: string; plural: string }> = {
  Kustomization: { group: "kustomize.toolkit.fluxcd.io", version: "v1", plural: "kustomizations" },
  HelmRelease: { group: "helm.toolkit.fluxcd.io", version: "v2", plural: "helmreleases" },
};

/**
 * Flux's Kustomization and HelmRelease custom resources and their controllers: `reconcile` fetches the branch's
 * head (the source controller), renders the file's image onto the Deployment (kustomize or Helm), then waits for
 * the Deployment's health the way Flux's health checks do: Ready=Unknown (Progressing) while it rolls out,
 * Ready=True with `lastAppliedRevision` `<branch>@sha1:<sha>` when done, Ready=False (HealthCheckFailed) when the
 * rollout failed; `stall` sets the Stalled condition Flux sets on an error retrying cannot fix. A HelmRelease's
 * chart comes from the Git source with `reconcileStrategy: Revision`, so helm-controller v2 reports the chart
 * version with the commit's first 12 hex digits (`0.1.0+<12 hex>`) as `lastAttemptedRevision` and in `history`
 * (no `lastAppliedRevision`).
 */
export class Flux {
  private readonly items = new Map<string, { object: FluxObject; spec: NewFluxObject }>();
  private reconciling = false;

  constructor(
    private readonly deployments: Deployments,
    private readonly nextResourceVersion: () => string,
  ) {}

  add(spec: NewFluxObject): FluxObject {
    const { group, version } = FLUX_API[spec.kind];
    const object: FluxObject = {
      apiVersion: `${group}/${version}`,
      kind: spec.kind,
      metadata: {
        name: spec.name,
        namespace: spec.namespace,
        generation: 1,
        resourceVersion: this.nextResourceVersion(),
      },
      spec: { interval: "1m", path: "./", sourceRef: { kind: "GitRepository", name: spec.name } },
      status: {},
    };
    this.items.set(key(spec.namespace, `${spec.kind}/${spec.name}`), { object, spec });
    return object;
  }

  get(kind: FluxKind, namespace: string, name: string): FluxObject {
    const item = this.items.get(key(namespace, `${kind}/${name}`));
    if (!item) throw notFound(FLUX_API[kind].plural, FLUX_API[kind].group, name);
    return item.object;
  }

  /** Sets Stalled=True and Ready=False, as the controller does on an error retrying cannot fix. */
  stall(kind: FluxKind, namespace: string, name: string, reason: string, message: string) {
    const object = this.get(kind, namespace, name);
    this.setCondition(object, "Stalled", "True", reason, message);
    this.setCondition(object, "Ready", "False", reason, message);
  }

  /** One pass of the source, kustomize and helm controllers over every object. */
  async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      for (const { object, spec } of this.items.values()) await this.reconcileOne(object, spec);
    } finally {
      this.reconciling = false;
    }
  }

  private async reconcileOne(object: FluxObject, spec: NewFluxObject) {
    if (object.status.conditions?.some((c) => c.type === "Stalled" && c.status === "True")) return;
    const sha = (await gitIn(spec.git.bare, "rev-parse", spec.git.branch)).trim();
    const revision =
      object.kind === "HelmRelease"
        ? `${spec.chartVersion ?? "0.1.0"}+${sha.slice(0, 12)}`
        : `${spec.git.branch}@${sha.length === 64 ? "sha256" : "sha1"}:${sha}`;
    const { namespace, deployment, container = "app" } = spec.workload;
    if (object.status.lastAttemptedRevision !== revision) {
      const image = imageOfFile(await gitIn(spec.git.bare, "show", `${sha}:${spec.git.file}`));
      this.deployments.setImage(namespace, deployment, container, image);
      object.status.lastAttemptedRevision = revision;
      object.status.observedGeneration = object.metadata.generation;
      this.setCondition(
        object,
        "Reconciling",
        "True",
        "Progressing",
        `Reconciliation in progress for revision ${revision}`,
      );
      this.setCondition(
        object,
        "Ready",
        "Unknown",
        "Progressing",
        `Reconciliation in progress for revision ${revision}`,
      );
      return;
    }
    const ready = object.status.conditions?.find((c) => c.type === "Ready");
    if (ready?.status !== "Unknown") return;
    const rollout = deploymentRolloutStatus(this.deployments.get(namespace, deployment));
    if (object.kind === "HelmRelease" && (rollout.done || rollout.failed))
      this.record(object, revision, rollout.done);
    if (rollout.done) {
      if (object.kind !== "HelmRelease") object.status.lastAppliedRevision = revision;
      object.status.conditions = object.status.conditions?.filter((c) => c.type !== "Reconciling");
      this.setCondition(object, "Ready", "True", "ReconciliationSucceeded", `Applied revision: ${revision}`);
    } else if (rollout.failed) {
      object.status.conditions = object.status.conditions?.filter((c) => c.type !== "Reconciling");
      this.setCondition(
        object,
        "Ready",
        "False",
        object.kind === "HelmRelease" ? "UpgradeFailed" : "HealthCheckFailed",
        `health check failed after 5m0s: failed early due to stalled resources: [Deployment/${namespace}/${deployment} status: 'Failed']`,
      );
    }
  }

  /** A Helm release of the chart version in the HelmRelease's history, newest first (helm-controller keeps 5). */
  private record(object: FluxObject, chartVersion: string, deployed: boolean) {
    const history = object.status.history ?? [];
    const release = {
      name: object.metadata.name,
      version: (history[0]?.version ?? 0) + 1,
      chartName: object.metadata.name,
      chartVersion,
      status: deployed ? "deployed" : "failed",
    };
    object.status.history = [
      release,
      ...history.map((r) => (r.status === "deployed" ? { ...r, status: "superseded" } : r)),
    ].slice(0, 5);
  }

  private setCondition(
    object: FluxObject,
    type: Condition["type"],
    status: Condition["status"],
    reason: string,
    message: string,
  ) {
    const others = (object.status.conditions ?? []).filter((c) => c.type !== type);
    const condition: Condition = {
      type,
      status,
      reason,
      message,
      observedGeneration: object.metadata.generation,
      lastTransitionTime: new Date().toISOString(),
    };
    object.status.conditions = [...others, condition];
    object.metadata.resourceVersion = this.nextResourceVersion();
  }
}
