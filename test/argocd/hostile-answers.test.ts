import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployRelease } from "../../src/app/steps/deploy.js";
import { pollRollout } from "../../src/app/steps/rollout.js";
import { ArgoCdClient, MAX_ANSWER_BYTES } from "../../src/argocd/client.js";
import { ArgoCdDeployer } from "../../src/argocd/deployer.js";
import { ArgoCdWatcher } from "../../src/argocd/watcher.js";
import { argocdDeployerSchema, gitRepositorySchema } from "../../src/config/gitops-schema.js";
import { GitCommitter } from "../../src/gitops/committer.js";
import { dribbleAnswer, pourAnswer } from "../../testkit/endless-answer.js";
import { createGitOpsRepo } from "../../testkit/gitops-repo.js";
import { hangUpServer } from "../../testkit/hang-up.js";

/**
 * Argo CD's API as an unlucky operator meets it: a real loopback server whose answer each test sets, read by the
 * deployer (what the deploy step says) and the watcher (what the rollout wait says).
 */
let answer: (request: IncomingMessage, response: ServerResponse) => void;
const server = createServer((request, response) => answer(request, response));
let url: string;
let dir: string;

const APP = {
  metadata: { name: "shop", resourceVersion: "7" },
  spec: {
    source: { kustomize: { images: ["registry.example.com/shop:v1"] } },
    syncPolicy: { automated: {} },
  },
  status: { sync: { status: "Synced" }, health: { status: "Healthy" } },
};

/** Another host, where a redirect would lead: it answers anything with an Application, as a hostile copy would. */
const elsewhere: string[] = [];
const other = createServer((request, response) => {
  elsewhere.push(`${request.method} ${request.url} ${request.headers.authorization ?? "no token"}`);
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify(APP));
});

beforeAll(async () => {
  other.listen(0, "127.0.0.1");
  await once(other, "listening");
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(path.join(os.tmpdir(), "argocd-hostile-"));
  await writeFile(path.join(dir, "token"), "secret\n");
});

