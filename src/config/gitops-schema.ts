import { z } from "zod";
import { kubernetesApiSchema } from "./kubernetes-schema.js";
import { durationSeconds } from "./polling-schema.js";

/**
 * A place in a YAML file: keys and indexes (`images[0].newTag`, `image.tag`), or a list item chosen by one of its
 * keys (`images[name=registry.example.com/shop].newTag`).
 */
export const yamlPath = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]+(\[(\d+|[A-Za-z0-9_-]+=[^\]]+)\])*(\.[A-Za-z0-9_-]+(\[(\d+|[A-Za-z0-9_-]+=[^\]]+)\])*)*$/,
    "a YAML path such as images[0].newTag, images[name=registry.example.com/shop].newTag or image.tag",
  );

export const gitRepositorySchema = z
  .strictObject({
    /** Any URL git can push to: https://, ssh:// or git@host:path, file:// (tests). */
    url: z.string().min(1),
    branch: z.string().min(1).default("main"),
    /** The file that carries the version, relative to the repository's root. */
    file: z
      .string()
      .min(1)
      .refine((f) => !f.startsWith("/") && !f.split("/").includes(".."), {
        message: "a path inside the repository, such as deploy/overlays/prod/kustomization.yaml",
      }),
    /** Where the version goes in that file; `{version}` in `value` is replaced (the whole value by default). */
    yamlPath,
    value: z
      .string()
      .refine((v) => v.includes("{version}"), { message: 'value must contain {version}, e.g. "{version}"' })
      .default("{version}"),
    author: z
      .strictObject({ name: z.string().min(1), email: z.string().min(1) })
      .default({ name: "phasegate", email: "phasegate@localhost" }),
    /** Pushes rejected because the branch moved (another commit landed first): fetched, rebased and pushed again. */
    pushAttempts: z.number().int().min(1).max(10).default(3),
    /** Environment of every git command: GIT_SSH_COMMAND for a deploy key, GIT_ASKPASS or a credential helper. */
    env: z.record(z.string(), z.string()).default({}),
    timeoutSeconds: durationSeconds.default(120),
  })
  .describe(
    "The Git repository phasegate commits the release to: it clones `branch`, sets `yamlPath` of `file` to `value` (the rest of the file kept as it was), commits with a message naming the run and pushes; a push refused because the branch moved is fetched, rebased and pushed again (`pushAttempts`). A rollback is `git revert` of the run's commit.",
  );

const argocdConnection = {
  /** Argo CD's server, e.g. https://argocd.example.com */
  url: z.url({ protocol: /^https?$/, error: "url must be an http:// or https:// URL of the Argo CD server" }),
  /** File holding an Argo CD API token (read on every request, so a rotated token is picked up). */
  tokenFile: z.string().min(1),
  application: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "use the Application's name as Argo CD shows it"),
  /** The Application's namespace when Argo CD manages Applications in several namespaces. */
  appNamespace: z.string().min(1).optional(),
  /** PEM file of the CA that signed Argo CD's certificate. */
  caFile: z.string().min(1).optional(),
  /** Only for a test server: accept any certificate. */
  insecureSkipTlsVerify: z.boolean().default(false),
  requestTimeoutSeconds: durationSeconds.default(30),
};

export const argocdDeployerSchema = z
  .strictObject({
    kind: z.literal("argocd"),
    ...argocdConnection,
    /** Parameter mode, for an Application with kustomize images: the image's name in spec.source.kustomize.images. */
    kustomizeImage: z.string().min(1).optional(),
    /** Parameter mode, for an Application with a Helm source: the parameter that carries the release. */
    helmParameter: z.string().min(1).optional(),
    /** Git mode: the Application's repository; the release is committed there instead of set on the Application. */
    git: gitRepositorySchema.optional(),
  })
  .refine((c) => (c.git ? !c.kustomizeImage && !c.helmParameter : c.kustomizeImage || c.helmParameter), {
    message:
      "set either git (the release is committed to the Application's repository) or kustomizeImage / helmParameter (the release is set on the Application), not both",
  })
  .describe(
    "Deploys through Argo CD's REST API with a bearer token (no CLI). Parameter mode (`kustomizeImage` or `helmParameter`): the Application's kustomize image tag or Helm parameter is set to the release, and a sync is requested when the Application has no automated sync policy; a rollback sets the value live before the run again. Git mode (`git`): the release is committed to the file the Application tracks; a rollback is a revert commit. Before the `rollout` section's watcher is asked, phasegate waits until Argo CD reports the Application Synced to what was set (to a revision that contains the commit) and Healthy; Degraded or a failed sync fails the rollout.",
  );

export const fluxDeployerSchema = z
  .strictObject({
    kind: z.literal("flux"),
    git: gitRepositorySchema,
    /** The Flux object that applies the file: a Kustomization or a HelmRelease. */
    resource: z.strictObject({
      kind: z.enum(["Kustomization", "HelmRelease"]),
      name: z.string().min(1),
      namespace: z.string().min(1).default("flux-system"),
    }),
    /** How to reach the Kubernetes API where Flux runs (in-cluster when absent). */
    api: kubernetesApiSchema.optional(),
  })
  .describe(
    "Commits the release to the Git repository Flux applies (as `argocd`'s Git mode), then waits until the Kustomization (kustomize.toolkit.fluxcd.io/v1) or HelmRelease (helm.toolkit.fluxcd.io/v2) is Ready at the observed generation with a `lastAppliedRevision` that contains the commit; Ready=False for that revision or Stalled fails the rollout with Flux's message. A rollback is a revert commit.",
  );

export type GitRepositoryConfig = z.infer<typeof gitRepositorySchema>;
export type ArgocdDeployerConfig = z.infer<typeof argocdDeployerSchema>;
export type FluxDeployerConfig = z.infer<typeof fluxDeployerSchema>;
