import { pollRollout } from "../../src/app/steps/rollout.js";
import { fluxDeployerSchema, gitRepositorySchema } from "../../src/config/gitops-schema.js";
import { GitCommitter } from "../../src/gitops/committer.js";
import { fluxWatcher } from "../../src/kubernetes/adapters.js";
import { createGitOpsRepo, type GitOpsRepo } from "../../testkit/gitops-repo.js";
import type { FluxKind } from "../../testkit/kube-sim/flux.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { image } from "../kubernetes/setup.js";

interface FluxWait {
  sim: KubeSim;
  git: GitCommitter;
  /** The deployer's `git` section. */
  gitSection: Record<string, string>;
  resource: { kind: FluxKind; name: string; namespace?: string };
  runId: string;
  /** The watchers' Kubernetes clients, for the test to close. */
  held: { close(): Promise<void> }[];
}

/** What the rollout wait says in the run's thread after one look at the Flux object (release v2 of shop). */
function fluxWaitSays({ sim, git, gitSection, resource, runId, held }: FluxWait) {
  const config = fluxDeployerSchema.parse({ kind: "flux", git: gitSection, resource, api: sim.api() });
  return pollRollout(
    { runId, service: "shop", version: "v2" },
    { startedAt: null, lastMessage: null },
    fluxWatcher(config, git, { service: "shop", baseDir: process.cwd(), held }),
    { intervalMs: 1000, maxIntervalMs: 5000, deadlineMs: 60_000 },
    new Date(),
  );
}

/** One Flux object `shop` in the simulator applying `file` of a local bare repository to Deployment `web`. */
export interface OneFluxObject {
  sim: KubeSim;
  repo: GitOpsRepo;
  git: GitCommitter;
  /** What the wait says for `runId` after one look at the object. */
  waitSays(runId: string): ReturnType<typeof fluxWaitSays>;
  close(): Promise<void>;
}

export async function oneFluxObject(options: {
  kind: FluxKind;
  namespace: string;
  files: Record<string, string>;
  branch?: string;
  file: string;
  yamlPath: string;
  chartVersion?: string;
  objectFormat?: "sha1" | "sha256";
}): Promise<OneFluxObject> {
  const { kind, namespace, file, branch = "main" } = options;
  const sim = await startKubeSim();
  const repo = await createGitOpsRepo(options.files, branch, options.objectFormat);
  sim.deployments.add({ namespace, name: "web", image: image("v1") });
  sim.flux.add({
    kind,
    namespace,
    name: "shop",
    git: { bare: repo.bare, branch, file },
    workload: { namespace, deployment: "web" },
    chartVersion: options.chartVersion,
  });
  const gitSection = { url: repo.url, branch, file, yamlPath: options.yamlPath };
  const git = new GitCommitter(gitRepositorySchema.parse(gitSection), "shop");
  const held: { close(): Promise<void> }[] = [];
  const resource = { kind, name: "shop", namespace };
  return {
    sim,
    repo,
    git,
    waitSays: (runId) => fluxWaitSays({ sim, git, gitSection, resource, runId, held }),
    async close() {
      for (const client of held) await client.close();
      await git.close();
      await sim.close();
      await repo.close();
    },
  };
}
