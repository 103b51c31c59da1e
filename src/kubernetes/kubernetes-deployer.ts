import type { KubernetesDeployerConfig } from "../config/kubernetes-schema.js";
import type {
  Deployer,
  DeployOutcome,
  DeployRequest,
  HaltOutcome,
  HaltRequest,
  LiveRelease,
} from "../ports/deployer.js";
import type { Logger } from "../ports/logger.js";
import { logger as rootLogger } from "../telemetry/pino-logger.js";
import type { KubernetesClient } from "./client.js";
import { pickContainer } from "./containers.js";
import { releaseImage, versionOfImage } from "./release-image.js";
import { haltWorkload, resumeIfHalted } from "./rollout-halt.js";
import { KINDS, listedWorkloads, type Workload, workloadPath, workloadSchema } from "./workloads.js";

/**
 * Sets the release image on every listed workload (`kubectl set image`: a strategic-merge patch; a Rollout, a
 * custom resource, gets a merge patch of its whole container list). A rollback sets back exactly the image each
 * workload had before the run (read by `liveRelease` when the run was created).
 */
export class KubernetesDeployer implements Deployer {
  private readonly workloads: Workload[];

  constructor(
    private readonly config: KubernetesDeployerConfig,
    private readonly client: KubernetesClient,
    private readonly log: Logger = rootLogger,
  ) {
    this.workloads = listedWorkloads(config);
  }

  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    const patched = new Map<string, string[]>();
    const unchanged = new Map<string, string[]>();
    for (const workload of this.workloads) {
      const { name } = workload;
      const image = request.rollback?.images?.[name] ?? releaseImage(this.config.image, request);
      const changed = await this.setImage(workload, image, signal);
      const names = changed ? patched : unchanged;
      names.set(image, [...(names.get(image) ?? []), name]);
      this.log.info(
        { runId: request.runId, workload: name, kind: workload.kind, image, changed },
        "workload image set",
      );
    }
    const parts = [
      ...[...patched].map(([image, names]) => `patched ${names.join(", ")} to ${image}`),
      ...[...unchanged].map(([image, names]) => `${names.join(", ")} already on ${image}`),
    ];
    return { message: parts.join("; ") };
  }

  /** Each listed workload's image now; the release is the first one's tag (or the image itself). */
  async liveRelease(service: string, signal?: AbortSignal): Promise<LiveRelease | null> {
    const images: Record<string, string> = {};
    for (const workload of this.workloads) {
      const found = await this.read(workload, signal);
      const image = pickContainer(found, this.config.container, KINDS[workload.kind].noun).image;
      if (!image) return null;
      images[workload.name] = image;
    }
    const first = Object.values(images)[0];
    if (first === undefined) return null;
    return { version: versionOfImage(this.config.image, service, first) ?? first, images };
  }

  private read(workload: Workload, signal?: AbortSignal) {
    const path = workloadPath(this.config.namespace, workload);
    return this.client.json({ method: "GET", path }, workloadSchema, signal);
  }

  /**
   * True when the workload was patched, false when it already had the image. A Deployment phasegate paused at a
   * cancel is resumed by the same patch (see rollout-halt.ts).
   */
  private async setImage(workload: Workload, image: string, signal?: AbortSignal): Promise<boolean> {
    const found = await this.read(workload, signal);
    const kind = KINDS[workload.kind];
    const container = pickContainer(found, this.config.container, kind.noun);
    const resume = resumeIfHalted(workload, found);
    const changed = container.image !== image;
    if (!changed && !resume) return false;
    const containers =
      kind.patch === "strategic"
        ? [{ name: container.name, image }]
        : (found.spec.template?.spec.containers ?? []).map((c) =>
            c.name === container.name ? { ...c, image } : c,
          );
    await this.client.json(
      {
        method: "PATCH",
        path: workloadPath(this.config.namespace, workload),
        contentType:
          kind.patch === "strategic"
            ? "application/strategic-merge-patch+json"
            : "application/merge-patch+json",
        body: {
          ...(resume ? { metadata: resume.metadata } : {}),
          spec: { ...resume?.spec, template: { spec: { containers } } },
        },
      },
      workloadSchema,
      signal,
    );
    return changed;
  }

  /** Stops each listed workload's rollout where Kubernetes can (see rollout-halt.ts). */
  async halt(request: HaltRequest, signal?: AbortSignal): Promise<HaltOutcome> {
    const said: string[] = [];
    for (const workload of this.workloads) {
      const message = await haltWorkload(this.client, this.config.namespace, workload, request.runId, signal);
      this.log.info(
        { runId: request.runId, workload: workload.name, kind: workload.kind, message },
        "rollout halted",
      );
      said.push(message);
    }
    return { message: said.join("; ") };
  }
}
