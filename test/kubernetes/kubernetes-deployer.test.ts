import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { kubernetesDeployerSchema } from "../../src/config/kubernetes-schema.js";
import { kubernetesDeployer } from "../../src/kubernetes/adapters.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { adapters, image, imageTemplate, namespace, release, seedShop } from "./setup.js";

let sim: KubeSim;
beforeEach(async () => {
  sim = await startKubeSim();
  seedShop(sim);
});
afterEach(() => sim.close());

const patches = () => sim.requests.filter((r) => r.method === "PATCH");

describe("KubernetesDeployer", () => {
  it("sets the release image on every listed Deployment with a strategic-merge patch", async () => {
    const { deployer } = adapters(sim);
    const outcome = await deployer.deploy(release("v42"));

    expect(outcome.message).toBe(`patched web, worker to ${image("v42")}`);
    for (const name of ["web", "worker"]) {
      const deployment = sim.deployments.get(namespace, name);
      expect(deployment.spec.template.spec.containers[0]?.image).toBe(image("v42"));
      expect(deployment.metadata.generation).toBe(2);
    }
    expect(patches().map((r) => [r.path, r.contentType, r.status])).toEqual([
      ["/apis/apps/v1/namespaces/shop/deployments/web", "application/strategic-merge-patch+json", 200],
      ["/apis/apps/v1/namespaces/shop/deployments/worker", "application/strategic-merge-patch+json", 200],
    ]);
  });

  it("is idempotent: deploying the same release again changes nothing", async () => {
    const { deployer } = adapters(sim);
    await deployer.deploy(release("v42"));
    const again = await deployer.deploy(release("v42"));

    expect(again.message).toBe(`web, worker already on ${image("v42")}`);
    expect(patches()).toHaveLength(2);
    expect(sim.deployments.get(namespace, "web").metadata.generation).toBe(2);
  });

  it("patches only the named container and leaves sidecars alone", async () => {
    sim.deployments.add({
      namespace,
      name: "api",
      image: image("v41"),
      sidecars: [{ name: "proxy", image: "envoy:1.30" }],
    });
    const { deployer } = adapters(sim, { deployments: ["api"], container: "app" });
    await deployer.deploy(release("v42"));

    expect(sim.deployments.get(namespace, "api").spec.template.spec.containers).toEqual([
      { name: "app", image: image("v42") },
      { name: "proxy", image: "envoy:1.30" },
    ]);
  });

  it("asks to name the container when a Deployment has several", async () => {
    sim.deployments.add({
      namespace,
      name: "api",
      image: image("v41"),
      sidecars: [{ name: "proxy", image: "envoy" }],
    });
    const { deployer } = adapters(sim, { deployments: ["api"] });

    await expect(deployer.deploy(release("v42"))).rejects.toThrow(
      'deployment "api" has several containers (app, proxy): name the one running the service with container: in the services file',
    );
    expect(patches()).toHaveLength(0);
  });

  it("says which Deployment does not exist", async () => {
    const { deployer } = adapters(sim, { deployments: ["web", "frontend"] });
    await expect(deployer.deploy(release("v42"))).rejects.toThrow(
      'deployments "frontend" not found in namespace "shop": check the name and namespace in the services file',
    );
  });

  it("halts what Kubernetes can: a Deployment still rolling out is paused; a finished one, a StatefulSet and a DaemonSet are left going", async () => {
    sim.statefulSets.add({ namespace, name: "db", image: image("v41"), replicas: 3 });
    sim.daemonSets.add({ namespace, name: "agent", image: image("v41") });
    const deployer = kubernetesDeployer(
      kubernetesDeployerSchema.parse({
        kind: "kubernetes",
        namespace,
        image: imageTemplate,
        api: sim.api(),
        deployments: ["web", "worker"],
        statefulSets: ["db"],
        daemonSets: ["agent"],
      }),
      { service: "shop", baseDir: process.cwd() },
    );
    await deployer.deploy(release("v42"));
    sim.deployments.rollOut(namespace, "worker");
    sim.statefulSets.step(namespace, "db");
    sim.daemonSets.step(namespace, "agent");
    const before = patches().length;

    const halted = await deployer.halt({ runId: "run-1", service: "shop", version: "v42" });

    expect(halted.message.split("; ")).toEqual([
      'paused deployment "web" where it stood (Waiting for deployment spec update to be observed...)',
      "rolling back resumes it, or `kubectl rollout resume deployment/web -n shop` lets it go on",
      'deployment "worker" had finished rolling out',
      'statefulset "db" cannot be paused (`kubectl rollout pause` supports Deployments only): its rolling update goes on (Waiting for partitioned roll out to finish: 0 out of 3 new pods have been updated...)',
      `to hold it, raise its partition: \`kubectl patch statefulset/db -n shop -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":3}}}}'\``,
      'daemonset "agent" cannot be paused (`kubectl rollout pause` supports Deployments only): its rolling update goes on (Waiting for daemon set "agent" rollout to finish: 0 out of 3 new pods have been updated...)',
    ]);
    expect(
      patches()
        .slice(before)
        .map((r) => r.path),
    ).toEqual(["/apis/apps/v1/namespaces/shop/deployments/web"]);
    expect(sim.deployments.get(namespace, "web").spec.paused).toBe(true);
    expect(sim.deployments.get(namespace, "worker").spec.paused).toBeUndefined();

    // Its rollback resumes the Deployment phasegate paused; one paused by someone else would stay paused.
    await deployer.deploy({ ...release("v41"), rollback: { number: 1 } });
    expect(sim.deployments.get(namespace, "web").spec.paused).toBe(false);
  });
});
