import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { kubernetesDeployerSchema, kubernetesRolloutSchema } from "../../src/config/kubernetes-schema.js";
import { kubernetesDeployer, kubernetesRolloutWatcher } from "../../src/kubernetes/adapters.js";
import { requestAttributes } from "../../src/kubernetes/request-attributes.js";
import { ruleAllows } from "../../testkit/kube-sim/faults.js";
import { type KubeSim, type RbacRule, startKubeSim } from "../../testkit/kube-sim/index.js";
import { loadBotRbac, loadRbac } from "./rbac-manifest.js";
import { agePods, runJob, watchRollout } from "./scenario.js";
import { adapters, image, imageTemplate, namespace, release, seedShop } from "./setup.js";

/** One release through every Kubernetes adapter: expand Job, image patch, rollout, contract Job, and a Job whose image is missing. */
async function fullScenario(sim: KubeSim) {
  const { executor, deployer, watcher } = adapters(sim, { container: "app" });
  const job = (key: string, script: string, version = "v42") => ({
    key,
    argv: ["sh", "-c", script],
    timeoutMs: 60_000,
    version,
  });
  const expand = await runJob(sim, executor, job("shop-1-s0", "echo expand"));
  await deployer.deploy(release("v42"));
  const rollout = await watchRollout(sim, watcher, release("v42"), ["web", "worker"]);
  const contract = await runJob(sim, executor, job("shop-1-s3", "echo contract; exit 4"));
  sim.jobs.missingImages.add(image("v404"));
  const unpulled = job("shop-2-s0", "echo never", "v404");
  await executor.execute(unpulled);
  agePods(sim, unpulled.key, 3600);
  const abandoned = await runJob(sim, executor, unpulled);
  const otherKinds = await otherWorkloads(sim);
  return { expand, rollout, contract, abandoned, otherKinds };
}

/**
 * The other workload kinds through the same adapters: a StatefulSet, a DaemonSet and an Argo Rollout deployed and
 * watched until rolled out, then a next release halted by a cancel (the Rollout aborted through rollouts/status).
 */
async function otherWorkloads(sim: KubeSim) {
  sim.statefulSets.add({ namespace, name: "db", image: image("v41") });
  sim.daemonSets.add({ namespace, name: "agent", image: image("v41") });
  sim.argoRollouts.add({ namespace, name: "canary", image: image("v41"), steps: [] });
  const section = {
    kind: "kubernetes",
    namespace,
    image: imageTemplate,
    api: sim.api(),
    container: "app",
    statefulSets: ["db"],
    daemonSets: ["agent"],
    rollouts: ["canary"],
  };
  const context = { service: "shop", baseDir: process.cwd() };
  const deployer = kubernetesDeployer(kubernetesDeployerSchema.parse(section), context);
  const watcher = kubernetesRolloutWatcher(kubernetesRolloutSchema.parse(section), context);
  await deployer.deploy(release("v42"));
  sim.statefulSets.rollOut(namespace, "db");
  sim.daemonSets.rollOut(namespace, "agent");
  sim.argoRollouts.rollOut(namespace, "canary");
  const rolledOut = await watcher.check(release("v42"));
  await deployer.deploy(release("v43"));
  const halted = await deployer.halt({ runId: "run-2", service: "shop", version: "v43" });
  return { rolledOut, halted };
}

let sim: KubeSim;
beforeEach(async () => {
  sim = await startKubeSim();
  seedShop(sim);
});
afterEach(() => sim.close());

