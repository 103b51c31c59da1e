import type { KubernetesRolloutConfig } from "../config/kubernetes-schema.js";
import type { RolloutRequest, RolloutStatus, RolloutWatcher } from "../ports/rollout-watcher.js";
import type { KubernetesClient } from "./client.js";
import { pickContainer } from "./containers.js";
import { deploymentPath, labelSelector, podsPath } from "./paths.js";
import { releaseImage } from "./release-image.js";
import { type Deployment, deploymentSchema, podListSchema } from "./resources.js";
import { deploymentRolloutStatus } from "./rollout-status.js";

/**
 * One poll of every listed Deployment: done when each one is rolled out the way `kubectl rollout status` decides
 * and, when a container is configured, every running pod (terminating ones included: they still serve) runs the
 * release image, so the rollout of some other change does not count.
 */
export class KubernetesRolloutWatcher implements RolloutWatcher {
  constructor(
    private readonly config: KubernetesRolloutConfig,
    private readonly client: KubernetesClient,
  ) {}

  async check(request: RolloutRequest, signal?: AbortSignal): Promise<RolloutStatus> {
    // A rollback waits for each Deployment's own image as it was before the run.
    const imageOf = (name: string) => request.images?.[name] ?? releaseImage(this.config.image, request);
    const statuses: RolloutStatus[] = [];
    for (const name of this.config.deployments) {
      const status = await this.checkOne(name, imageOf(name), signal);
      if (status.failed) return status;
      statuses.push(status);
    }
    const waiting = statuses.filter((s) => !s.done);
    if (waiting.length > 0)
      return { done: false, failed: false, message: waiting.map((s) => s.message).join("; ") };
    const names = this.config.deployments.join(", ");
    const images = [...new Set(this.config.deployments.map(imageOf))].join(", ");
    return { done: true, failed: false, message: `${names} rolled out: every pod runs ${images}` };
  }

  private async checkOne(name: string, image: string, signal?: AbortSignal): Promise<RolloutStatus> {
    const path = deploymentPath(this.config.namespace, name);
    const deployment = await this.client.json({ method: "GET", path }, deploymentSchema, signal);
    if (this.config.container) {
      const set = pickContainer(deployment, this.config.container).image;
      if (set !== image) {
        return waiting(
          `deployment "${name}" is set to ${set}, not the release ${image}: was it changed by someone else?`,
        );
      }
    }
    const status = deploymentRolloutStatus(deployment);
    if (deployment.spec.paused && !status.done) {
      return waiting(
        `deployment "${name}" is paused, so its rollout does not progress: kubectl rollout resume deployment/${name} -n ${this.config.namespace}`,
      );
    }
    if (!status.done || !this.config.container) return status;
    return this.checkPods(deployment, this.config.container, image, signal);
  }

  private async checkPods(
    deployment: Deployment,
    container: string,
    image: string,
    signal?: AbortSignal,
  ): Promise<RolloutStatus> {
    const pods = await this.client.json(
      {
        method: "GET",
        path: podsPath(this.config.namespace),
        query: { labelSelector: labelSelector(deployment.spec.selector.matchLabels) },
      },
      podListSchema,
      signal,
    );
    const stale = pods.items.filter(
      (pod) =>
        pod.status.phase === "Running" &&
        pod.spec.containers.find((c) => c.name === container)?.image !== image,
    );
    const name = deployment.metadata.name;
    if (stale.length === 0)
      return { done: true, failed: false, message: `deployment "${name}" successfully rolled out` };
    const list = stale
      .map((pod) => {
        const running = pod.spec.containers.find((c) => c.name === container)?.image ?? "no such container";
        return `${pod.metadata.name} runs ${running}${pod.metadata.deletionTimestamp ? ", terminating" : ""}`;
      })
      .join(", ");
    return waiting(`deployment "${name}": ${stale.length} running pod(s) not on ${image} yet (${list})`);
  }
}

const waiting = (message: string): RolloutStatus => ({ done: false, failed: false, message });
