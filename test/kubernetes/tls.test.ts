import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { adapters, release, seedShop } from "./setup.js";

let sim: KubeSim;
beforeAll(async () => {
  sim = await startKubeSim({ tls: true });
  seedShop(sim);
});
afterAll(() => sim.close());

const certificates = () => {
  if (!sim.certificates) throw new Error("the simulator was started without TLS");
  return sim.certificates;
};
const check = (api: object) => adapters(sim, { deployments: ["web"], api }).watcher.check(release("v41"));

describe("Kubernetes API over HTTPS", () => {
  it("trusts the server through api.caFile", async () => {
    expect((await check({ ...sim.api(), caFile: certificates().caFile })).done).toBe(true);
  });

  it("refuses an untrusted certificate without retrying, saying to set the CA", async () => {
    await expect(check(sim.api())).rejects.toThrow(
      new RegExp(
        `^phasegate does not trust the certificate of the Kubernetes API at ${sim.url} \\(${sim.url}\\): ` +
          "(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY): .+; " +
          "set api.caFile to the CA that signed it",
      ),
    );
  });

  it("authenticates with a kubeconfig client certificate and its CA", async () => {
    const { ca, clientCertFile, clientKeyFile } = certificates();
    const data = async (file: string) => Buffer.from(await readFile(file)).toString("base64");
    const kubeconfig = path.join(path.dirname(clientCertFile), "kubeconfig");
    await writeFile(
      kubeconfig,
      [
        "current-context: sim",
        `clusters: [{name: sim, cluster: {server: "${sim.url}", certificate-authority-data: ${Buffer.from(ca).toString("base64")}}}]`,
        `users: [{name: bot, user: {client-certificate-data: ${await data(clientCertFile)}, client-key: ${path.basename(clientKeyFile)}}}]`,
        "contexts: [{name: sim, context: {cluster: sim, user: bot}}]",
      ].join("\n"),
    );

    expect((await check({ kubeconfig })).done).toBe(true);
    expect(sim.requests.at(-1)?.status).toBe(200);
  });
});