afterAll(async () => {
  other.closeAllConnections();
  other.close();
  server.closeAllConnections();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const config = (extra: Record<string, unknown> = {}) =>
  argocdDeployerSchema.parse({
    kind: "argocd",
    url,
    tokenFile: "token",
    application: "shop",
    kustomizeImage: "registry.example.com/shop",
    requestTimeoutSeconds: 1,
    ...extra,
  });

/** What the run's deploy step says, and what its rollout wait says, with the server answering as set. */
async function stepMessages(extra: Record<string, unknown> = {}) {
  const client = new ArgoCdClient(config(extra), dir);
  try {
    const deploy = await deployRelease(new ArgoCdDeployer(client, config(extra)), {
      runId: "run-1",
      service: "shop",
      version: "v2",
      previousVersion: "v1",
      attempt: 1,
    });
    const rollout = await pollRollout(
      { runId: "run-1", service: "shop", version: "v2" },
      { startedAt: null, lastMessage: null },
      new ArgoCdWatcher(client, config(extra)),
      { intervalMs: 1000, maxIntervalMs: 5000, deadlineMs: 60_000 },
      new Date(),
    );
    return { deploy, rollout };
  } finally {
    await client.close();
  }
}

describe("Argo CD answering badly", () => {
  it("a body dribbled slower than the time limit: the step says Argo CD did not finish its answer in time", async () => {
    answer = (_, response) => dribbleAnswer(response, 100);
    const { deploy, rollout } = await stepMessages();
    const late = `Argo CD at ${url} did not finish its answer to GET /api/v1/applications/shop within 1 s`;
    expect(deploy).toEqual({ kind: "failed", message: `deploy of v2 failed: ${late}` });
    expect(rollout).toMatchObject({ kind: "later", progress: `could not check the rollout: ${late}` });
  });

  it("an answer broken off half-way: one sentence, with what to check", async () => {
    answer = (_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"metadata":{"name":"shop"', () => response.socket?.destroy());
    };
    const { deploy, rollout } = await stepMessages();
    const brokenOff = `Argo CD at ${url} broke off its answer to GET /api/v1/applications/shop after 26 bytes: check the health of Argo CD's API server and of any proxy or load balancer in front of it that cuts connections short`;
    expect(deploy).toEqual({ kind: "failed", message: `deploy of v2 failed: ${brokenOff}` });
    expect(rollout).toMatchObject({ kind: "later", progress: `could not check the rollout: ${brokenOff}` });
  });

  it("a connection closed or reset before any answer: said so, with what to check, not undici's words", async () => {
    const hangUp = await hangUpServer();
    try {
      const says = (how: string) =>
        `Argo CD at ${hangUp.url} was reached, but the connection was ${how} before any answer to GET /api/v1/applications/shop: check the health of Argo CD's API server and of any proxy or load balancer in front of it that cuts connections short`;
      const closed = await stepMessages({ url: hangUp.url });
      expect(closed.deploy).toEqual({ kind: "failed", message: `deploy of v2 failed: ${says("closed")}` });
      expect(closed.rollout).toMatchObject({
        kind: "later",
        progress: `could not check the rollout: ${says("closed")}`,
      });
      hangUp.how = "reset";
      expect((await stepMessages({ url: hangUp.url })).deploy.message).toBe(
        `deploy of v2 failed: ${says("reset")}`,
      );
      // Each request was asked once: the deploy fails, the rollout wait asks again at its next check.
      expect(hangUp.connections).toBe(4);
    } finally {
      await hangUp.close();
    }
  });

  it("no answer at all: the step names the time limit", async () => {
    answer = () => undefined;
    const { deploy } = await stepMessages();
    expect(deploy.message).toBe(
      `deploy of v2 failed: Argo CD at ${url} did not answer GET /api/v1/applications/shop within 1 s`,
    );
  });

  it("an answer without end (hundreds of MB): cut after the bound, not buffered, and said so", async () => {
    const poured = { sent: 0 };
    let closed = 0;
    answer = (_, response) => {
      response.on("close", () => {
        closed += 1;
      });
      pourAnswer(response, '{"metadata":{"name":"shop"},"spec":{},"padding":"', 400 * 1024 * 1024, poured);
    };
    const { deploy, rollout } = await stepMessages({ requestTimeoutSeconds: 30 });
    const large = `Argo CD at ${url} answered GET /api/v1/applications/shop with more than 32 MiB: not an Application; is url Argo CD's API server?`;
    expect(deploy).toEqual({ kind: "failed", message: `deploy of v2 failed: ${large}` });
    expect(rollout).toMatchObject({ kind: "later", progress: `could not check the rollout: ${large}` });
    await expect.poll(() => closed).toBe(2);
    // Both requests were cut soon after the bound (what the sockets buffered aside), not read to the end.
    expect(poured.sent).toBeLessThan(2 * (MAX_ANSWER_BYTES + 16 * 1024 * 1024));
  });

  it("a declared length over the bound is refused unread", async () => {
    answer = (_, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": 300 * 1024 * 1024 });
      response.write("{");
    };
    const { deploy } = await stepMessages();
    expect(deploy.message).toMatch(/with more than 32 MiB: not an Application/);
  });

  it("a redirect to another host is not followed: the step says where it led, and that host is never asked", async () => {
    const target = `http://localhost:${(other.address() as AddressInfo).port}/login`;
    answer = (_, response) => {
      response.writeHead(302, { location: target });
      response.end();
    };
    const { deploy, rollout } = await stepMessages();
    const redirected = `Argo CD at ${url} redirected GET /api/v1/applications/shop to ${target} (302): phasegate follows no redirect; set url to the address Argo CD's API answers at`;
    expect(deploy).toEqual({ kind: "failed", message: `deploy of v2 failed: ${redirected}` });
    expect(rollout).toMatchObject({ kind: "later", progress: `could not check the rollout: ${redirected}` });
    expect(elsewhere).toEqual([]);
  });

  it("an error status with JSON null, or with no body at all, still names the status", async () => {
    answer = (_, response) => {
      response.writeHead(500, { "content-type": "application/json" });
      response.end("null");
    };
    expect((await stepMessages()).deploy.message).toBe(
      "deploy of v2 failed: Argo CD answered GET /api/v1/applications/shop with 500: status 500",
    );
    answer = (_, response) => {
      response.writeHead(502);
      response.end();
    };
    expect((await stepMessages()).deploy.message).toBe(
      "deploy of v2 failed: Argo CD answered GET /api/v1/applications/shop with 502 and no JSON: an empty body",
    );
  });

  it("a 401 or 403 without JSON (a proxy in front of Argo CD): said to be the proxy's, with a cut of its page, unlike Argo CD's own 401", async () => {
    const loginPage = `<!DOCTYPE html><html><head><title>Sign In</title><style>body { font: 14px sans-serif; }</style></head>
      <body><h1>Sign in with your company account</h1><p>${"You need to sign in to reach this application. ".repeat(20)}</p></body></html>`;
    answer = (_, response) => {
      response.writeHead(401, { "content-type": "text/html" });
      response.end(loginPage);
    };
    const refused = (status: number, cut: string) =>
      `Argo CD at ${url} (or something in front of it) refused the token with ${status} on GET /api/v1/applications/shop, answering no JSON ("${cut}"): a proxy in front of Argo CD (an OAuth or SSO proxy, say) must let the bearer token through to Argo CD's API server, or url points at the proxy's login page rather than at the API server`;
    const { deploy, rollout } = await stepMessages();
    const login = refused(
      401,
      "Sign In Sign in with your company account You need to sign in to reach this application. You need to sign in to reach t…",
    );
    expect(deploy).toEqual({ kind: "failed", message: `deploy of v2 failed: ${login}` });
    expect(rollout).toMatchObject({ kind: "later", progress: `could not check the rollout: ${login}` });
    answer = (_, response) => {
      response.writeHead(403, { "content-type": "text/plain" });
      response.end("Forbidden\n");
    };
    expect((await stepMessages()).deploy.message).toBe(`deploy of v2 failed: ${refused(403, "Forbidden")}`);
    answer = (_, response) => {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ error: "invalid session", code: 16, message: "invalid session: token has expired" }),
      );
    };
    expect((await stepMessages()).deploy.message).toBe(
      "deploy of v2 failed: Argo CD refused the token in token (invalid session: token has expired): issue a new one",
    );
  });

  it("Git mode: a status whose revision is a branch name, not a commit, never counts as the run's rollout", async () => {
    const repo = await createGitOpsRepo({ "shop/values.yaml": "image:\n  tag: v1\n" });
    const git = new GitCommitter(
      gitRepositorySchema.parse({ url: repo.url, file: "shop/values.yaml", yamlPath: "image.tag" }),
      "shop",
    );
    const client = new ArgoCdClient(config(), dir);
    try {
      await git.commitVersion("run-g1", "v2");
      const status = (revision: string) => ({
        sync: { status: "Synced", revision },
        health: { status: "Healthy" },
        operationState: { phase: "Succeeded", syncResult: { revision } },
      });
      let revision = "main";
      answer = (_, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ ...APP, status: status(revision) }));
      };
      const watcher = new ArgoCdWatcher(client, config(), git);
      const check = () => watcher.check({ runId: "run-g1", service: "shop", version: "v2" });
      expect(await check()).toEqual({
        done: false,
        failed: false,
        message: `Argo CD reports shop at "main", not a full commit id (a branch or tag name?): still waiting for a revision with ${(await repo.head()).slice(0, 12)}`,
      });
      revision = "HEAD";
      expect(await check()).toMatchObject({ done: false, failed: false });
      revision = await repo.head();
      expect(await check()).toMatchObject({ done: true });
    } finally {
      await client.close();
      await git.close();
      await repo.close();
    }
  });

  it("unknown or missing health and sync values, and a stale sync of another release, never count as this rollout", async () => {
    let status: unknown;
    answer = (_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ...APP, status }));
    };
    const client = new ArgoCdClient(config(), dir);
    const watcher = new ArgoCdWatcher(client, config());
    const check = () => watcher.check({ runId: "run-1", service: "shop", version: "v2" });
    const at = (tag: string) => ({ kustomize: { images: [`registry.example.com/shop:${tag}`] } });
    try {
      status = { sync: { status: "Synced", comparedTo: { source: at("v2") } }, health: { status: "Fine" } };
      expect(await check()).toEqual({
        done: false,
        failed: false,
        message: "shop is Synced to v2, health Fine",
      });
      status = { sync: { status: "SYNCED", comparedTo: { source: at("v2") } }, health: {} };
      expect(await check()).toMatchObject({ done: false, failed: false });
      status = {};
      expect(await check()).toMatchObject({ done: false, failed: false });
      // Synced and Healthy at v1, its sync of v1 failed long ago: neither done nor failed for v2.
      status = {
        sync: { status: "Synced", comparedTo: { source: at("v1") } },
        health: { status: "Healthy" },
        operationState: { phase: "Failed", message: "old failure", syncResult: { source: at("v1") } },
      };
      expect(await check()).toEqual({
        done: false,
        failed: false,
        message: "Argo CD has not compared shop with v2 yet (Synced)",
      });
      status = { sync: { status: 7 } };
      await expect(check()).rejects.toThrow(
        "Argo CD's answer to GET /api/v1/applications/shop is not what phasegate reads: status.sync.status: Invalid input: expected string, received number",
      );
    } finally {
      await client.close();
    }
  });
});
