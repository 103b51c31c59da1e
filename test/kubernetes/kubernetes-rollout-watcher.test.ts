import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deploymentRolloutStatus } from "../../src/kubernetes/rollout-status.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { adapters, image, namespace, release, seedShop } from "./setup.js";

let sim: KubeSim;
beforeEach(async () => {
  sim = await startKubeSim();
  seedShop(sim);
});
afterEach(() => sim.close());

describe("KubernetesRolloutWatcher", () => {
  it("is done only when every listed Deployment has rolled out", async () => {
    const { deployer, watcher } = adapters(sim);
    await deployer.deploy(release("v42"));

    expect(await watcher.check(release("v42"))).toEqual({
      done: false,
      failed: false,
      message:
        "Waiting for deployment spec update to be observed...; Waiting for deployment spec update to be observed...",
    });

    sim.deployments.step(namespace, "web");
    sim.deployments.step(namespace, "web");
    expect((await watcher.check(release("v42"))).message).toContain(
      'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
    );

    sim.deployments.rollOut(namespace, "web");
    const halfway = await watcher.check(release("v42"));
    expect(halfway.done).toBe(false);
    expect(halfway.message).toBe("Waiting for deployment spec update to be observed...");

    sim.deployments.rollOut(namespace, "worker");
    expect(await watcher.check(release("v42"))).toEqual({
      done: true,
      failed: false,
      message: `web, worker rolled out: every pod runs ${image("v42")}`,
    });
  });

  it("reports each stage of a rolling update the way kubectl does", async () => {
    const { deployer, watcher } = adapters(sim, { deployments: ["web"] });
    await deployer.deploy(release("v42"));
    const seen: string[] = [];
    let status = await watcher.check(release("v42"));
    while (!status.done) {
      if (seen.at(-1) !== status.message) seen.push(status.message);
      sim.deployments.step(namespace, "web");
      status = await watcher.check(release("v42"));
    }
    expect(seen).toEqual([
      "Waiting for deployment spec update to be observed...",
      'Waiting for deployment "web" rollout to finish: 0 out of 2 new replicas have been updated...',
      'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
    ]);
  });

  it("with a container to check, waits until old pods have finished terminating", async () => {
    const { deployer, watcher } = adapters(sim, { deployments: ["web"], container: "app" });
    await deployer.deploy(release("v42"));
    let grace = await watcher.check(release("v42"));
    for (let step = 0; step < 20 && !grace.message.includes("terminating"); step++) {
      sim.deployments.step(namespace, "web");
      grace = await watcher.check(release("v42"));
    }
    // kubectl would call this done: the Deployment's counters no longer include the terminating pod.
    expect(deploymentRolloutStatus(sim.deployments.get(namespace, "web")).done).toBe(true);
    expect(grace.done).toBe(false);
    expect(grace.message).toMatch(
      /deployment "web": 1 running pod\(s\) not on .*v42 yet \(web-\S+ runs .*v41, terminating\)/,
    );

    sim.deployments.rollOut(namespace, "web");
    expect((await watcher.check(release("v42"))).done).toBe(true);
  });

  it("does not count the rollout of another change", async () => {
    const { deployer, watcher } = adapters(sim, { deployments: ["web"], container: "app" });
    await deployer.deploy(release("v42"));
    sim.deployments.setImage(namespace, "web", "app", image("v43"));
    sim.deployments.rollOut(namespace, "web");

    expect(await watcher.check(release("v42"))).toEqual({
      done: false,
      failed: false,
      message: `deployment "web" is set to ${image("v43")}, not the release ${image("v42")}: was it changed by someone else?`,
    });
  });

  it("without a container to check, follows the Deployment status alone", async () => {
    const { watcher } = adapters(sim, { deployments: ["web"] });
    // Nothing deployed: the status of the old rollout is done, and that is all kubectl would look at.
    expect((await watcher.check(release("v42"))).done).toBe(true);
  });

  it("says when a Deployment is paused, and carries on once it is resumed", async () => {
    const { deployer, watcher } = adapters(sim, { deployments: ["web"] });
    sim.deployments.get(namespace, "web").spec.paused = true;
    await deployer.deploy(release("v42"));
    sim.deployments.rollOut(namespace, "web");

    expect(await watcher.check(release("v42"))).toEqual({
      done: false,
      failed: false,
      message:
        'deployment "web" is paused, so its rollout does not progress: kubectl rollout resume deployment/web -n shop',
    });
    sim.deployments.get(namespace, "web").spec.paused = false;
    sim.deployments.rollOut(namespace, "web");
    expect((await watcher.check(release("v42"))).done).toBe(true);
  });

  it("fails when a Deployment exceeded its progress deadline", async () => {
    const { deployer, watcher } = adapters(sim);
    await deployer.deploy(release("v42"));
    sim.deployments.step(namespace, "web");
    sim.deployments.step(namespace, "worker");
    sim.deployments.exceedProgressDeadline(namespace, "worker");

    expect(await watcher.check(release("v42"))).toEqual({
      done: false,
      failed: true,
      message: 'deployment "worker" exceeded its progress deadline',
    });
  });
});
