import type { KubernetesDeployerConfig } from "../config/kubernetes-schema.js";
import type { Deployer, DeployOutcome, DeployRequest } from "../ports/deployer.js";
import type { Logger } from "../ports/logger.js";
import { logger as rootLogger } from "../telemetry/logger.js";
import type { KubernetesClient } from "./client.js";
import { pickContainer } from "./containers.js";
import { deploymentPath } from "./paths.js";
import { releaseImage } from "./release-image.js";
import { deploymentSchema } from "./resources.js";

/** Sets the release image on every listed Deployment with a strategic-merge patch (`kubectl set image`). */
export class KubernetesDeployer implements Deployer {
  constructor(
    private readonly config: KubernetesDeployerConfig,
    private readonly client: KubernetesClient,
    private readonly log: Logger = rootLogger,
  ) {}

  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    const image = releaseImage(this.config.image, request);
    const patched: string[] = [];
    const unchanged: string[] = [];
    for (const name of this.config.deployments) {
      const changed = await this.setImage(name, image, signal);
      (changed ? patched : unchanged).push(name);
      this.log.info({ runId: request.runId, deployment: name, image, changed }, "deployment image set");
    }
    const parts = [
      patched.length > 0 ? `patched ${patched.join(", ")} to ${image}` : "",
      unchanged.length > 0 ? `${unchanged.join(", ")} already on ${image}` : "",
    ];
    return { message: parts.filter(Boolean).join("; ") };
  }

  /** True when the Deployment was patched, false when it already had the image. */
  private async setImage(name: string, image: string, signal?: AbortSignal): Promise<boolean> {
    const path = deploymentPath(this.config.namespace, name);
    const deployment = await this.client.json({ method: "GET", path }, deploymentSchema, signal);
    const container = pickContainer(deployment, this.config.container);
    if (container.image === image) return false;
    await this.client.json(
      {
        method: "PATCH",
        path,
        contentType: "application/strategic-merge-patch+json",
        body: { spec: { template: { spec: { containers: [{ name: container.name, image }] } } } },
      },
      deploymentSchema,
      signal,
    );
    return true;
  }
}
