import { createHash } from "node:crypto";
import { type Cluster, type Container, key, type ObjectMeta, type Pod, randomSuffix } from "./cluster.js";
import { createPod, makeReady } from "./pod-lifecycle.js";
import { strategicMerge } from "./strategic-merge.js";
import { WorkloadStore } from "./workload-store.js";

interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
}

export interface Deployment {
  apiVersion: "apps/v1";
  kind: "Deployment";
  metadata: ObjectMeta & { generation: number };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    strategy: { type: "RollingUpdate"; rollingUpdate: { maxSurge: number; maxUnavailable: number } };
    progressDeadlineSeconds: number;
    /** `kubectl rollout pause`: the controller observes changes but does not roll them out. */
    paused?: boolean;
  };
  status: {
    observedGeneration: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions: Condition[];
  };
}

export interface NewDeployment {
  namespace: string;
  name: string;
  image: string;
  replicas?: number;
  /** Container name; "app" by default. */
  container?: string;
  /** More containers next to the main one (sidecars). */
  sidecars?: Container[];
}

const templateHash = (template: Deployment["spec"]["template"]) =>
  createHash("sha256").update(JSON.stringify(template)).digest("hex").slice(0, 10);

/**
 * Deployments and a rollout controller the test steps by hand: one call of `step` is one action of the real
 * controller (observe the new generation, surge one new pod, make a pod ready, start terminating an old pod, end
 * a terminating pod's grace period), with maxSurge 1 and maxUnavailable 0. A paused Deployment (`spec.paused`,
 * `kubectl rollout pause`) observes its new generation but rolls nothing out until resumed.
 */
export class Deployments extends WorkloadStore<Deployment> {
  constructor(cluster: Cluster) {
    super(cluster, { plural: "deployments", group: "apps" });
  }

