import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { kubernetesApiSchema } from "../../../src/config/kubernetes-schema.js";
import { createKubernetesClient } from "../../../src/kubernetes/create-client.js";
import { deploymentPath } from "../../../src/kubernetes/paths.js";
import { deploymentSchema } from "../../../src/kubernetes/resources.js";
import { proxySettingsFromEnv } from "../../../src/net/proxy/proxy-env.js";
import { slackAgent } from "../../../src/slack/proxy-agent.js";
import { type ConnectProxy, startConnectProxy } from "../../../testkit/connect-proxy.js";
import { type Certificates, makeCertificates } from "../../../testkit/kube-sim/certificates.js";
import { type KubeSim, startKubeSim } from "../../../testkit/kube-sim/index.js";
import { namespace, seedShop } from "../../kubernetes/setup.js";

const USER = "phasegate";
const PASSWORD = "s3cret/with@signs";
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
/** The name the simulator's certificate is for; it is reached at 127.0.0.1. */
const API_NAME = "api.cluster.internal";

let proxy: ConnectProxy;
let sim: KubeSim;
let slack: Server;
let slackUrl: string;
let certificates: Certificates;
let dir: string;

const withCredentials = (password = PASSWORD) =>
  proxy.url.replace("http://", `http://${USER}:${encodeURIComponent(password)}@`);

beforeAll(async () => {
  proxy = await startConnectProxy({ credentials: { user: USER, password: PASSWORD } });
  sim = await startKubeSim({ tls: true, serverNames: [API_NAME] });
  seedShop(sim);
  dir = await mkdtemp(path.join(tmpdir(), "proxy-credentials-"));
  certificates = makeCertificates(dir);
  slack = createServer({ cert: certificates.serverCert, key: certificates.serverKey }, (_, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ ok: true, user_id: "U_PHASEGATE" }));
  });
  slack.listen(0, "127.0.0.1");
  await new Promise((resolve) => slack.once("listening", resolve));
  slackUrl = `https://127.0.0.1:${(slack.address() as AddressInfo).port}/api/`;
});

afterAll(async () => {
  await proxy.close();
  await sim.close();
  slack.closeAllConnections();
  await new Promise((resolve) => slack.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** A kubeconfig for the simulator, its cluster entry extended with `cluster`. */
async function kubeconfig(name: string, cluster: Record<string, unknown>): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(
    file,
    stringify({
      "current-context": "sim",
      clusters: [
        {
          name: "sim",
          cluster: { server: sim.url, "certificate-authority": sim.certificates?.caFile, ...cluster },
        },
      ],
      users: [{ name: "bot", user: { tokenFile: sim.tokenFile } }],
      contexts: [{ name: "sim", context: { cluster: "sim", user: "bot" } }],
    }),
  );
  return file;
}

function getDeployment(api: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const client = createKubernetesClient(kubernetesApiSchema.parse({ attempts: 1, ...api }), {
    baseDir: dir,
    env,
  });
  return client
    .json({ method: "GET", path: deploymentPath(namespace, "web") }, deploymentSchema)
    .finally(() => client.close());
}

describe("proxies that ask for credentials, and the kubeconfig's proxy-url and tls-server-name", () => {
  it("the Slack clients send the proxy URL's user:password as Proxy-Authorization, and are refused without", async () => {
    proxy.authorizations.length = 0;
    const client = (proxyUrl: string) =>
      new WebClient("xoxb-test", {
        slackApiUrl: slackUrl,
        agent: slackAgent(slackUrl, proxySettingsFromEnv({ HTTPS_PROXY: proxyUrl }), { ca: certificates.ca }),
        retryConfig: { retries: 0 },
      });
    expect(await client(withCredentials()).auth.test()).toMatchObject({ ok: true, user_id: "U_PHASEGATE" });
    expect(proxy.authorizations).toEqual([BASIC]);

    await expect(client(proxy.url).auth.test()).rejects.toThrow(
      `the proxy ${proxy.url} refused a tunnel to ${new URL(slackUrl).host}: HTTP 407`,
    );
  });

  it("reaches the cluster through its kubeconfig proxy-url, with credentials, checking tls-server-name", async () => {
    proxy.tunnels.length = 0;
    proxy.authorizations.length = 0;
    sim.requests.length = 0;
    const file = await kubeconfig("named", { "tls-server-name": API_NAME, "proxy-url": withCredentials() });
    // proxy-url is the cluster's own: HTTPS_PROXY and NO_PROXY do not apply to it, as with kubectl.
    const deployment = await getDeployment({ kubeconfig: file }, { NO_PROXY: "*" });
    expect(deployment.metadata.name).toBe("web");
    expect(proxy.tunnels).toEqual([new URL(sim.url).host]);
    expect(proxy.authorizations).toEqual([BASIC]);
    expect(sim.requests.map((r) => r.servername)).toEqual([API_NAME]);
  });

  it("refuses the simulator's certificate without tls-server-name: it is not for 127.0.0.1", async () => {
    const file = await kubeconfig("unnamed", {});
    await expect(getDeployment({ kubeconfig: file })).rejects.toThrow(
      /ERR_TLS_CERT_ALTNAME_INVALID.*tls-server-name/,
    );
    const named = await kubeconfig("direct", { "tls-server-name": API_NAME });
    expect((await getDeployment({ kubeconfig: named })).metadata.name).toBe("web");
  });

  it("says which proxy setting failed without showing its password, and refuses a socks5 proxy-url", async () => {
    const wrong = await kubeconfig("wrong", {
      "tls-server-name": API_NAME,
      "proxy-url": withCredentials("nope"),
    });
    const failure = getDeployment({ kubeconfig: wrong });
    await expect(failure).rejects.toThrow(`through the proxy ${proxy.url} (the kubeconfig's proxy-url)`);
    await expect(failure).rejects.not.toThrow("nope");

    const socks = await kubeconfig("socks", { "proxy-url": "socks5://127.0.0.1:1080" });
    await expect(getDeployment({ kubeconfig: socks })).rejects.toThrow("socks5 is not supported");
  });

  it("the Kubernetes client sends HTTPS_PROXY's credentials, and NO_PROXY's CIDR range sends it direct", async () => {
    proxy.tunnels.length = 0;
    proxy.authorizations.length = 0;
    const file = await kubeconfig("env", { "tls-server-name": API_NAME });
    expect(
      (await getDeployment({ kubeconfig: file }, { HTTPS_PROXY: withCredentials() })).metadata.name,
    ).toBe("web");
    expect(proxy.authorizations).toEqual([BASIC]);
    const direct = await getDeployment(
      { kubeconfig: file },
      { HTTPS_PROXY: withCredentials(), NO_PROXY: "127.0.0.0/8" },
    );
    expect(direct.metadata.name).toBe("web");
    expect(proxy.tunnels).toHaveLength(1);
  });
});
