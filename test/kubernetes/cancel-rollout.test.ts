import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAUSED_BY } from "../../src/kubernetes/rollout-halt.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { ALICE, type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";
import { image } from "./setup.js";
import {
  cardOf,
  kubernetesKeys,
  rollBackFromCard,
  rollbackValue,
  runControllers,
  startFromSlack,
  text,
} from "./workloads-slack.js";

let sim: KubeSim;
let h: SlackHarness;
const stops: Array<() => void> = [];

beforeAll(async () => {
  sim = await startKubeSim();
  sim.deployments.add({ namespace: "cxdeploy", name: "web", image: image("v1"), replicas: 3 });
  sim.argoRollouts.add({ namespace: "cxargo", name: "web", image: image("v1"), replicas: 2 });
  stops.push(runControllers([() => sim.argoRollouts.step("cxargo", "web")]));
  h = await startSlackHarness("k8scancel", {
    withWorker: true,
    extraServices: {
      cxdeploy: { keys: kubernetesKeys(sim, "cxdeploy", { deployments: ["web"] }) },
      cxargo: { keys: kubernetesKeys(sim, "cxargo", { rollouts: ["web"] }) },
    },
  });
}, 60_000);

afterAll(async () => {
  for (const stop of stops) stop();
  await h?.close();
  await sim?.close();
});

const images = (pods: { spec: { containers: { image: string }[] } }[]) =>
  pods.map((p) => p.spec.containers[0]?.image).sort();

describe("a cancel during the rollout wait stops the rollout where the platform can (simulator, from Slack)", () => {
  it("pauses the Deployment where it stood, says so on the card; the rollback restores v1 and resumes it", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "cxdeploy", "v2");
    await h.waitForRun(run.id, (r) => r.status === "waiting-rollout");
    // The controller acts by hand here: observe, surge one v2 pod, make it ready, retire one v1 pod.
    for (let i = 0; i < 5; i++) sim.deployments.step("cxdeploy", "web");
    expect(images(sim.deployments.pods("cxdeploy", "web"))).toEqual([image("v1"), image("v1"), image("v2")]);
    await h.waitForRun(run.id, (r) => r.steps[2]?.message?.includes("1 out of 3 new replicas") ?? false);

    expect((await h.migrate(`cancel ${run.id}`, ALICE)).text).toContain(`Cancel of ${run.id} recorded`);
    const cancelled = await h.waitForRun(run.id, (r) => r.status === "cancelled");
    expect(cancelled.steps[2]).toMatchObject({ status: "cancelled" });
    expect(cancelled.steps[2]?.message).toBe(
      'stopped by a cancel: paused deployment "web" where it stood (Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...); rolling back resumes it, or `kubectl rollout resume deployment/web -n cxdeploy` lets it go on',
    );
    const deployment = sim.deployments.get("cxdeploy", "web");
    expect(deployment.spec.paused).toBe(true);
    expect(deployment.metadata.annotations?.[PAUSED_BY]).toBe(run.id);
    // Paused: however long the controller runs, the partial state stays.
    for (let i = 0; i < 20; i++) sim.deployments.step("cxdeploy", "web");
    expect(images(sim.deployments.pods("cxdeploy", "web"))).toEqual([image("v1"), image("v1"), image("v2")]);
    expect(sim.deployments.get("cxdeploy", "web").status.conditions).toContainEqual(
      expect.objectContaining({ type: "Progressing", reason: "DeploymentPaused" }),
    );

    const card = await cardOf(h, cancelled);
    expect(text(card)).toContain("Cancelled");
    expect(text(card)).toContain("paused deployment");
    expect(text(card)).toContain("The deploy can be rolled back to *v1*");
    expect(rollbackValue(card)).toBeDefined();

    stops.push(runControllers([() => sim.deployments.step("cxdeploy", "web")]));
    const rolledBack = await rollBackFromCard(h, cancelled, card);
    expect(rolledBack.rollback).toMatchObject({ status: "succeeded", toVersion: "v1" });
    const after = sim.deployments.get("cxdeploy", "web");
    expect(after.spec.template.spec.containers[0]?.image).toBe(image("v1"));
    expect(after.spec.paused).toBe(false);
    expect(after.metadata.annotations?.[PAUSED_BY]).toBeUndefined();
    expect(images(sim.deployments.pods("cxdeploy", "web"))).toEqual(Array(3).fill(image("v1")));
  });

  it("aborts the Argo Rollout paused at its canary step (its canary scaled down); the rollback sets the stable image back", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "cxargo", "v2");
    await h.waitForRun(run.id, (r) => r.steps[2]?.message?.includes("Paused") ?? false);
    expect(images(sim.argoRollouts.pods("cxargo", "web"))).toEqual([image("v1"), image("v1"), image("v2")]);

    await h.migrate(`cancel ${run.id}`, ALICE);
    const cancelled = await h.waitForRun(run.id, (r) => r.status === "cancelled");
    expect(cancelled.steps[2]?.message).toMatch(
      /^stopped by a cancel: aborted rollout "web" \(rollout "web": Paused - CanaryPauseStep: waiting for promotion .*\): Argo Rollouts scales the canary down and the stable pods serve; rolling back sets the stable image back$/,
    );
    // What `kubectl argo rollouts abort` sends: a merge patch of the status subresource.
    expect(
      sim.requests.some(
        (r) =>
          r.method === "PATCH" &&
          r.path === "/apis/argoproj.io/v1alpha1/namespaces/cxargo/rollouts/web/status",
      ),
    ).toBe(true);
    await h.fake.waitFor(() =>
      sim.argoRollouts.get("cxargo", "web").status.phase === "Degraded" &&
      images(sim.argoRollouts.pods("cxargo", "web")).length === 2
        ? true
        : undefined,
    );
    expect(images(sim.argoRollouts.pods("cxargo", "web"))).toEqual([image("v1"), image("v1")]);
    const card = await cardOf(h, cancelled);
    expect(text(card)).toContain("aborted rollout");

    const rolledBack = await rollBackFromCard(h, cancelled, card);
    expect(rolledBack.rollback).toMatchObject({ status: "succeeded", toVersion: "v1" });
    const rollout = sim.argoRollouts.get("cxargo", "web");
    expect(rollout.spec.template.spec.containers[0]?.image).toBe(image("v1"));
    expect([rollout.status.abort, rollout.status.phase]).toEqual([false, "Healthy"]);
  });
});
