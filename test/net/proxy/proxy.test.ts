import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubernetesApiSchema } from "../../../src/config/kubernetes-schema.js";
import { createKubernetesClient } from "../../../src/kubernetes/create-client.js";
import { deploymentPath } from "../../../src/kubernetes/paths.js";
import { deploymentSchema } from "../../../src/kubernetes/resources.js";
import { proxyFor, proxySettingsFromEnv } from "../../../src/net/proxy/proxy-env.js";
import { slackAgent } from "../../../src/slack/proxy-agent.js";
import { type ConnectProxy, startConnectProxy } from "../../../testkit/connect-proxy.js";
import { type Certificates, makeCertificates } from "../../../testkit/kube-sim/certificates.js";
import { type KubeSim, startKubeSim } from "../../../testkit/kube-sim/index.js";
import { namespace, seedShop } from "../../kubernetes/setup.js";

let proxy: ConnectProxy;
let sim: KubeSim;
let slack: Server;
let slackUrl: string;
let certificates: Certificates;
let dir: string;

beforeAll(async () => {
  proxy = await startConnectProxy();
  sim = await startKubeSim({ tls: true });
  seedShop(sim);
  dir = await mkdtemp(path.join(tmpdir(), "proxy-test-"));
  certificates = makeCertificates(dir);
  // One Web API method is enough to see the client's requests arrive through the tunnel.
  slack = createServer(
    { cert: certificates.serverCert, key: certificates.serverKey },
    (request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ok: true, url: request.url, user_id: "U_PHASEGATE" }));
    },
  );
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

const simTarget = () => new URL(sim.url).host;

function getDeployment(env: NodeJS.ProcessEnv) {
  const api = kubernetesApiSchema.parse({ ...sim.api(), caFile: sim.certificates?.caFile, attempts: 1 });
  const client = createKubernetesClient(api, { baseDir: dir, env });
  return client
    .json({ method: "GET", path: deploymentPath(namespace, "web") }, deploymentSchema)
    .finally(() => client.close());
}

describe("HTTPS_PROXY and NO_PROXY", () => {
  it("the Kubernetes client tunnels through HTTPS_PROXY, and goes direct for a host in NO_PROXY", async () => {
    proxy.tunnels.length = 0;
    expect((await getDeployment({ HTTPS_PROXY: proxy.url })).metadata.name).toBe("web");
    expect(proxy.tunnels).toEqual([simTarget()]);
    expect(
      (await getDeployment({ HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" })).metadata.name,
    ).toBe("web");
    expect(proxy.tunnels).toEqual([simTarget()]);
  });

  it("the Slack Web API client tunnels through HTTPS_PROXY", async () => {
    proxy.tunnels.length = 0;
    const agent = slackAgent(slackUrl, proxySettingsFromEnv({ https_proxy: proxy.url }), {
      ca: certificates.ca,
    });
    const client = new WebClient("xoxb-test", { slackApiUrl: slackUrl, agent, retryConfig: { retries: 0 } });
    expect(await client.auth.test()).toMatchObject({
      ok: true,
      url: "/api/auth.test",
      user_id: "U_PHASEGATE",
    });
    expect(proxy.tunnels).toEqual([new URL(slackUrl).host]);
    agent?.destroy();
    expect(
      slackAgent(slackUrl, proxySettingsFromEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" })),
    ).toBe(undefined);
  });

  it("says which proxy refused the tunnel", async () => {
    proxy.refuse = true;
    try {
      const agent = slackAgent(slackUrl, proxySettingsFromEnv({ HTTPS_PROXY: proxy.url }), {
        ca: certificates.ca,
      });
      const client = new WebClient("xoxb-test", {
        slackApiUrl: slackUrl,
        agent,
        retryConfig: { retries: 0 },
      });
      await expect(client.auth.test()).rejects.toThrow(
        `the proxy ${proxy.url} refused a tunnel to ${new URL(slackUrl).host}: HTTP 403`,
      );
      await expect(getDeployment({ HTTPS_PROXY: proxy.url })).rejects.toThrow(
        `failed to get deployments 1 times through the proxy ${proxy.url} (HTTPS_PROXY) (last: `,
      );
    } finally {
      proxy.refuse = false;
    }
  });

  it("matches NO_PROXY entries as curl does, and refuses an HTTPS_PROXY that is no URL", () => {
    const settings = proxySettingsFromEnv({
      HTTPS_PROXY: "http://proxy.internal:3128",
      NO_PROXY: ".internal, example.com, 10.0.0.1:6443, [::1]",
    });
    expect(proxyFor("https://slack.com/api/", settings)).toBe("http://proxy.internal:3128");
    expect(proxyFor("https://k8s.internal:6443", settings)).toBeNull();
    expect(proxyFor("https://api.example.com", settings)).toBeNull();
    expect(proxyFor("https://notexample.com", settings)).toBe("http://proxy.internal:3128");
    expect(proxyFor("https://10.0.0.1:6443", settings)).toBeNull();
    expect(proxyFor("https://10.0.0.1:443", settings)).toBe("http://proxy.internal:3128");
    expect(proxyFor("https://[::1]:8443", settings)).toBeNull();
    expect(proxyFor("http://plain.example.org", settings)).toBeNull();
    expect(
      proxyFor("https://any", proxySettingsFromEnv({ HTTPS_PROXY: "http://p:1", NO_PROXY: "*" })),
    ).toBeNull();
    expect(() => proxySettingsFromEnv({ HTTPS_PROXY: "proxy:3128" })).toThrow(
      "HTTPS_PROXY: must be the proxy's http:// URL, e.g. http://proxy.internal:3128",
    );
  });
});