const permissions = (rules: RbacRule[]) =>
  rules.flatMap((r) =>
    r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g}/${res}`))),
  );

describe("manifests/kubernetes/app-namespace/rbac.yaml", () => {
  it("binds the Role phasegate, in the managed namespace, to the worker's ServiceAccount in its own namespace", async () => {
    const [account, , binding, kustomization] = await loadRbac();
    expect(kustomization.resources).toEqual(["rbac.yaml", "rbac-bot.yaml"]);
    expect(kustomization.namespace).not.toBe(account.metadata.namespace);
    expect(binding.subjects[0].namespace).toBe(account.metadata.namespace);
  });

  it("allows every call the adapters make in a full release, and nothing they do not make", async () => {
    const [, role] = await loadRbac();
    const outcome = await fullScenario(sim);
    expect(outcome.expand.stdout).toBe("expand\n");
    expect(outcome.rollout.final.done).toBe(true);
    expect(outcome.contract.exitCode).toBe(4);
    expect(outcome.abandoned.timedOut).toBe(true);
    expect(outcome.otherKinds.rolledOut.done).toBe(true);
    expect(outcome.otherKinds.halted.message).toContain('aborted rollout "canary"');

    const made = sim.requests.map((r) => {
      const attributes = requestAttributes(r.method, r.path);
      // The simulator routes by its own table: both must see the same RBAC attributes.
      expect({ verb: r.verb, apiGroup: r.apiGroup, resource: r.resource }).toEqual({
        verb: attributes.verb,
        apiGroup: attributes.apiGroup,
        resource: attributes.resource,
      });
      return { ...attributes, method: r.method };
    });
    const refused = made.filter((a) => !role.rules.some((rule) => ruleAllows(rule, a)));
    expect(refused.map((a) => `${a.verb} ${a.apiGroup}/${a.resource}`)).toEqual([]);

    const used = new Set(made.map((a) => `${a.verb} ${a.apiGroup}/${a.resource}`));
    expect(permissions(role.rules).filter((p) => !used.has(p))).toEqual([]);
  });

  it("is enough when the simulator enforces it", async () => {
    const [, role] = await loadRbac();
    sim.faults.enforceRole(role.rules);

    const outcome = await fullScenario(sim);
    expect(outcome.rollout.final.done).toBe(true);
    expect(outcome.otherKinds.halted.message).toContain('aborted rollout "canary"');
    expect(sim.requests.filter((r) => r.status === 403)).toEqual([]);
  });

  it("without a rule, the adapter's error names the rule to add", async () => {
    const [, role] = await loadRbac();
    const withoutLogs = role.rules.filter((r) => !r.resources.includes("pods/log"));
    sim.faults.enforceRole(withoutLogs);
    const { executor } = adapters(sim);

    await expect(
      runJob(sim, executor, { key: "shop-2-s0", argv: ["true"], timeoutMs: 60_000, version: "v42" }),
    ).rejects.toThrow(
      /^the Kubernetes API forbids phasegate to get pods\/log "phasegate-shop-2-s0-\w+-\w{5}" in namespace "shop" \(403\): add the rule \{apiGroups: \[""\], resources: \["pods\/log"\], verbs: \["get"\]\} to the Role bound to phasegate's service account in namespace "shop" \(see manifests\/kubernetes\/app-namespace\/rbac.yaml\)/,
    );
  });
});

describe("manifests/kubernetes/app-namespace/rbac-bot.yaml", () => {
  it("binds the Role phasegate-bot to the bot's ServiceAccount in phasegate's namespace", async () => {
    const [account, , binding, kustomization] = await loadBotRbac();
    expect(kustomization.namespace).not.toBe(account.metadata.namespace);
    expect(binding.subjects[0].namespace).toBe(account.metadata.namespace);
  });

  it("allows every call an introspection Job makes, and nothing else: no workload can be changed", async () => {
    const [, role] = await loadBotRbac();
    sim.faults.enforceRole(role.rules);
    const { executor, deployer } = adapters(sim, { container: "app" });
    const introspection = await runJob(sim, executor, {
      key: "shop-introspect-v42-1",
      argv: ["sh", "-c", "echo '{}'"],
      timeoutMs: 60_000,
      version: "v42",
    });
    expect(introspection.stdout).toBe("{}\n");
    sim.jobs.missingImages.add(image("v404"));
    const unpulled = { key: "shop-introspect-v404-1", argv: ["true"], timeoutMs: 60_000, version: "v404" };
    await executor.execute(unpulled);
    agePods(sim, unpulled.key, 3600);
    expect((await runJob(sim, executor, unpulled)).timedOut).toBe(true);
    const used = new Set(
      sim.requests
        .filter((r) => r.status !== 403)
        .map((r) => {
          const a = requestAttributes(r.method, r.path);
          return `${a.verb} ${a.apiGroup}/${a.resource}`;
        }),
    );
    expect(permissions(role.rules).filter((p) => !used.has(p))).toEqual([]);

    await expect(deployer.deploy(release("v42"))).rejects.toThrow(/forbids phasegate to get deployments/);
    expect(sim.requests.filter((r) => r.status === 403).map((r) => r.resource)).toEqual(["deployments"]);
  });
});
