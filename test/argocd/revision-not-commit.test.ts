import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollRollout } from "../../src/app/steps/rollout.js";
import { ArgoCdClient } from "../../src/argocd/client.js";
import { ArgoCdWatcher } from "../../src/argocd/watcher.js";
import { argocdDeployerSchema, gitRepositorySchema } from "../../src/config/gitops-schema.js";
import { GitCommitter } from "../../src/gitops/committer.js";
import { createGitOpsRepo, type GitOpsRepo } from "../../testkit/gitops-repo.js";

/**
 * Git mode against a repository whose branch is named with hex digits only (`deadbee`), as Argo CD's API (a
 * loopback server) reports one revision or another: only a full commit id counts, never a name git could resolve.
 */
let revision: string;
const server = createServer((_, response) => {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      metadata: { name: "shop" },
      spec: { source: {} },
      status: {
        sync: { status: "Synced", revision },
        health: { status: "Healthy" },
        operationState: { phase: "Succeeded", syncResult: { revision } },
      },
    }),
  );
});
let dir: string;
let repo: GitOpsRepo;
let git: GitCommitter;
let client: ArgoCdClient;
let watcher: ArgoCdWatcher;

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  dir = await mkdtemp(path.join(os.tmpdir(), "argocd-revision-"));
  await writeFile(path.join(dir, "token"), "secret\n");
  repo = await createGitOpsRepo({ "shop/values.yaml": "image:\n  tag: v1\n" }, "deadbee");
  const config = argocdDeployerSchema.parse({
    kind: "argocd",
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenFile: "token",
    application: "shop",
    git: { url: repo.url, branch: "deadbee", file: "shop/values.yaml", yamlPath: "image.tag" },
  });
  git = new GitCommitter(gitRepositorySchema.parse(config.git), "shop");
  client = new ArgoCdClient(config, dir);
  watcher = new ArgoCdWatcher(client, config, git);
  await git.commitVersion("run-h1", "v2");
});

afterAll(async () => {
  await client.close();
  await git.close();
  await repo.close();
  server.closeAllConnections();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

/** What the rollout wait says in the run's thread after one look at the Application. */
const waitSays = async () =>
  pollRollout(
    { runId: "run-h1", service: "shop", version: "v2" },
    { startedAt: null, lastMessage: null },
    watcher,
    { intervalMs: 1000, maxIntervalMs: 5000, deadlineMs: 60_000 },
    new Date(),
  );

describe("Argo CD reporting a revision that is not a full commit id", () => {
  it("the hex-named branch itself (it resolves to the run's commit in the mirror): the wait goes on and says why", async () => {
    const head = await repo.head();
    revision = "deadbee";
    expect(await waitSays()).toMatchObject({
      kind: "later",
      progress: `Argo CD reports shop at "deadbee", not a full commit id (a branch or tag name?): still waiting for a revision with ${head.slice(0, 12)}`,
    });
  });

  it("the run's commit abbreviated is not taken either; its full id is", async () => {
    const head = await repo.head();
    revision = head.slice(0, 8);
    expect(await waitSays()).toMatchObject({
      kind: "later",
      progress: `Argo CD reports shop at "${head.slice(0, 8)}", not a full commit id (a branch or tag name?): still waiting for a revision with ${head.slice(0, 12)}`,
    });
    revision = head;
    expect(await waitSays()).toMatchObject({
      kind: "succeeded",
    });
  });
});
