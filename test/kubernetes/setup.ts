import path from "node:path";
import {
  kubernetesDeployerSchema,
  kubernetesExecutorSchema,
  kubernetesRolloutSchema,
} from "../../src/config/kubernetes-schema.js";
import {
  kubernetesDeployer,
  kubernetesExecutor,
  kubernetesRolloutWatcher,
} from "../../src/kubernetes/adapters.js";
import type { KubeSim } from "../../testkit/kube-sim/index.js";

export const namespace = "shop";
export const shopDir = path.resolve(import.meta.dirname, "../../examples/shop");
export const imageTemplate = "registry.example.com/shop:{version}";
export const image = (version: string) => imageTemplate.replace("{version}", version);
export const release = (version: string) => ({ runId: "run-1", service: "shop", version, attempt: 1 });

const context = { service: "shop", baseDir: process.cwd() };

/** Adapters built from services-file sections (parsed by the real schema) pointing at the simulator. */
export function adapters(
  sim: KubeSim,
  sections: { deployments?: string[]; container?: string; job?: object; api?: object } = {},
) {
  const api = sections.api ?? sim.api();
  const common = { kind: "kubernetes", namespace, image: imageTemplate, api };
  const targets = { deployments: sections.deployments ?? ["web", "worker"], container: sections.container };
  return {
    deployer: kubernetesDeployer(kubernetesDeployerSchema.parse({ ...common, ...targets }), context),
    watcher: kubernetesRolloutWatcher(kubernetesRolloutSchema.parse({ ...common, ...targets }), context),
    executor: kubernetesExecutor(kubernetesExecutorSchema.parse({ ...common, job: sections.job }), context),
  };
}

/** Two Deployments running v41, two replicas each, container "app". */
export function seedShop(sim: KubeSim): void {
  sim.deployments.add({ namespace, name: "web", image: image("v41"), replicas: 2 });
  sim.deployments.add({ namespace, name: "worker", image: image("v41"), replicas: 2 });
}