  add(spec: NewDeployment): Deployment {
    const labels = { app: spec.name };
    const containers = [{ name: spec.container ?? "app", image: spec.image }, ...(spec.sidecars ?? [])];
    const deployment: Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { ...this.cluster.meta(spec.namespace, spec.name, labels), generation: 1 },
      spec: {
        replicas: spec.replicas ?? 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        progressDeadlineSeconds: 600,
      },
      status: { observedGeneration: 0, conditions: [] },
    };
    this.save(deployment);
    this.rollOut(spec.namespace, spec.name);
    return deployment;
  }

  list(namespace: string): Deployment[] {
    return [...this.items.values()].filter((d) => d.metadata.namespace === namespace);
  }

  /** Sets the container image the way `kubectl set image` does (a strategic-merge patch). */
  setImage(namespace: string, name: string, container: string, image: string): void {
    this.patch(
      namespace,
      name,
      { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
      (t, p) => strategicMerge(t, p),
    );
  }

  exceedProgressDeadline(namespace: string, name: string): void {
    const deployment = this.get(namespace, name);
    this.setProgressing(
      deployment,
      "False",
      "ProgressDeadlineExceeded",
      `ReplicaSet "${name}-${templateHash(deployment.spec.template)}" has timed out progressing.`,
    );
  }

  /** The pods of the Deployment, old and new, terminating ones included. */
  override pods(namespace: string, name: string): Pod[] {
    const selector = this.get(namespace, name).spec.selector.matchLabels;
    return this.cluster
      .podsIn(namespace)
      .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels[k] === v));
  }

  protected act(deployment: Deployment): boolean {
    const { namespace, name } = deployment.metadata;
    if (deployment.metadata.generation > deployment.status.observedGeneration) {
      deployment.status.observedGeneration = deployment.metadata.generation;
      this.setProgressing(deployment, "True", "ReplicaSetUpdated", `ReplicaSet is progressing.`);
      return true;
    }
    const progressing = deployment.status.conditions.find((c) => c.type === "Progressing");
    // A paused Deployment rolls nothing out, and its progress deadline does not run (the controller's words).
    if (deployment.spec.paused) {
      if (progressing?.reason === "DeploymentPaused") return false;
      this.setProgressing(deployment, "Unknown", "DeploymentPaused", "Deployment is paused");
      return true;
    }
    if (progressing?.reason === "DeploymentPaused") {
      this.setProgressing(deployment, "Unknown", "DeploymentResumed", "Deployment is resumed");
      return true;
    }
    const hash = templateHash(deployment.spec.template);
    const pods = this.pods(namespace, name);
    const active = pods.filter((p) => !p.metadata.deletionTimestamp);
    const fresh = active.filter((p) => p.metadata.labels["pod-template-hash"] === hash);
    const old = active.filter((p) => p.metadata.labels["pod-template-hash"] !== hash);

    const starting = fresh.find((p) => p.status.phase !== "Running");
    if (starting) return makeReady(this.cluster, starting);
    const terminating = pods.find((p) => p.metadata.deletionTimestamp);
    if (terminating) return this.cluster.pods.delete(key(namespace, terminating.metadata.name));
    const { replicas, strategy } = deployment.spec;
    if (fresh.length < replicas && active.length < replicas + strategy.rollingUpdate.maxSurge) {
      return this.createPod(deployment, hash);
    }
    const victim = old[0] ?? (fresh.length > replicas ? fresh[0] : undefined);
    if (victim) {
      victim.metadata.deletionTimestamp = new Date().toISOString();
      this.cluster.savePod(victim);
      return true;
    }
    const current = deployment.status.conditions.find((c) => c.type === "Progressing");
    if (current?.reason !== "NewReplicaSetAvailable") {
      this.setProgressing(
        deployment,
        "True",
        "NewReplicaSetAvailable",
        `ReplicaSet has successfully progressed.`,
      );
    }
    return false;
  }

  private createPod(deployment: Deployment, hash: string): true {
    const { namespace, name } = deployment.metadata;
    const labels = { ...deployment.spec.template.metadata.labels, "pod-template-hash": hash };
    createPod(
      this.cluster,
      namespace,
      `${name}-${hash}-${randomSuffix()}`,
      labels,
      deployment.spec.template.spec,
    );
    return true;
  }

  protected refreshStatus(deployment: Deployment): void {
    const { namespace, name } = deployment.metadata;
    const hash = templateHash(deployment.spec.template);
    const active = this.pods(namespace, name).filter((p) => !p.metadata.deletionTimestamp);
    const ready = active.filter((p) => p.status.phase === "Running").length;
    const counts = {
      replicas: active.length,
      updatedReplicas: active.filter((p) => p.metadata.labels["pod-template-hash"] === hash).length,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: Math.max(0, deployment.spec.replicas - ready),
    };
    // The API omits zero counters.
    for (const [field, value] of Object.entries(counts)) {
      (deployment.status as Record<string, unknown>)[field] = value === 0 ? undefined : value;
    }
    const available =
      ready >= deployment.spec.replicas - deployment.spec.strategy.rollingUpdate.maxUnavailable;
    this.setCondition(deployment, {
      type: "Available",
      status: available ? "True" : "False",
      reason: available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
      message: available
        ? "Deployment has minimum availability."
        : "Deployment does not have minimum availability.",
    });
  }

  private setProgressing(
    deployment: Deployment,
    status: Condition["status"],
    reason: string,
    message: string,
  ) {
    this.setCondition(deployment, { type: "Progressing", status, reason, message });
  }

  private setCondition(
    deployment: Deployment,
    condition: Omit<Condition, "lastUpdateTime" | "lastTransitionTime">,
  ) {
    const now = new Date().toISOString();
    const others = deployment.status.conditions.filter((c) => c.type !== condition.type);
    deployment.status.conditions = [
      ...others,
      { ...condition, lastUpdateTime: now, lastTransitionTime: now },
    ];
    deployment.metadata.resourceVersion = this.cluster.nextResourceVersion();
  }
}
