import { z } from "zod";
import type { ExternalWatchConfig } from "../config/external-schema.js";
import type { WatchedWorkload, WorkloadWatch } from "../ports/pipeline-store.js";
import type { KubernetesClient } from "./client.js";
import { pickContainer } from "./containers.js";
import { KINDS, type Workload, workloadPath, workloadSchema } from "./workloads.js";

const labelled = z.looseObject({
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const watchedSchema = workloadSchema.extend({
  metadata: labelled.extend({ name: z.string() }),
  spec: workloadSchema.shape.spec.extend({
    template: z
      .looseObject({
        metadata: labelled.optional(),
        spec: z.looseObject({
          containers: z.array(z.looseObject({ name: z.string(), image: z.string().optional() })).min(1),
        }),
      })
      .optional(),
  }),
});

/** The tag of an image reference: after the last ':' of its last path segment; a digest is not a release. */
export function imageTag(image: string): string | null {
  const name = image.split("@")[0] ?? "";
  const last = name.slice(name.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  return colon === -1 ? null : last.slice(colon + 1) || null;
}

/** Reads the workload a pipeline deploys (pipeline mode's `deployer.watch`). */
export class WorkloadVersionReader implements WorkloadWatch {
  private readonly workload: Workload;

  constructor(
    private readonly config: ExternalWatchConfig,
    private readonly client: KubernetesClient,
  ) {
    this.workload = { kind: config.workload.kind, name: config.workload.name };
  }

  /** "deployment/web in shop". */
  describe(): string {
    return `${KINDS[this.workload.kind].noun}/${this.workload.name} in ${this.config.namespace}`;
  }

  async read(signal?: AbortSignal): Promise<WatchedWorkload> {
    const path = workloadPath(this.config.namespace, this.workload);
    const raw = await this.client.json({ method: "GET", path }, watchedSchema, signal);
    const rollout = KINDS[this.workload.kind].decide(raw);
    const from = this.config.version;
    if (from.from === "image") {
      const image = pickContainer(raw, from.container, KINDS[this.workload.kind].noun).image ?? "";
      return { version: imageTag(image), source: `the image ${image}`, rollout };
    }
    const field = from.from === "label" ? "labels" : "annotations";
    const value =
      raw.spec.template?.metadata?.[field]?.[from.name] ?? raw.metadata[field]?.[from.name] ?? null;
    return { version: value, source: `${from.from} ${from.name}`, rollout };
  }
}
