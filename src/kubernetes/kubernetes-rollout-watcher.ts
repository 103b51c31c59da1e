import type { KubernetesRolloutConfig } from "../config/kubernetes-schema.js";
import type { RolloutRequest, RolloutStatus, RolloutWatcher } from "../ports/rollout-watcher.js";
import type { KubernetesClient } from "./client.js";
import { pickContainer } from "./containers.js";
import { labelSelector, podsPath } from "./paths.js";
import { releaseImage } from "./release-image.js";
import { type Pod, podListSchema } from "./resources.js";
import {
  KINDS,
  listedWorkloads,
  type Workload,
  type WorkloadObject,
  workloadPath,
  workloadRef,
  workloadSchema,
} from "./workloads.js";

/**
 * One poll of every listed workload: done when each one is rolled out the way `kubectl rollout status` (or, for an
 * Argo Rollout, `kubectl argo rollouts status`) decides and, when a container is configured, every running pod
 * (terminating ones included: they still serve) runs the release image, so the rollout of some other change does
 * not count.
 */
export class KubernetesRolloutWatcher implements RolloutWatcher {
  private readonly workloads: Workload[];

  constructor(
    private readonly config: KubernetesRolloutConfig,
    private readonly client: KubernetesClient,
  ) {
    this.workloads = listedWorkloads(config);
  }

  async check(request: RolloutRequest, signal?: AbortSignal): Promise<RolloutStatus> {
    // A rollback waits for each workload's own image as it was before the run.
    const imageOf = (name: string) => request.images?.[name] ?? releaseImage(this.config.image, request);
    const statuses: RolloutStatus[] = [];
    for (const workload of this.workloads) {
      const status = await this.checkOne(workload, imageOf(workload.name), signal);
      if (status.failed) return status;
      statuses.push(status);
    }
    const waiting = statuses.filter((s) => !s.done);
    if (waiting.length > 0)
      return { done: false, failed: false, message: waiting.map((s) => s.message).join("; ") };
    const names = this.workloads.map((w) => w.name).join(", ");
    const images = [...new Set(this.workloads.map((w) => imageOf(w.name)))].join(", ");
    return { done: true, failed: false, message: `${names} rolled out: every pod runs ${images}` };
  }

  private async checkOne(workload: Workload, image: string, signal?: AbortSignal): Promise<RolloutStatus> {
    const path = workloadPath(this.config.namespace, workload);
    const raw = await this.client.json({ method: "GET", path }, workloadSchema, signal);
    const kind = KINDS[workload.kind];
    if (this.config.container) {
      const set = pickContainer(raw, this.config.container, kind.noun).image;
      if (set !== image) {
        return waiting(
          `${kind.noun} "${workload.name}" is set to ${set}, not the release ${image}: was it changed by someone else?`,
        );
      }
    }
    const status = kind.decide(raw);
    if (workload.kind === "Deployment" && raw.spec.paused && !status.done) {
      return waiting(
        `deployment "${workload.name}" is paused, so its rollout does not progress: kubectl rollout resume ${workloadRef(workload)} -n ${this.config.namespace}`,
      );
    }
    if (!status.done || !this.config.container) return status;
    return this.checkPods(workload, raw, this.config.container, image, signal);
  }

  private async checkPods(
    workload: Workload,
    raw: WorkloadObject,
    container: string,
    image: string,
    signal?: AbortSignal,
  ): Promise<RolloutStatus> {
    const pods = await this.client.json(
      {
        method: "GET",
        path: podsPath(this.config.namespace),
        query: { labelSelector: labelSelector(raw.spec.selector.matchLabels) },
      },
      podListSchema,
      signal,
    );
    const stale = pods.items.filter(
      (pod) =>
        pod.status.phase === "Running" &&
        updatable(workload, raw, pod) &&
        pod.spec.containers.find((c) => c.name === container)?.image !== image,
    );
    const named = `${KINDS[workload.kind].noun} "${workload.name}"`;
    if (stale.length === 0) return { done: true, failed: false, message: `${named} successfully rolled out` };
    const list = stale
      .map((pod) => {
        const running = pod.spec.containers.find((c) => c.name === container)?.image ?? "no such container";
        return `${pod.metadata.name} runs ${running}${pod.metadata.deletionTimestamp ? ", terminating" : ""}`;
      })
      .join(", ");
    return waiting(`${named}: ${stale.length} running pod(s) not on ${image} yet (${list})`);
  }
}

/**
 * Whether the rollout is meant to update the pod: a StatefulSet with a partition leaves the pods whose ordinal is
 * below it on the old revision (a canary of the highest ordinals), and kubectl counts it rolled out.
 */
function updatable(workload: Workload, raw: WorkloadObject, pod: Pod): boolean {
  const partition = raw.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (workload.kind !== "StatefulSet" || partition === 0) return true;
  const ordinal = Number(pod.metadata.name.slice(workload.name.length + 1));
  return !Number.isInteger(ordinal) || ordinal >= partition;
}

const waiting = (message: string): RolloutStatus => ({ done: false, failed: false, message });
