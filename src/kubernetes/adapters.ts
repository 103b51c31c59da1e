import type { ExternalWatchConfig } from "../config/external-schema.js";
import type { FluxDeployerConfig } from "../config/gitops-schema.js";
import type {
  KubernetesDeployerConfig,
  KubernetesExecutorConfig,
  KubernetesRolloutConfig,
} from "../config/kubernetes-schema.js";
import type { GitRevisions } from "../ports/git-revisions.js";
import type { Logger } from "../ports/logger.js";
import { createKubernetesClient } from "./create-client.js";
import { FluxWatcher } from "./flux-watcher.js";
import { KubernetesJobExecutor } from "./job-executor.js";
import { KubernetesDeployer } from "./kubernetes-deployer.js";
import { KubernetesRolloutWatcher } from "./kubernetes-rollout-watcher.js";
import { WorkloadVersionReader } from "./workload-version.js";

export interface KubernetesAdapterContext {
  /** The service the adapter works for (fills `{service}` in image templates). */
  service: string;
  /** Directory of the services file: relative api.tokenFile, api.caFile and api.kubeconfig are resolved from it. */
  baseDir: string;
  /** Environment for in-cluster detection (KUBERNETES_SERVICE_HOST/PORT); process.env by default. */
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Each client made is added here, for whoever built the adapters to close (its connections). */
  held?: { close(): Promise<void> }[];
}

function client(config: { api?: KubernetesExecutorConfig["api"] }, context: KubernetesAdapterContext) {
  const made = createKubernetesClient(
    config.api,
    { baseDir: context.baseDir, env: context.env ?? process.env },
    context.log,
  );
  context.held?.push(made);
  return made;
}

export function kubernetesExecutor(config: KubernetesExecutorConfig, context: KubernetesAdapterContext) {
  return new KubernetesJobExecutor(config, client(config, context), context.service, context.log);
}

export function kubernetesDeployer(config: KubernetesDeployerConfig, context: KubernetesAdapterContext) {
  return new KubernetesDeployer(config, client(config, context), context.log);
}

export function kubernetesRolloutWatcher(config: KubernetesRolloutConfig, context: KubernetesAdapterContext) {
  return new KubernetesRolloutWatcher(config, client(config, context));
}

export function fluxWatcher(
  config: FluxDeployerConfig,
  git: GitRevisions,
  context: KubernetesAdapterContext,
) {
  return new FluxWatcher(config.resource, client(config, context), git);
}

export function workloadVersionReader(config: ExternalWatchConfig, context: KubernetesAdapterContext) {
  return new WorkloadVersionReader(config, client(config, context));
}
