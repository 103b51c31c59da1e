import type { KubernetesDeployerConfig } from "../config/kubernetes-schema.js";
import type { Deployer, DeployOutcome, DeployRequest, LiveRelease } from "../ports/deployer.js";
import type { Logger } from "../ports/logger.js";
import { logger as rootLogger } from "../telemetry/pino-logger.js";
import type { KubernetesClient } from "./client.js";
import { pickContainer } from "./containers.js";
import { deploymentPath } from "./paths.js";
import { releaseImage, versionOfImage } from "./release-image.js";
import { deploymentSchema } from "./resources.js";

/**
 * Sets the release image on every listed Deployment with a strategic-merge patch (`kubectl set image`). A rollback
 * sets back exactly the image each Deployment had before the run (read by `liveRelease` when the run was created).
 */
export class KubernetesDeployer implements Deployer {
  constructor(
    private readonly config: KubernetesDeployerConfig,
    private readonly client: KubernetesClient,
    private readonly log: Logger = rootLogger,
  ) {}

  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    const patched = new Map<string, string[]>();
    const unchanged = new Map<string, string[]>();
    for (const name of this.config.deployments) {
      const image = request.rollback?.images?.[name] ?? releaseImage(this.config.image, request);
      const changed = await this.setImage(name, image, signal);
      const names = changed ? patched : unchanged;
      names.set(image, [...(names.get(image) ?? []), name]);
      this.log.info({ runId: request.runId, deployment: name, image, changed }, "deployment image set");
    }
    const parts = [
      ...[...patched].map(([image, names]) => `patched ${names.join(", ")} to ${image}`),
      ...[...unchanged].map(([image, names]) => `${names.join(", ")} already on ${image}`),
    ];
    return { message: parts.join("; ") };
  }

  /** Each listed Deployment's image now; the release is the first one's tag (or the image itself). */
  async liveRelease(service: string, signal?: AbortSignal): Promise<LiveRelease | null> {
    const images: Record<string, string> = {};
    for (const name of this.config.deployments) {
      const path = deploymentPath(this.config.namespace, name);
      const deployment = await this.client.json({ method: "GET", path }, deploymentSchema, signal);
      const image = pickContainer(deployment, this.config.container).image;
      if (!image) return null;
      images[name] = image;
    }
    const first = Object.values(images)[0];
    if (first === undefined) return null;
    return { version: versionOfImage(this.config.image, service, first) ?? first, images };
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
