import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgoCdStandIn } from "../../testkit/argocd/server.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";
import { cardOfFailedRun } from "../gitops/rollback-card.js";
import { image } from "../kubernetes/setup.js";
import {
  approveFromSlack,
  cardOf,
  kubernetesKeys,
  reachGate,
  rollBackFromCard,
  runControllers,
  startFromSlack,
  text,
} from "../kubernetes/workloads-slack.js";

const SERVICES = ["argook", "argobad"];
const REPOSITORY = "registry.example.com/shop";

let sim: KubeSim;
let argo: ArgoCdStandIn;
let h: SlackHarness;
let stopControllers: () => void;
/** argobad's Deployment is stepped only once its failure is set up. */
const stepping = new Set(["argook"]);

beforeAll(async () => {
  sim = await startKubeSim();
  argo = await ArgoCdStandIn.start(sim);
  for (const ns of SERVICES) sim.deployments.add({ namespace: ns, name: "web", image: image("v1") });
  const source = {
    repoURL: "https://git.example.com/platform/deploy.git",
    path: "shop",
    targetRevision: "main",
  };
  // argook: kustomize images, no automated sync (phasegate asks for the sync).
  argo.add({
    name: "argook",
    source: { ...source, kustomize: { images: [`${REPOSITORY}:v1`] } },
    workload: { namespace: "argook", deployment: "web" },
  });
  // argobad: a Helm source with an image.tag parameter, synced automatically.
  argo.add({
    name: "argobad",
    source: {
      ...source,
      helm: {
        parameters: [
          { name: "replicaCount", value: "2" },
          { name: "image.tag", value: "v1" },
        ],
      },
    },
    automated: true,
    helmImageRepository: REPOSITORY,
    workload: { namespace: "argobad", deployment: "web" },
  });
  stopControllers = runControllers(
    SERVICES.map((ns) => () => stepping.has(ns) && sim.deployments.step(ns, "web")),
  );
  await argo.settled();
  const keys = (ns: string, application: string, place: Record<string, string>) => ({
    deployer: { kind: "argocd", url: argo.url, tokenFile: argo.tokenFile, application, ...place },
    rollout: kubernetesKeys(sim, ns, { deployments: ["web"] }).rollout,
  });
  h = await startSlackHarness("argoparam", {
    withWorker: true,
    extraServices: {
      argook: { keys: keys("argook", "argook", { kustomizeImage: REPOSITORY }) },
      argobad: { keys: keys("argobad", "argobad", { helmParameter: "image.tag" }) },
      // An Application Argo CD does not know (a typo in the services file).
      argonone: { keys: keys("argook", "shop-prod", { kustomizeImage: REPOSITORY }) },
    },
  });
}, 60_000);

afterAll(async () => {
  stopControllers?.();
  await h?.close();
  await argo?.close();
  await sim?.close();
});

const imageOf = (ns: string) => sim.deployments.get(ns, "web").spec.template.spec.containers[0]?.image;

describe("a full run with the argocd deployer in parameter mode (Argo CD stand-in, simulator) driven from Slack", () => {
  it("sets the kustomize image, asks for the sync, waits until Synced and Healthy, gates, contracts", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "argook", "v2");
    expect(run.previousRelease).toEqual({ version: "v1", source: "deployments" });
    const atGate = await reachGate(h, run);
    expect(atGate.steps[1]?.message).toBe(
      `set Application argook's kustomize image ${REPOSITORY} to v2; sync requested (no automated sync policy)`,
    );
    expect(atGate.steps[2]?.message).toBe(
      `argook is Synced to v2 and Healthy; web rolled out: every pod runs ${image("v2")}`,
    );
    expect(argo.get("argook").spec.source.kustomize?.images).toEqual([`${REPOSITORY}:v2`]);
    expect(argo.get("argook").status.operationState?.phase).toBe("Succeeded");
    expect(imageOf("argook")).toBe(image("v2"));
    const done = await approveFromSlack(h, atGate);
    expect(done.status).toBe("succeeded");
  });

  it("a Degraded Application fails the run before the contract; the card's rollback sets the Helm parameter back", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "argobad", "v2");
    expect(run.previousRelease).toEqual({ version: "v1", source: "deployments" });
    await h.waitForRun(run.id, (r) => (r.steps[2]?.polls ?? 0) > 0 || r.status === "failed");
    // The stand-in syncs on its own beat (every 50 ms), maybe after the first poll.
    await expect.poll(() => imageOf("argobad"), { timeout: 30_000 }).toBe(image("v2"));
    sim.deployments.step("argobad", "web");
    sim.deployments.exceedProgressDeadline("argobad", "web");
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[1]?.message).toBe("set Application argobad's Helm parameter image.tag to v2");
    expect(failed.steps[2]?.message).toBe(
      'rollout failed: Argo CD reports argobad Degraded at v2: deployment "web" exceeded its progress deadline',
    );
    expect(failed.steps.slice(3).map((s) => s.status)).toEqual(["skipped", "skipped"]);
    const card = await cardOfFailedRun(h, failed);
    expect(text(card)).toContain("The deploy can be rolled back to *v1*");

    stepping.add("argobad");
    const rolledBack = await rollBackFromCard(h, failed, card);
    expect(rolledBack.rollback).toMatchObject({ status: "succeeded", toVersion: "v1" });
    const trail = (await h.bot.engine.useCases.audit(run.id)) ?? [];
    expect(trail.find((e) => e.action === "rollback-deployed")?.detail).toBe(
      "set Application argobad's Helm parameter image.tag to v1",
    );
    expect(argo.get("argobad").spec.source.helm?.parameters).toEqual([
      { name: "replicaCount", value: "2" },
      { name: "image.tag", value: "v1" },
    ]);
    expect(imageOf("argobad")).toBe(image("v1"));
    expect(argo.get("argobad").status.health.status).toBe("Healthy");
  });

  it("an unknown Application fails the deploy naming it; nothing is deployed, no rollback offered", {
    timeout: 60_000,
  }, async () => {
    const before = argo.get("argook").metadata.resourceVersion;
    const run = await startFromSlack(h, "argonone", "v3");
    expect(run.previousRelease).toBeNull();
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[1]?.message).toBe(
      'deploy of v3 failed: Argo CD has no Application "shop-prod": applications.argoproj.io "shop-prod" not found',
    );
    expect(failed.steps.slice(2).map((s) => s.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect(argo.get("argook").metadata.resourceVersion).toBe(before);
    expect(text(await cardOf(h, failed))).not.toContain("The deploy can be rolled back");
  });
});
