import { createHash } from "node:crypto";
import { type Cluster, type Container, key, type ObjectMeta, type Pod, randomSuffix } from "./cluster.js";
import { createPod, isReady, makeReady } from "./pod-lifecycle.js";
import { WorkloadStore } from "./workload-store.js";

type CanaryStep = { setWeight: number } | { pause: Record<string, never> };

export interface ArgoRollout {
  apiVersion: "argoproj.io/v1alpha1";
  kind: "Rollout";
  metadata: ObjectMeta & { generation: number };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    strategy: { canary: { steps: CanaryStep[] } };
  };
  status: {
    observedGeneration?: string;
    currentPodHash?: string;
    stableRS?: string;
    currentStepIndex?: number;
    pauseConditions?: { reason: string; startTime: string }[];
    controllerPause?: boolean;
    abort?: boolean;
    phase?: string;
    message?: string;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
  };
}

export interface NewArgoRollout {
  namespace: string;
  name: string;
  image: string;
  replicas?: number;
  /** Canary steps; by default 50 % of the pods, then a pause until promoted. */
  steps?: CanaryStep[];
}

const HASH = "rollouts-pod-template-hash";
const hashOf = (rollout: ArgoRollout) =>
  createHash("sha256").update(JSON.stringify(rollout.spec.template)).digest("hex").slice(0, 10);

/**
 * Argo Rollouts `Rollout`s (basic canary, no traffic routing) and a controller the test steps: each step of the
 * canary in turn (a weight scales the new pods up, a pause waits for `promote`), then every pod on the new
 * template, the old ones terminated, the new one marked stable. `abort` (as `kubectl argo rollouts abort` does)
 * scales the canary back down and leaves the Rollout Degraded until its template changes. The phase and message
 * are set the way the v1 controller sets them.
 */
export class ArgoRollouts extends WorkloadStore<ArgoRollout> {
  constructor(cluster: Cluster) {
    super(cluster, { plural: "rollouts", group: "argoproj.io" });
  }

