import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgoCdStandIn } from "../../testkit/argocd/server.js";
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

const SERVICES = ["gitok", "gitbad"];
const overlay = (ns: string) => `overlays/${ns}/kustomization.yaml`;
const kustomization = (tag: string) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: registry.example.com/shop
    newTag: ${tag} # the release phasegate deploys
`;

let sim: KubeSim;
let argo: ArgoCdStandIn;
let repo: GitOpsRepo;
let h: SlackHarness;
let stopControllers: () => void;
const stepping = new Set(["gitok"]);

beforeAll(async () => {
  sim = await startKubeSim();
  argo = await ArgoCdStandIn.start(sim);
  repo = await createGitOpsRepo(Object.fromEntries(SERVICES.map((ns) => [overlay(ns), kustomization("v1")])));
  for (const ns of SERVICES) {
    sim.deployments.add({ namespace: ns, name: "web", image: image("v1") });
    argo.add({
      name: ns,
      source: { repoURL: repo.url, path: `overlays/${ns}`, targetRevision: repo.branch },
      // gitok syncs by itself; gitbad waits for phasegate's sync request.
      automated: ns === "gitok",
      git: { bare: repo.bare, branch: repo.branch, file: overlay(ns) },
      workload: { namespace: ns, deployment: "web" },
    });
  }
  stopControllers = runControllers(
    SERVICES.map((ns) => () => stepping.has(ns) && sim.deployments.step(ns, "web")),
  );
  await argo.settled();
  const keys = (ns: string) => ({
    deployer: {
      kind: "argocd",
      url: argo.url,
      tokenFile: argo.tokenFile,
      application: ns,
      git: { url: repo.url, branch: repo.branch, file: overlay(ns), yamlPath: "images[0].newTag" },
    },
    rollout: kubernetesKeys(sim, ns, { deployments: ["web"] }).rollout,
  });
  h = await startSlackHarness("argogit", {
    withWorker: true,
    extraServices: Object.fromEntries(SERVICES.map((ns) => [ns, { keys: keys(ns) }])),
  });
}, 60_000);

afterAll(async () => {
  stopControllers?.();
  await h?.close();
  await argo?.close();
  await sim?.close();
  await repo?.close();
});

const imageOf = (ns: string) => sim.deployments.get(ns, "web").spec.template.spec.containers[0]?.image;

describe("a full run with the argocd deployer in Git mode (local bare repository, Argo CD stand-in) driven from Slack", () => {
  it("commits the release naming the run, waits until the Application is Synced to a revision with it and Healthy, gates, contracts", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "gitok", "v2");
    expect(run.previousRelease).toEqual({ version: "v1", source: "deployments" });
    const atGate = await reachGate(h, run);
    const head = await repo.head();
    expect(atGate.steps[1]?.message).toBe(
      `committed images[0].newTag=v2 to ${overlay("gitok")} on main as ${head.slice(0, 12)}`,
    );
    expect((await repo.log())[0]).toContain(`Phasegate-Run: ${run.id}`);
    expect(await repo.show("main", overlay("gitok"))).toBe(kustomization("v2"));
    expect(atGate.steps[2]?.message).toBe(
      `gitok is Synced to a revision with ${head.slice(0, 12)} and Healthy; web rolled out: every pod runs ${image("v2")}`,
    );
    expect(argo.get("gitok").status.sync.revision).toBe(head);
    const done = await approveFromSlack(h, atGate);
    expect(done.status).toBe("succeeded");
  });

  it("a Degraded Application fails the run before the contract; the card's rollback is a revert commit Argo CD syncs", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "gitbad", "v2");
    await h.waitForRun(run.id, (r) => (r.steps[2]?.polls ?? 0) > 0 || r.status === "failed");
    const deployCommit = await repo.head();
    expect(imageOf("gitbad")).toBe(image("v2"));
    sim.deployments.step("gitbad", "web");
    sim.deployments.exceedProgressDeadline("gitbad", "web");
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[1]?.message).toBe(
      `committed images[0].newTag=v2 to ${overlay("gitbad")} on main as ${deployCommit.slice(0, 12)}; sync requested (no automated sync policy)`,
    );
    expect(failed.steps[2]?.message).toBe(
      `rollout failed: Argo CD reports gitbad Degraded at a revision with ${deployCommit.slice(0, 12)}: deployment "web" exceeded its progress deadline`,
    );
    expect(failed.steps.slice(3).map((s) => s.status)).toEqual(["skipped", "skipped"]);
    const card = await cardOfFailedRun(h, failed);
    expect(text(card)).toContain("The deploy can be rolled back to *v1*");

    stepping.add("gitbad");
    const rolledBack = await rollBackFromCard(h, failed, card);
    expect(rolledBack.rollback, JSON.stringify(rolledBack.rollback)).toMatchObject({
      status: "succeeded",
      toVersion: "v1",
    });
    const revert = await repo.head();
    const trail = (await h.bot.engine.useCases.audit(run.id)) ?? [];
    expect(trail.find((e) => e.action === "rollback-deployed")?.detail).toBe(
      `reverted ${deployCommit.slice(0, 12)} in ${overlay("gitbad")} on main with ${revert.slice(0, 12)}; sync requested (no automated sync policy)`,
    );
    const [message] = await repo.log();
    expect(message).toContain(`This reverts commit ${deployCommit}.`);
    expect(message).toContain(`Phasegate-Run: ${run.id}`);
    expect(await repo.show("main", overlay("gitbad"))).toBe(kustomization("v1"));
    expect(imageOf("gitbad")).toBe(image("v1"));
    expect(argo.get("gitbad").status).toMatchObject({
      sync: { status: "Synced", revision: revert },
      health: { status: "Healthy" },
    });
  });
});
