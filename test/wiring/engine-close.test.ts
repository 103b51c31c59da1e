import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadServices } from "../../src/config/load-services.js";
import type { RedisClient } from "../../src/net/redis/connect.js";
import { createEngine } from "../../src/wiring/engine.js";
import { createGitOpsRepo, type GitOpsRepo } from "../../testkit/gitops-repo.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../testkit/redis.js";
import { shopDir } from "../../testkit/run-cli.js";

const FILE = "clusters/prod/shop/kustomization.yaml";
const KUSTOMIZATION = `images:
  - name: registry.example.com/shop
    newTag: v1
`;

let tmp: string;
let outerTmp: string | undefined;
let repo: GitOpsRepo;
let services: string;
let redis: RedisClient;
const prefixes: string[] = [];

/** A service of each GitOps kind reading the repository; Flux's and Argo CD's APIs are never reached. */
function gitOpsServices() {
  const git = { url: repo.url, file: FILE, yamlPath: "images[0].newTag" };
  const service = (deployer: Record<string, unknown>) => ({
    project: { path: shopDir, python: ["python3"] },
    deployer,
    rollout: { kind: "command", command: ["true"] },
    slack: { channel: "C_SHOP" },
    access: { approvers: { users: ["U_BOB"] } },
  });
  return {
    fluxshop: service({ kind: "flux", git, resource: { kind: "Kustomization", name: "shop" } }),
    argoshop: service({
      kind: "argocd",
      url: "https://argocd.invalid",
      tokenFile: "argocd-token",
      application: "shop",
      git,
    }),
  };
}

// The mirrors are made in os.tmpdir(): a directory of this file's own, where no other test file makes any.
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "engine-close-"));
  outerTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  repo = await createGitOpsRepo({ [FILE]: KUSTOMIZATION });
  services = path.join(tmp, "services.yaml");
  await writeFile(services, stringify({ services: gitOpsServices() }));
  redis = connectRedis();
});

afterAll(async () => {
  // Here, not after each test's assertions: a failed assertion would leave its keys behind.
  for (const prefix of prefixes) await deleteKeys(redis, prefix);
  if (outerTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outerTmp;
  redis?.disconnect();
  await repo?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const mirrors = async () => (await readdir(tmp)).filter((name) => name.startsWith("phasegate-git-mirror-"));

/** An engine whose GitOps services have each read the branch, its prefix, and the mirror each made. */
async function engineWithMirrors() {
  const before = await mirrors();
  const prefix = uniquePrefix("engine-close");
  prefixes.push(prefix);
  const engine = createEngine({ redis, prefix, services: await loadServices(services) });
  for (const service of ["fluxshop", "argoshop"]) {
    const { deployer } = await engine.workerDeps.adapters(service);
    expect(await deployer.liveRelease?.(service)).toEqual({ version: "v1" });
  }
  const made = (await mirrors()).filter((name) => !before.includes(name));
  expect(made).toHaveLength(2);
  return { engine, made };
}

describe("closing an engine", () => {
  it("removes the Git mirrors its Flux and Argo CD Git-mode services read their branch with", async () => {
    const { engine } = await engineWithMirrors();
    await engine.close();
    expect(await mirrors()).toEqual([]);
  });

  it("is no error with a mirror already gone or closed again; adapters asked for after it are refused", async () => {
    const { engine, made } = await engineWithMirrors();
    const [gone = "none", kept] = made;
    await rm(path.join(tmp, gone), { recursive: true, force: true });
    await engine.close();
    await engine.workerDeps.adapters.close();
    expect(await mirrors()).not.toContain(kept);
    await expect(engine.workerDeps.adapters("fluxshop")).rejects.toThrow(
      "the adapters of fluxshop were asked for after their close",
    );
  });
});
