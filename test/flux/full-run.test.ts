import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitOpsRepo, type GitOpsRepo } from "../../testkit/gitops-repo.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";
import { cardOfFailedRun } from "../gitops/rollback-card.js";
import { image } from "../kubernetes/setup.js";
import {
  approveFromSlack,
  kubernetesKeys,
  reachGate,
  rollBackFromCard,
  runControllers,
  startFromSlack,
  text,
} from "../kubernetes/workloads-slack.js";

const KUSTOMIZATION_FILE = "clusters/prod/shop/kustomization.yaml";
const VALUES_FILE = "charts/shop/values.yaml";
const kustomization = (tag: string) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  - name: registry.example.com/shop
    newTag: ${tag}
`;
const values = (tag: string) => `# values of the shop chart
replicaCount: 2
image:
  repository: registry.example.com/shop
  tag: ${tag} # phasegate sets this
`;

let sim: KubeSim;
let repo: GitOpsRepo;
let h: SlackHarness;
let stopControllers: () => void;
const stepping = new Set(["fluxok"]);

beforeAll(async () => {
  sim = await startKubeSim();
  repo = await createGitOpsRepo({ [KUSTOMIZATION_FILE]: kustomization("v1"), [VALUES_FILE]: values("v1") });
  for (const ns of ["fluxok", "fluxbad"])
    sim.deployments.add({ namespace: ns, name: "web", image: image("v1") });
  const git = (file: string) => ({ bare: repo.bare, branch: repo.branch, file });
  sim.flux.add({
    kind: "Kustomization",
    namespace: "flux-system",
    name: "shop",
    git: git(KUSTOMIZATION_FILE),
    workload: { namespace: "fluxok", deployment: "web" },
  });
  sim.flux.add({
    kind: "HelmRelease",
    namespace: "fluxbad",
    name: "shop",
    git: git(VALUES_FILE),
    workload: { namespace: "fluxbad", deployment: "web" },
  });
  stopControllers = runControllers([
    () => void sim.flux.reconcile(),
    ...["fluxok", "fluxbad"].map((ns) => () => stepping.has(ns) && sim.deployments.step(ns, "web")),
  ]);
  const keys = (ns: string, file: string, yamlPath: string, resource: Record<string, string>) => ({
    deployer: {
      kind: "flux",
      git: { url: repo.url, file, yamlPath },
      resource,
      api: sim.api(),
    },
    rollout: kubernetesKeys(sim, ns, { deployments: ["web"] }).rollout,
  });
  h = await startSlackHarness("fluxrun", {
    withWorker: true,
    extraServices: {
      fluxok: {
        keys: keys("fluxok", KUSTOMIZATION_FILE, "images[0].newTag", { kind: "Kustomization", name: "shop" }),
      },
      fluxbad: {
        keys: keys("fluxbad", VALUES_FILE, "image.tag", {
          kind: "HelmRelease",
          name: "shop",
          namespace: "fluxbad",
        }),
      },
      // A Kustomization Flux does not have (a typo in the services file).
      fluxnone: {
        keys: keys("fluxok", KUSTOMIZATION_FILE, "images[0].newTag", {
          kind: "Kustomization",
          name: "shopp",
        }),
      },
    },
  });
}, 60_000);

afterAll(async () => {
  stopControllers?.();
  await h?.close();
  await sim?.close();
  await repo?.close();
});

const imageOf = (ns: string) => sim.deployments.get(ns, "web").spec.template.spec.containers[0]?.image;

describe("a full run with the flux deployer (local bare repository, Flux in the simulator) driven from Slack", () => {
  it("commits the release, waits until the Kustomization is Ready at a revision with the commit, gates, contracts", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "fluxok", "v2");
    expect(run.previousRelease).toEqual({ version: "v1", source: "deployments" });
    const atGate = await reachGate(h, run);
    const head = await repo.head();
    expect(atGate.steps[1]?.message).toBe(
      `committed images[0].newTag=v2 to ${KUSTOMIZATION_FILE} on main as ${head.slice(0, 12)}`,
    );
    expect(atGate.steps[2]?.message).toBe(
      `Kustomization shop is Ready at main@sha1:${head}; web rolled out: every pod runs ${image("v2")}`,
    );
    expect((await repo.log())[0]).toContain(`Phasegate-Run: ${run.id}`);
    expect(sim.flux.get("Kustomization", "flux-system", "shop").status.lastAppliedRevision).toBe(
      `main@sha1:${head}`,
    );
    const done = await approveFromSlack(h, atGate);
    expect(done.status).toBe("succeeded");
  });

  it("a HelmRelease not Ready at the commit fails the run with Flux's message; the card's rollback is a revert commit Flux applies", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "fluxbad", "v2");
    await h.waitForRun(run.id, (r) => (r.steps[2]?.polls ?? 0) > 0 || r.status === "failed");
    const deployCommit = await repo.head();
    await h.fake.waitFor(() => imageOf("fluxbad") === image("v2") || undefined);
    sim.deployments.step("fluxbad", "web");
    sim.deployments.exceedProgressDeadline("fluxbad", "web");
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[2]?.message).toBe(
      `rollout failed: HelmRelease shop is not Ready at ${deployCommit.slice(0, 12)} (UpgradeFailed: health check failed after 5m0s: failed early due to stalled resources: [Deployment/fluxbad/web status: 'Failed'])`,
    );
    expect(failed.steps.slice(3).map((s) => s.status)).toEqual(["skipped", "skipped"]);
    const card = await cardOfFailedRun(h, failed);
    expect(text(card)).toContain("The deploy can be rolled back to *v1*");

    stepping.add("fluxbad");
    const rolledBack = await rollBackFromCard(h, failed, card);
    expect(rolledBack.rollback).toMatchObject({ status: "succeeded", toVersion: "v1" });
    const revert = await repo.head();
    expect((await repo.log())[0]).toContain(`This reverts commit ${deployCommit}.`);
    expect(await repo.show("main", VALUES_FILE)).toBe(values("v1"));
    expect(imageOf("fluxbad")).toBe(image("v1"));
    const release = sim.flux.get("HelmRelease", "fluxbad", "shop");
    expect(release.status.history?.[0]).toMatchObject({
      chartVersion: `0.1.0+${revert.slice(0, 12)}`,
      status: "deployed",
    });
    expect(release.status.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
  });

  it("an unknown Kustomization fails the deploy naming it; nothing is committed, no rollback offered", {
    timeout: 60_000,
  }, async () => {
    const before = await repo.head();
    const run = await startFromSlack(h, "fluxnone", "v3");
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[1]?.message).toBe(
      "deploy of v3 failed: Flux has no Kustomization flux-system/shopp (kustomize.toolkit.fluxcd.io/v1): check deployer.resource",
    );
    expect(failed.steps.slice(2).map((s) => s.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect(await repo.head()).toBe(before);
    expect(text(await cardOfFailedRun(h, failed))).not.toContain("The deploy can be rolled back");
  });
});
