import { once } from "node:events";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployRelease } from "../../src/app/steps/deploy.js";
import { gitRepositorySchema } from "../../src/config/gitops-schema.js";
import { GitCommitter } from "../../src/gitops/committer.js";
import { GitDeployer } from "../../src/gitops/git-deployer.js";
import { createGitOpsRepo, type GitOpsRepo } from "../../testkit/gitops-repo.js";

/** A Git remote that hangs: a push whose hook takes longer than the time limit, a server that never answers. */
let repo: GitOpsRepo;
let scratch: string;
const sockets = new Set<Socket>();
const silent = createServer((socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
});

beforeAll(async () => {
  repo = await createGitOpsRepo({ "deploy/values.yaml": "image:\n  tag: v1\n" });
  scratch = await mkdtemp(path.join(os.tmpdir(), "gitops-hostile-"));
  silent.listen(0, "127.0.0.1");
  await once(silent, "listening");
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  silent.close();
  await repo?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const deployer = (url: string) => {
  const committer = new GitCommitter(
    gitRepositorySchema.parse({ url, file: "deploy/values.yaml", yamlPath: "image.tag", timeoutSeconds: 1 }),
    "shop",
  );
  return { committer, deployer: new GitDeployer(committer) };
};

const request = { runId: "run-h1", service: "shop", version: "v2", previousVersion: "v1", attempt: 1 };

describe("a Git remote that hangs", () => {
  it("a remote that never answers: the step says git did not finish in time, and never shows the URL's credentials", async () => {
    const { port } = silent.address() as { port: number };
    const { committer, deployer: git } = deployer(`http://phasegate:s3cret-token@127.0.0.1:${port}/shop.git`);
    const outcome = await deployRelease(git, request);
    expect(outcome).toEqual({
      kind: "failed",
      message: "deploy of v2 failed: git clone did not finish within 1 s",
    });
    await committer.close();
  });

  it("a push the remote is slow to take: said to have timed out and maybe landed; the retry finds it instead of committing again", async () => {
    const hook = path.join(repo.bare, "hooks", "pre-receive");
    await writeFile(hook, "#!/bin/sh\nsleep 3\n");
    await chmod(hook, 0o755);
    const { committer, deployer: git } = deployer(repo.url);
    try {
      const first = await deployRelease(git, request);
      expect(first).toEqual({
        kind: "failed",
        message:
          "deploy of v2 failed: git push did not finish within 1 s: the remote may still take the commit; a retry finds it there instead of committing again",
      });
      // The remote went on and took it after all.
      await expect
        .poll(() => repo.show("main", "deploy/values.yaml"), { timeout: 10_000 })
        .toContain("tag: v2");
      await rm(hook);
      const retry = await deployRelease(git, { ...request, attempt: 2 });
      expect(retry).toEqual({
        kind: "succeeded",
        message: "deploy/values.yaml already sets image.tag to v2",
      });
      expect((await repo.log()).filter((m) => m.includes("Phasegate-Run: run-h1"))).toHaveLength(1);
    } finally {
      await rm(hook, { force: true });
      await committer.close();
    }
  });
});
