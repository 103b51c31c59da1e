import { z } from "zod";
import { durationSeconds } from "./polling-schema.js";

/** Helm's own rule for release names (DNS-1123 subdomain, at most 53 characters). */
const releaseName = z
  .string()
  .max(53)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "use a Helm release name: lower-case letters, digits, dashes and dots, at most 53 characters",
  );

export const helmDeployerSchema = z
  .strictObject({
    kind: z.literal("helm"),
    release: releaseName,
    /** A chart directory (relative to the services file), `repo/chart`, or an `oci://` reference. */
    chart: z.string().min(1),
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "use a Kubernetes namespace name"),
    /** The chart value that carries the release, e.g. `image.tag`: set with `--set <imageValue>=<version>`. */
    imageValue: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "a dotted value path such as image.tag"),
    /** More arguments of `helm upgrade`, e.g. `["--version", "1.4.2"]` or `["-f", "values-prod.yaml"]`. */
    args: z
      .array(z.string().min(1))
      .default([])
      .refine((args) => !args.some((a) => ["--wait", "--atomic", "--install", "-i"].includes(a)), {
        message:
          "leave out --wait, --atomic and --install: phasegate watches the rollout itself and upgrades an installed release",
      }),
    kubeContext: z.string().min(1).optional(),
    /** The helm binary: a name looked up on PATH, or a path. */
    command: z.string().min(1).default("helm"),
    env: z.record(z.string(), z.string()).default({}),
    timeoutSeconds: durationSeconds.default(300),
  })
  .describe(
    "Runs `helm upgrade <release> <chart> --namespace <namespace> --reuse-values --set <imageValue>=<version>` (never `--wait`: the `rollout` section watches the workloads). The release's revision live before the run is read with `helm status -o json` when the run is created; a rollback is `helm rollback <release> <revision>`. The commands run where phasegate runs, in the services file's directory.",
  );

export type HelmDeployerConfig = z.infer<typeof helmDeployerSchema>;
