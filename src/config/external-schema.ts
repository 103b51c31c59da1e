import { z } from "zod";
import { dnsLabel, dnsSubdomain, kubernetesApiSchema } from "./kubernetes-schema.js";
import { durationSeconds } from "./polling-schema.js";

/** A label or annotation key: an optional DNS prefix and a name, as Kubernetes allows them. */
const metadataKey = z
  .string()
  .max(317)
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    "use a label or annotation key, e.g. app.kubernetes.io/version",
  );

/** Where the watched workload carries the release it runs. */
const versionSource = z.discriminatedUnion("from", [
  z
    .strictObject({
      from: z.literal("image"),
      /** The container whose image tag is the release; may be left out when the pod has one container. */
      container: dnsLabel.optional(),
    })
    .describe("The tag of the container's image (`registry/shop:v42` carries v42)"),
  z
    .strictObject({ from: z.literal("label"), name: metadataKey })
    .describe("A label of the pod template (else of the workload itself), e.g. app.kubernetes.io/version"),
  z
    .strictObject({ from: z.literal("annotation"), name: metadataKey })
    .describe("An annotation of the pod template (else of the workload itself)"),
]);

export const externalWatchSchema = z
  .strictObject({
    namespace: dnsLabel,
    api: kubernetesApiSchema.optional(),
    workload: z.strictObject({
      kind: z.enum(["Deployment", "StatefulSet", "DaemonSet", "Rollout"]).default("Deployment"),
      name: dnsSubdomain,
    }),
    version: versionSource.default({ from: "image" }),
  })
  .describe(
    "The workload the pipeline deploys: the deploy counts as done once it carries the run's release (and its rollout is then watched as kubectl decides; a failed rollout fails the run)",
  );

export const externalDeployerSchema = z
  .strictObject({
    kind: z.literal("external"),
    watch: externalWatchSchema.optional(),
    /** How long the pipeline has to deploy the release once told it may (the rollout's own deadline follows). */
    timeoutSeconds: durationSeconds.default(3600),
  })
  .describe(
    "Pipeline mode: phasegate does not deploy. After the expand phase the run says `deploy: ready` (GET /api/v1/runs/{id}); the pipeline deploys, and the run goes on once the watched workload carries the release or the pipeline calls POST /api/v1/runs/{id}/deployed. A rollback cannot be done by phasegate: it tells whoever asks to redeploy the previous release from the pipeline",
  );

export type ExternalDeployerConfig = z.infer<typeof externalDeployerSchema>;
export type ExternalWatchConfig = z.infer<typeof externalWatchSchema>;