  add(spec: NewArgoRollout): ArgoRollout {
    const labels = { app: spec.name };
    const rollout: ArgoRollout = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { ...this.cluster.meta(spec.namespace, spec.name, labels), generation: 1 },
      spec: {
        replicas: spec.replicas ?? 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "app", image: spec.image }] } },
        strategy: { canary: { steps: spec.steps ?? [{ setWeight: 50 }, { pause: {} }] } },
      },
      status: {},
    };
    this.save(rollout);
    // The first version of a Rollout goes straight to 100 %, skipping its steps.
    rollout.status = {
      observedGeneration: "1",
      currentPodHash: hashOf(rollout),
      currentStepIndex: rollout.spec.strategy.canary.steps.length,
    };
    this.rollOut(spec.namespace, spec.name);
    return rollout;
  }

  /** A merge patch of the status subresource (what the plugin's promote and abort send). */
  patchStatus(
    namespace: string,
    name: string,
    patch: unknown,
    merge: (target: unknown, patch: unknown) => unknown,
  ) {
    const rollout = this.get(namespace, name);
    rollout.status = merge(
      rollout.status,
      (patch as { status?: unknown }).status ?? {},
    ) as ArgoRollout["status"];
    rollout.metadata.resourceVersion = this.cluster.nextResourceVersion();
    return rollout;
  }

  /** `kubectl argo rollouts promote`: the pause conditions cleared; the controller moves on at its next step. */
  promote(namespace: string, name: string): void {
    delete this.get(namespace, name).status.pauseConditions;
  }

  /** `kubectl argo rollouts abort`. */
  abort(namespace: string, name: string): void {
    this.get(namespace, name).status.abort = true;
  }

  protected act(rollout: ArgoRollout): boolean {
    const { status } = rollout;
    const steps = rollout.spec.strategy.canary.steps;
    if (String(rollout.metadata.generation) !== status.observedGeneration) {
      status.observedGeneration = String(rollout.metadata.generation);
      const hash = hashOf(rollout);
      if (hash !== status.currentPodHash) {
        status.currentPodHash = hash;
        // Back to the stable template (a rollback): no steps to go through.
        status.currentStepIndex = hash === status.stableRS ? steps.length : 0;
        status.abort = false;
        delete status.pauseConditions;
        status.controllerPause = false;
      }
      return true;
    }
    const pods = this.pods(rollout.metadata.namespace, rollout.metadata.name);
    const terminating = pods.find((p) => p.metadata.deletionTimestamp);
    if (terminating)
      return this.cluster.pods.delete(key(rollout.metadata.namespace, terminating.metadata.name));
    const active = pods.filter((p) => !p.metadata.deletionTimestamp);
    const fresh = active.filter((p) => p.metadata.labels[HASH] === status.currentPodHash);
    const old = active.filter((p) => p.metadata.labels[HASH] !== status.currentPodHash);
    if (status.abort) return this.terminate(fresh[0]);
    const starting = fresh.find((p) => !isReady(p));
    if (starting) return makeReady(this.cluster, starting);
    if (status.controllerPause && !status.pauseConditions?.length) {
      status.controllerPause = false;
      status.currentStepIndex = (status.currentStepIndex ?? 0) + 1;
      return true;
    }
    if (status.pauseConditions?.length) return false;
    const index = status.currentStepIndex ?? 0;
    const step = steps[index];
    if (step && "pause" in step) {
      status.pauseConditions = [{ reason: "CanaryPauseStep", startTime: new Date().toISOString() }];
      status.controllerPause = true;
      return true;
    }
    const wanted = step ? Math.ceil((rollout.spec.replicas * step.setWeight) / 100) : rollout.spec.replicas;
    if (fresh.length < wanted) return this.create(rollout);
    if (step) {
      status.currentStepIndex = index + 1;
      return true;
    }
    if (old.length > 0) return this.terminate(old[0]);
    if (status.stableRS !== status.currentPodHash) {
      status.stableRS = status.currentPodHash;
      return true;
    }
    return false;
  }

  private create(rollout: ArgoRollout): true {
    const { namespace, name } = rollout.metadata;
    const hash = rollout.status.currentPodHash ?? hashOf(rollout);
    const labels = { ...rollout.spec.template.metadata.labels, [HASH]: hash };
    createPod(
      this.cluster,
      namespace,
      `${name}-${hash}-${randomSuffix()}`,
      labels,
      rollout.spec.template.spec,
    );
    return true;
  }

  private terminate(pod: Pod | undefined): boolean {
    if (!pod) return false;
    pod.metadata.deletionTimestamp = new Date().toISOString();
    this.cluster.savePod(pod);
    return true;
  }

  protected refreshStatus(rollout: ArgoRollout): void {
    const { status } = rollout;
    const active = this.pods(rollout.metadata.namespace, rollout.metadata.name).filter(
      (p) => !p.metadata.deletionTimestamp,
    );
    const updated = active.filter((p) => p.metadata.labels[HASH] === status.currentPodHash);
    status.replicas = active.length;
    status.updatedReplicas = updated.length;
    status.readyReplicas = active.filter(isReady).length;
    status.availableReplicas = updated.filter(isReady).length;
    [status.phase, status.message] = this.phase(rollout);
    rollout.metadata.resourceVersion = this.cluster.nextResourceVersion();
  }

  /** The controller's CalculateRolloutPhase, for what this simulator models. */
  private phase({ spec, status, metadata }: ArgoRollout): [string, string] {
    if (status.abort)
      return ["Degraded", `RolloutAborted: Rollout aborted update to revision ${metadata.generation}`];
    if (status.pauseConditions?.length) return ["Paused", status.pauseConditions[0]?.reason ?? ""];
    if ((status.updatedReplicas ?? 0) < spec.replicas)
      return ["Progressing", "more replicas need to be updated"];
    if ((status.availableReplicas ?? 0) < (status.updatedReplicas ?? 0)) {
      return ["Progressing", "updated replicas are still becoming available"];
    }
    if ((status.replicas ?? 0) > (status.updatedReplicas ?? 0)) {
      return ["Progressing", "old replicas are pending termination"];
    }
    if (status.stableRS !== status.currentPodHash)
      return ["Progressing", "waiting for all steps to complete"];
    return ["Healthy", ""];
  }
}
