import { ArgoCdClient } from "../argocd/client.js";
import { ArgoCdDeployer } from "../argocd/deployer.js";
import { ArgoCdWatcher } from "../argocd/watcher.js";
import type { ArgocdDeployerConfig, FluxDeployerConfig } from "../config/gitops-schema.js";
import { GitCommitter } from "../gitops/committer.js";
import { GitDeployer } from "../gitops/git-deployer.js";
import { fluxWatcher, type KubernetesAdapterContext } from "../kubernetes/adapters.js";
import type { Deployer } from "../ports/deployer.js";
import type { RolloutRequest, RolloutWatcher } from "../ports/rollout-watcher.js";

/** A GitOps deployer and the watcher of its tool's status (Argo CD's Application, Flux's Kustomization). */
export interface GitOpsAdapters {
  deployer: Deployer;
  status: RolloutWatcher;
}

export type GitOpsDeployerConfig = ArgocdDeployerConfig | FluxDeployerConfig;

/** Argo CD's and Flux's adapters; their Argo CD client and Git committer are added to `context.held`. */
export function gitOpsAdapters(
  deployer: GitOpsDeployerConfig,
  context: KubernetesAdapterContext,
): GitOpsAdapters {
  if (deployer.kind === "argocd") {
    const client = new ArgoCdClient(deployer, context.baseDir);
    const committer = deployer.git && new GitCommitter(deployer.git, context.service);
    context.held?.push(client, ...(committer ? [committer] : []));
    return {
      deployer: new ArgoCdDeployer(client, deployer, committer && new GitDeployer(committer)),
      status: new ArgoCdWatcher(client, deployer, committer),
    };
  }
  const committer = new GitCommitter(deployer.git, context.service);
  context.held?.push(committer);
  const status = fluxWatcher(deployer, committer, context);
  return { deployer: new GitDeployer(committer, (signal) => status.read(signal)), status };
}

/**
 * The GitOps tool's status first (it must have applied the change), then the `rollout` section's watcher (the
 * workloads running it): done when both are, failed when either fails.
 */
export function statusThenRollout(status: RolloutWatcher, rollout: RolloutWatcher): RolloutWatcher {
  return {
    async check(request: RolloutRequest, signal?: AbortSignal) {
      const applied = await status.check(request, signal);
      if (!applied.done) return applied;
      const running = await rollout.check(request, signal);
      return {
        ...running,
        message: running.done ? `${applied.message}; ${running.message}` : running.message,
      };
    },
  };
}
