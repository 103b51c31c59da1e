import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { kubernetesApiSchema } from "../../src/config/kubernetes-schema.js";
import { createKubernetesClient } from "../../src/kubernetes/create-client.js";
import { deploymentPath } from "../../src/kubernetes/paths.js";
import { deploymentSchema } from "../../src/kubernetes/resources.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { adapters, image, namespace, release, seedShop } from "./setup.js";

let sim: KubeSim;
let scratch: string;
beforeEach(async () => {
  sim = await startKubeSim();
  seedShop(sim);
  scratch = await mkdtemp(path.join(tmpdir(), "kube-client-"));
});
afterEach(async () => {
  await sim.close();
  await rm(scratch, { recursive: true, force: true });
});

const statuses = (method: string) => sim.requests.filter((r) => r.method === method).map((r) => r.status);

describe("Kubernetes API client", () => {
  it("retries 5xx answers with backoff and carries on", async () => {
    sim.faults.failNext(2, { verb: "patch", resource: "deployments" }, 503);
    const { deployer } = adapters(sim, { deployments: ["web"] });

    expect((await deployer.deploy(release("v42"))).message).toBe(`patched web to ${image("v42")}`);
    expect(statuses("PATCH")).toEqual([503, 503, 200]);
  });

  it("retries a request that got no answer in time", async () => {
    sim.faults.delayNext(1, 1500, { verb: "get", resource: "deployments" });
    const { watcher } = adapters(sim, {
      deployments: ["web"],
      api: { ...sim.api(), requestTimeoutSeconds: 0.3 },
    });

    expect((await watcher.check(release("v41"))).done).toBe(true);
    expect(sim.requests.filter((r) => r.verb === "get").length).toBe(2);
  });

  it("gives up after the configured attempts with what it tried and the last problem", async () => {
    sim.faults.failNext(3, { resource: "deployments" });
    const { deployer } = adapters(sim, { api: { ...sim.api(), attempts: 3 } });

    await expect(deployer.deploy(release("v42"))).rejects.toThrow(
      `the Kubernetes API at ${sim.url} (${sim.url}) failed to get deployments 3 times ` +
        "(last: HTTP 500: " +
        '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"simulated server error"',
    );
    expect(statuses("PATCH")).toEqual([]);
  });

  it("names the RBAC rule to add when the API answers 403, without retrying", async () => {
    sim.faults.forbid({ verb: "patch", resource: "deployments" });
    const { deployer } = adapters(sim, { deployments: ["web"] });

    await expect(deployer.deploy(release("v42"))).rejects.toThrow(
      'the Kubernetes API forbids phasegate to patch deployments "web" in namespace "shop" (403): ' +
        'add the rule {apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"]} to the Role bound to ' +
        'phasegate\'s service account in namespace "shop" (see manifests/kubernetes/app-namespace/rbac.yaml); ' +
        'the API said: deployments.apps "web" is forbidden: User "system:serviceaccount:shop:phasegate" cannot patch resource "deployments" in API group "apps" in the namespace "shop"',
    );
    expect(statuses("PATCH")).toEqual([403]);
  });

  it("says to check the token when the API answers 401", async () => {
    const tokenFile = path.join(scratch, "stale-token");
    await writeFile(tokenFile, "not-the-token\n");
    const { watcher } = adapters(sim, { deployments: ["web"], api: { ...sim.api(), tokenFile } });

    await expect(watcher.check(release("v41"))).rejects.toThrow(
      'the Kubernetes API refused the credentials (401) to get deployments "web" in namespace "shop": ' +
        "check the token (api.tokenFile, the kubeconfig user, or the pod's service account)",
    );
  });

  it("reads a rotated token on the next request", async () => {
    const tokenFile = path.join(scratch, "token");
    await writeFile(tokenFile, "expired\n");
    const { watcher } = adapters(sim, {
      deployments: ["web"],
      api: { ...sim.api(), tokenFile, attempts: 1 },
    });
    await expect(watcher.check(release("v41"))).rejects.toThrow(/401/);

    await writeFile(tokenFile, await readFile(sim.tokenFile, "utf8"));
    expect((await watcher.check(release("v41"))).done).toBe(true);
  });

  it("connects with a kubeconfig file and its context", async () => {
    const token = (await readFile(sim.tokenFile, "utf8")).trim();
    const kubeconfig = path.join(scratch, "config");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "current-context: elsewhere",
        "clusters:",
        `- {name: sim, cluster: {server: "${sim.url}/"}}`,
        "- {name: other, cluster: {server: 'http://127.0.0.1:1'}}",
        "users:",
        `- {name: bot, user: {token: ${token}}}`,
        "contexts:",
        "- {name: sim, context: {cluster: sim, user: bot}}",
        "- {name: elsewhere, context: {cluster: other, user: bot}}",
      ].join("\n"),
    );
    const { watcher } = adapters(sim, { deployments: ["web"], api: { kubeconfig, context: "sim" } });

    expect((await watcher.check(release("v41"))).done).toBe(true);
  });

  it("refuses an auth-provider user and an exec section without apiVersion, saying what to use instead", async () => {
    const kubeconfig = path.join(scratch, "config");
    const withUser = (user: string) =>
      writeFile(
        kubeconfig,
        [
          "current-context: eks",
          `clusters: [{name: eks, cluster: {server: "${sim.url}"}}]`,
          `users: [{name: aws, user: ${user}}]`,
          "contexts: [{name: eks, context: {cluster: eks, user: aws}}]",
        ].join("\n"),
      );
    const check = () =>
      adapters(sim, { deployments: ["web"], api: { kubeconfig } }).watcher.check(release("v41"));

    await withUser("{auth-provider: {name: gcp}}");
    await expect(check()).rejects.toThrow(
      'user "aws" authenticates with an auth-provider plugin, which kubectl itself dropped; ' +
        "switch it to the exec plugin of your cloud (gke-gcloud-auth-plugin, kubelogin, aws eks get-token)",
    );
    await withUser("{exec: {command: aws}}");
    await expect(check()).rejects.toThrow(
      "users.0.user.exec.apiVersion: apiVersion must be one of client.authentication.k8s.io/v1, client.authentication.k8s.io/v1beta1",
    );
  });

  it("outside a pod and without an api section, says how to configure one", async () => {
    const client = createKubernetesClient(undefined, { baseDir: scratch, env: {} });
    await expect(
      client.json({ method: "GET", path: deploymentPath(namespace, "web") }, deploymentSchema),
    ).rejects.toThrow(
      "no Kubernetes API configured and not running in a pod (KUBERNETES_SERVICE_HOST is not set): " +
        "set api.kubeconfig (and api.context) or api.url with api.tokenFile in the services file",
    );
  });

  it("rejects an answer that is not the object asked for, naming the field", async () => {
    const client = createKubernetesClient(kubernetesApiSchema.parse(sim.api()), {
      baseDir: scratch,
      env: {},
    });
    await expect(
      client.json({ method: "GET", path: "/apis/batch/v1/namespaces/shop/jobs/nope" }, deploymentSchema),
    ).rejects.toThrow('jobs "nope" not found in namespace "shop"');
    await expect(
      client.json({ method: "GET", path: "/api/v1/namespaces/shop/pods" }, deploymentSchema),
    ).rejects.toThrow(
      /^unexpected answer from the Kubernetes API to GET \/api\/v1\/namespaces\/shop\/pods: metadata.name: /,
    );
    await client.close();
  });
});
