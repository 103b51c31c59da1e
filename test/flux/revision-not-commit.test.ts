import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollRollout } from "../../src/app/steps/rollout.js";
import { fluxDeployerSchema, gitRepositorySchema } from "../../src/config/gitops-schema.js";
import { GitCommitter } from "../../src/gitops/committer.js";
import { fluxWatcher } from "../../src/kubernetes/adapters.js";
import { createGitOpsRepo, type GitOpsRepo } from "../../testkit/gitops-repo.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { image } from "../kubernetes/setup.js";

/**
 * Flux (in the simulator) applying a branch named with hex digits only (`cafe1234`) from a local bare repository:
 * its `cafe1234@sha1:<id>` counts, a revision that is the branch's bare name never does, though git would resolve
 * that name to the run's commit in phasegate's mirror.
 */
const FILE = "clusters/prod/shop/kustomization.yaml";
const kustomization = (tag: string) => `images:\n  - name: registry.example.com/shop\n    newTag: ${tag}\n`;

const gitSection = () => ({ url: repo.url, branch: "cafe1234", file: FILE, yamlPath: "images[0].newTag" });

let sim: KubeSim;
let repo: GitOpsRepo;
let git: GitCommitter;
const held: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  sim = await startKubeSim();
  repo = await createGitOpsRepo({ [FILE]: kustomization("v1") }, "cafe1234");
  sim.deployments.add({ namespace: "hex", name: "web", image: image("v1") });
  sim.flux.add({
    kind: "Kustomization",
    namespace: "flux-system",
    name: "shop",
    git: { bare: repo.bare, branch: "cafe1234", file: FILE },
    workload: { namespace: "hex", deployment: "web" },
  });
  git = new GitCommitter(gitRepositorySchema.parse(gitSection()), "shop");
  await git.commitVersion("run-x1", "v2");
}, 30_000);

afterAll(async () => {
  for (const client of held) await client.close();
  await git?.close();
  await sim?.close();
  await repo?.close();
});

/** What the rollout wait says in the run's thread after one look at the Kustomization. */
async function waitSays() {
  const config = fluxDeployerSchema.parse({
    kind: "flux",
    git: gitSection(),
    resource: { kind: "Kustomization", name: "shop" },
    api: sim.api(),
  });
  return pollRollout(
    { runId: "run-x1", service: "shop", version: "v2" },
    { startedAt: null, lastMessage: null },
    fluxWatcher(config, git, { service: "shop", baseDir: process.cwd(), held }),
    { intervalMs: 1000, maxIntervalMs: 5000, deadlineMs: 60_000 },
    new Date(),
  );
}

describe("Flux reporting a revision that is not a full commit id", () => {
  it("Ready at the hex-named branch's own name: the wait goes on and says why; at <branch>@sha1:<id>, done", {
    timeout: 30_000,
  }, async () => {
    const head = await repo.head();
    const object = sim.flux.get("Kustomization", "flux-system", "shop");
    await expect
      .poll(
        async () => {
          await sim.flux.reconcile();
          sim.deployments.step("hex", "web");
          return object.status.lastAppliedRevision;
        },
        { timeout: 20_000, interval: 50 },
      )
      .toBe(`cafe1234@sha1:${head}`);
    object.status.lastAppliedRevision = "cafe1234";
    object.status.lastAttemptedRevision = "cafe1234";
    expect(await waitSays()).toMatchObject({
      kind: "later",
      progress: `Kustomization shop reports revision "cafe1234", not a full commit id: still waiting for a revision with ${head.slice(0, 12)}`,
    });
    object.status.lastAppliedRevision = `cafe1234@sha1:${head}`;
    object.status.lastAttemptedRevision = `cafe1234@sha1:${head}`;
    expect(await waitSays()).toEqual({
      kind: "succeeded",
      message: `Kustomization shop is Ready at cafe1234@sha1:${head}`,
    });
  });
});
