import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { repoRoot } from "../../testkit/run-cli.js";

export const MANIFESTS = path.join(repoRoot, "manifests", "kubernetes");

const labels = z.record(z.string(), z.string());

const envVar = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      secretKeyRef: z.object({ name: z.string(), key: z.string(), optional: z.boolean().optional() }),
    })
    .optional(),
});

const probe = z.object({ httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }) });

const container = z.object({
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()).default([]),
  args: z.array(z.string()).default([]),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })).default([]),
  env: z.array(envVar).default([]),
  readinessProbe: probe.optional(),
  livenessProbe: probe.optional(),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).default([]),
});

export const deploymentSchema = z.object({
  metadata: z.object({ name: z.string(), labels }),
  spec: z.object({
    replicas: z.number(),
    selector: z.object({ matchLabels: labels }),
    template: z.object({
      metadata: z.object({ labels, annotations: labels.default({}) }),
      spec: z.object({
        serviceAccountName: z.string(),
        terminationGracePeriodSeconds: z.number().optional(),
        topologySpreadConstraints: z
          .array(
            z.object({
              maxSkew: z.number(),
              topologyKey: z.string(),
              whenUnsatisfiable: z.string(),
              labelSelector: z.object({ matchLabels: labels }),
            }),
          )
          .default([]),
        securityContext: z.object({
          runAsNonRoot: z.boolean(),
          runAsUser: z.number(),
          runAsGroup: z.number(),
        }),
        containers: z.array(container).length(1),
        volumes: z
          .array(z.object({ name: z.string(), configMap: z.object({ name: z.string() }).optional() }))
          .default([]),
      }),
    }),
  }),
});

export const serviceSchema = z.object({
  spec: z.object({
    selector: labels,
    ports: z.array(z.object({ port: z.number(), targetPort: z.union([z.string(), z.number()]) })),
  }),
});

export const pdbSchema = z.object({
  metadata: z.object({ name: z.string() }),
  spec: z.object({ selector: z.object({ matchLabels: labels }) }),
});

export const networkPolicySchema = z.object({
  spec: z.object({
    podSelector: z.object({ matchLabels: labels }),
    policyTypes: z.array(z.string()),
    ingress: z.array(
      z.object({
        from: z.array(z.unknown()).optional(),
        ports: z.array(z.object({ port: z.union([z.string(), z.number()]), protocol: z.string() })),
      }),
    ),
  }),
});

const endpoint = z.object({ port: z.string(), path: z.string() });

/** A Prometheus Operator ServiceMonitor or PodMonitor. */
export const monitorSchema = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string() }),
  spec: z.object({
    selector: z.object({ matchLabels: labels }),
    endpoints: z.array(endpoint).optional(),
    podMetricsEndpoints: z.array(endpoint).optional(),
  }),
});

export const configMapSchema = z.object({
  metadata: z.object({ name: z.string() }),
  data: z.record(z.string(), z.string()),
});

export const kustomizationSchema = z.object({
  namespace: z.string(),
  resources: z.array(z.string()),
  images: z.array(z.object({ name: z.string() })),
});

export interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  raw: unknown;
}

const header = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.object({ name: z.string(), namespace: z.string().optional() }).optional(),
});

/** Every YAML document of manifests/kubernetes, each with its file. */
export function readManifests(): Manifest[] {
  return readdirSync(MANIFESTS)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(MANIFESTS, file), "utf8")).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
        const raw: unknown = doc.toJS();
        const { apiVersion, kind, metadata } = header.parse(raw);
        return { file, apiVersion, kind, metadata: metadata ?? { name: "" }, raw };
      }),
    );
}

/** A kustomization as `kubectl kustomize` renders it (Debian's kubernetes-client), one object per document. */
export function renderKustomization(folder: string): Array<{ kind: string; raw: unknown }> {
  const output = execFileSync("kubectl", ["kustomize", folder], { encoding: "utf8" });
  return parseAllDocuments(output).map((doc) => {
    const raw: unknown = doc.toJS();
    return { kind: header.parse(raw).kind, raw };
  });
}

/** Whether a selector picks pods with these labels. */
export function selects(selector: Record<string, string>, podLabels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => podLabels[key] === value);
}
