import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";
import { image } from "./setup.js";
import {
  approveFromSlack,
  cardOf,
  kubernetesKeys,
  reachGate,
  rollBackFromCard,
  rollbackValue,
  runControllers,
  startFromSlack,
  text,
} from "./workloads-slack.js";

let sim: KubeSim;
let h: SlackHarness;
let stopControllers: () => void;

const STS = ["stsok", "stsbad"];
const ARGO = ["argook", "argobad"];

beforeAll(async () => {
  sim = await startKubeSim();
  for (const ns of STS) sim.statefulSets.add({ namespace: ns, name: "db", image: image("v1"), replicas: 3 });
  for (const ns of ARGO)
    sim.argoRollouts.add({ namespace: ns, name: "web", image: image("v1"), replicas: 2 });
  sim.statefulSets.breakImage(image("v2-broken"));
  stopControllers = runControllers([
    ...STS.map((ns) => () => sim.statefulSets.step(ns, "db")),
    ...ARGO.map((ns) => () => sim.argoRollouts.step(ns, "web")),
  ]);
  h = await startSlackHarness("k8sworkloads", {
    withWorker: true,
    extraServices: {
      stsok: { keys: kubernetesKeys(sim, "stsok", { statefulSets: ["db"] }) },
      stsbad: { keys: kubernetesKeys(sim, "stsbad", { statefulSets: ["db"] }, { deadlineSeconds: 4 }) },
      argook: { keys: kubernetesKeys(sim, "argook", { rollouts: ["web"] }) },
      argobad: { keys: kubernetesKeys(sim, "argobad", { rollouts: ["web"] }) },
    },
  });
}, 60_000);

afterAll(async () => {
  stopControllers?.();
  await h?.close();
  await sim?.close();
});

const podImages = (pods: { spec: { containers: { image: string }[] } }[]) =>
  pods.map((p) => p.spec.containers[0]?.image).sort();

describe("full runs on StatefulSets (simulator) driven from Slack", () => {
  it("patches the StatefulSet, waits until kubectl would call it rolled out and every pod runs v2, then contracts", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "stsok", "v2");
    expect(run.previousRelease).toMatchObject({ version: "v1", images: { db: image("v1") } });
    const atGate = await reachGate(h, run);
    expect(atGate.steps[1]?.message).toBe(`patched db to ${image("v2")}`);
    expect(atGate.steps[2]?.message).toBe(`db rolled out: every pod runs ${image("v2")}`);
    expect(podImages(sim.statefulSets.pods("stsok", "db"))).toEqual(Array(3).fill(image("v2")));
    const done = await approveFromSlack(h, atGate);
    expect(done.status).toBe("succeeded");
    expect(text(await cardOf(h, done))).toContain("Apply 1 contract migration");
  });

  it("a release whose pods never get ready fails at the rollout deadline, before the contract; the card's rollback brings v1 back", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "stsbad", "v2-broken");
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[2]?.status).toBe("failed");
    expect(failed.steps[2]?.message).toContain("Waiting for 1 pods to be ready...");
    expect(failed.steps.slice(3).map((s) => s.status)).toEqual(["skipped", "skipped"]);
    const card = await cardOf(h, failed);
    expect(text(card)).toContain("The deploy can be rolled back to *v1*");

    const clicked = rollBackFromCard(h, failed, card);
    // A forced rollback, as Kubernetes documents it: the template is set back, then the operator deletes the
    // pod stuck on the broken revision (the controller waits for it to get ready forever otherwise).
    await h.waitForRun(run.id, (r) => r.rollback?.phase === "waiting-rollout");
    expect(sim.statefulSets.get("stsbad", "db").spec.template.spec.containers[0]?.image).toBe(image("v1"));
    sim.statefulSets.deletePod("stsbad", "db-2");
    const rolledBack = await clicked;
    expect(rolledBack.rollback).toMatchObject({ status: "succeeded", toVersion: "v1" });
    expect(podImages(sim.statefulSets.pods("stsbad", "db"))).toEqual(Array(3).fill(image("v1")));
  });
});

describe("full runs on Argo Rollouts (simulator) driven from Slack", () => {
  it("the canary pauses: the card says it waits for promotion; once a human promotes it, the gate and the contract follow", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "argook", "v2");
    const paused = await h.waitForRun(run.id, (r) => r.steps[2]?.message?.includes("Paused") ?? false);
    expect(paused.steps[2]?.message).toBe(
      'rollout "web": Paused - CanaryPauseStep: waiting for promotion (kubectl argo rollouts promote web -n argook); phasegate does not promote',
    );
    expect(text(await cardOf(h, paused))).toContain("waiting for promotion");
    // Half the pods run the canary; phasegate waits however long the pause lasts.
    expect(podImages(sim.argoRollouts.pods("argook", "web"))).toEqual([
      image("v1"),
      image("v1"),
      image("v2"),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await h.run(run.id)).status).toBe("waiting-rollout");

    sim.argoRollouts.promote("argook", "web");
    const atGate = await reachGate(h, run);
    expect(atGate.steps[2]?.message).toBe(`web rolled out: every pod runs ${image("v2")}`);
    expect(sim.argoRollouts.get("argook", "web").status.phase).toBe("Healthy");
    const done = await approveFromSlack(h, atGate);
    expect(done.status).toBe("succeeded");
  });

  it("an aborted canary fails the run with the Rollout's message, before the contract; the rollback sets the stable image back", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "argobad", "v2");
    await h.waitForRun(run.id, (r) => r.steps[2]?.message?.includes("Paused") ?? false);
    sim.argoRollouts.abort("argobad", "web");
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[2]?.message).toBe(
      'rollout failed: rollout "web" is in a degraded state with message: RolloutAborted: Rollout aborted update to revision 2',
    );
    expect(failed.steps.slice(3).map((s) => s.status)).toEqual(["skipped", "skipped"]);
    const card = await cardOf(h, failed);
    expect(rollbackValue(card)).toBeDefined();

    const rolledBack = await rollBackFromCard(h, failed, card);
    expect(rolledBack.rollback).toMatchObject({ status: "succeeded", toVersion: "v1" });
    const rollout = sim.argoRollouts.get("argobad", "web");
    expect(rollout.spec.template.spec.containers[0]?.image).toBe(image("v1"));
    expect(rollout.status.phase).toBe("Healthy");
    expect(podImages(sim.argoRollouts.pods("argobad", "web"))).toEqual([image("v1"), image("v1")]);
  });
});
