import { z } from "zod";
import type { KubernetesDeployerConfig } from "../config/kubernetes-schema.js";
import type { RolloutStatus } from "../ports/rollout-watcher.js";
import {
  argoRolloutStatus,
  daemonSetRolloutStatus,
  deploymentRolloutStatus,
  statefulSetRolloutStatus,
} from "./rollout-status.js";

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "Rollout";

export interface Workload {
  kind: WorkloadKind;
  name: string;
}

interface KindFacts {
  /** REST collection: `/apis/<group>/<version>/namespaces/<ns>/<resource>`. */
  group: string;
  resource: string;
  /** How kubectl names it in messages and commands ("deployment", "statefulset", "rollout"). */
  noun: string;
  /** Custom resources accept no strategic-merge patch. */
  patch: "strategic" | "merge";
  decide(raw: unknown): RolloutStatus;
}

export const KINDS: Record<WorkloadKind, KindFacts> = {
  Deployment: {
    group: "apps/v1",
    resource: "deployments",
    noun: "deployment",
    patch: "strategic",
    decide: deploymentRolloutStatus,
  },
  StatefulSet: {
    group: "apps/v1",
    resource: "statefulsets",
    noun: "statefulset",
    patch: "strategic",
    decide: statefulSetRolloutStatus,
  },
  DaemonSet: {
    group: "apps/v1",
    resource: "daemonsets",
    noun: "daemonset",
    patch: "strategic",
    decide: daemonSetRolloutStatus,
  },
  Rollout: {
    group: "argoproj.io/v1alpha1",
    resource: "rollouts",
    noun: "rollout",
    patch: "merge",
    decide: argoRolloutStatus,
  },
};

/** Every workload a kubernetes section lists, Deployments first. */
export function listedWorkloads(
  config: Pick<KubernetesDeployerConfig, "deployments" | "statefulSets" | "daemonSets" | "rollouts">,
): Workload[] {
  return [
    ...config.deployments.map((name) => ({ kind: "Deployment" as const, name })),
    ...config.statefulSets.map((name) => ({ kind: "StatefulSet" as const, name })),
    ...config.daemonSets.map((name) => ({ kind: "DaemonSet" as const, name })),
    ...config.rollouts.map((name) => ({ kind: "Rollout" as const, name })),
  ];
}

const segment = encodeURIComponent;

export const workloadPath = (namespace: string, workload: Workload) => {
  const { group, resource } = KINDS[workload.kind];
  return `/apis/${group}/namespaces/${segment(namespace)}/${resource}/${segment(workload.name)}`;
};

/** "deployment/web", as kubectl writes it. */
export const workloadRef = (workload: Workload) => `${KINDS[workload.kind].noun}/${workload.name}`;

const container = z.looseObject({ name: z.string(), image: z.string().optional() });

/** What phasegate reads of every workload kind: its pod template and selector. */
export const workloadSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    annotations: z.record(z.string(), z.string()).optional().default({}),
  }),
  spec: z.looseObject({
    replicas: z.number().int().nonnegative().optional(),
    paused: z.boolean().optional().default(false),
    selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()).optional().default({}) }),
    template: z.looseObject({ spec: z.looseObject({ containers: z.array(container).min(1) }) }).optional(),
    updateStrategy: z
      .looseObject({ rollingUpdate: z.looseObject({ partition: z.number().int().optional() }).optional() })
      .optional(),
  }),
});

export type WorkloadObject = z.infer<typeof workloadSchema>;
