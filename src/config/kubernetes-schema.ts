import { z } from "zod";
import { pollingSchema } from "./polling-schema.js";

/** DNS-1123 label: namespaces and container names. */
export const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "use a Kubernetes name: lower-case letters, digits and dashes, at most 63 characters",
  );

/** DNS-1123 subdomain: Deployment names. */
export const dnsSubdomain = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "use a Kubernetes object name: lower-case letters, digits, dashes and dots",
  );

/**
 * How to reach the API server. Absent: in-cluster (the pod's service account).
 * `kubeconfig`: a kubeconfig file and optionally its context. `url`: an explicit server with a token file and CA.
 */
export const kubernetesApiSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: "api.url must be an http:// or https:// URL" }).optional(),
    /** File holding the bearer token (read on every request, so a rotated token is picked up). */
    tokenFile: z.string().min(1).optional(),
    /** PEM file of the CA that signed the API server's certificate. */
    caFile: z.string().min(1).optional(),
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    /** Only for tests against a local simulator: accept any server certificate. */
    insecureSkipTlsVerify: z.boolean().default(false),
    requestTimeoutSeconds: z.number().positive().default(30),
    /** Attempts for a request that failed with a 5xx, 429, timeout or a network error. */
    attempts: z.number().int().min(1).max(10).default(4),
    /** Delay before the second attempt; it doubles for each further one (capped at 10 s). */
    retryDelayMs: z.number().int().min(1).max(10_000).default(250),
  })
  .refine((api) => !(api.url && api.kubeconfig), {
    message: "set either api.url or api.kubeconfig, not both",
  })
  .refine((api) => !api.context || api.kubeconfig, {
    message: "api.context selects a context of api.kubeconfig: set api.kubeconfig too",
  })
  .refine((api) => !(api.tokenFile || api.caFile) || api.url, {
    message: "api.tokenFile and api.caFile go with api.url (a kubeconfig carries its own credentials)",
  });

/** An image reference with `{version}` (and optionally `{service}`) replaced by the release, e.g. "registry/shop:{version}". */
const imageTemplate = z
  .string()
  .min(1)
  .refine((image) => image.includes("{version}"), {
    message: 'the image must contain {version}, e.g. "registry.example.com/shop:{version}"',
  });

const target = {
  namespace: dnsLabel,
  api: kubernetesApiSchema.optional(),
  image: imageTemplate,
};

/** The workloads phasegate sets the image of and watches, by kind; a name is used once across the lists. */
const workloads = {
  deployments: z.array(dnsSubdomain).default([]),
  statefulSets: z.array(dnsSubdomain).default([]),
  daemonSets: z.array(dnsSubdomain).default([]),
  /** Argo Rollouts `Rollout`s (argoproj.io/v1alpha1): a pause waits for someone to promote it. */
  rollouts: z.array(dnsSubdomain).default([]),
};

type WorkloadLists = { [List in keyof typeof workloads]: string[] };
const allNames = (lists: WorkloadLists) => [
  ...lists.deployments,
  ...lists.statefulSets,
  ...lists.daemonSets,
  ...lists.rollouts,
];
const someWorkload = [
  (lists: WorkloadLists) => allNames(lists).length > 0,
  { message: "list at least one workload: deployments, statefulSets, daemonSets or rollouts" },
] as const;
const uniqueNames = [
  (lists: WorkloadLists) => new Set(allNames(lists)).size === allNames(lists).length,
  { message: "each workload name may appear once across deployments, statefulSets, daemonSets and rollouts" },
] as const;

export const kubernetesDeployerSchema = z
  .strictObject({
    kind: z.literal("kubernetes"),
    ...target,
    ...workloads,
    /** Container whose image is set; may be left out when every workload has a single container. */
    container: dnsLabel.optional(),
  })
  .refine(...someWorkload)
  .refine(...uniqueNames);

export const kubernetesRolloutSchema = z
  .strictObject({
    kind: z.literal("kubernetes"),
    ...target,
    ...workloads,
    /** When set, the rollout is done only when every running pod's container runs the release image. */
    container: dnsLabel.optional(),
    ...pollingSchema,
  })
  .refine(...someWorkload)
  .refine(...uniqueNames);

const envFromSource = z.union([
  z.strictObject({ configMapRef: z.strictObject({ name: dnsSubdomain }) }),
  z.strictObject({ secretRef: z.strictObject({ name: dnsSubdomain }) }),
]);

const quantities = z.record(z.string().min(1), z.union([z.string().min(1), z.number()]));

export const kubernetesJobSchema = z.strictObject({
  /**
   * Start from this Deployment's pod template (service account, image pull secrets, volumes, node placement, the
   * container's env, envFrom and resources), so the migration runs configured like the app; the fields below
   * add to it or override it.
   */
  fromDeployment: z.strictObject({ name: dnsSubdomain, container: dnsLabel.optional() }).optional(),
  serviceAccountName: dnsSubdomain.optional(),
  /** Directory the command runs in inside the image (where manage.py is). */
  workingDir: z.string().min(1).optional(),
  env: z.record(z.string().min(1), z.string()).default({}),
  envFrom: z.array(envFromSource).default([]),
  resources: z.strictObject({ requests: quantities.optional(), limits: quantities.optional() }).optional(),
  labels: z.record(z.string().min(1), z.string()).default({}),
  /** The finished Job (and its pod and log) stays this long, so a retried step reads its result again. */
  ttlSecondsAfterFinished: z.number().int().min(60).default(86_400),
  /** Lines of the pod log returned as the command's output (at most their first 2 MiB: the Job executor's LOG_LIMIT_BYTES). */
  logTailLines: z.number().int().positive().max(10_000).default(200),
  /**
   * A pod still unable to start after this long (image not in the registry, missing Secret) fails the step;
   * its Job is deleted so it cannot start later behind the run's back.
   */
  podStartTimeoutSeconds: z.number().int().min(30).default(300),
});

export const kubernetesExecutorSchema = z.strictObject({
  kind: z.literal("kubernetes"),
  ...target,
  job: kubernetesJobSchema.default({
    env: {},
    envFrom: [],
    labels: {},
    ttlSecondsAfterFinished: 86_400,
    logTailLines: 200,
    podStartTimeoutSeconds: 300,
  }),
});

export type KubernetesApiConfig = z.infer<typeof kubernetesApiSchema>;
export type KubernetesDeployerConfig = z.infer<typeof kubernetesDeployerSchema>;
export type KubernetesRolloutConfig = z.infer<typeof kubernetesRolloutSchema>;
export type KubernetesExecutorConfig = z.infer<typeof kubernetesExecutorSchema>;
export type KubernetesJobConfig = z.infer<typeof kubernetesJobSchema>;
