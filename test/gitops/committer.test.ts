import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitRepositorySchema } from "../../src/config/gitops-schema.js";
import { GitCommitter } from "../../src/gitops/committer.js";
import { repoRoot } from "../../testkit/cli-entry.js";
import { createGitOpsRepo, type GitOpsRepo } from "../../testkit/gitops-repo.js";

const KUSTOMIZATION = `# prod overlay: the platform team owns this file
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base # shared manifests
images:
  - name: registry.example.com/shop
    newTag: v1 # set by phasegate
  - name: registry.example.com/sidecar
    newTag: "3.2"
`;
const VALUES = `replicaCount: 2
image:
  repository: registry.example.com/shop
  tag: v1
`;

let repo: GitOpsRepo;
let scratch: string;
beforeAll(async () => {
  repo = await createGitOpsRepo({
    "overlays/prod/kustomization.yaml": KUSTOMIZATION,
    "chart/values.yaml": VALUES,
  });
  scratch = await mkdtemp(path.join(os.tmpdir(), "committer-test-"));
});
afterAll(async () => {
  await repo?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const committer = (extra: Record<string, unknown> = {}) =>
  new GitCommitter(
    gitRepositorySchema.parse({
      url: repo.url,
      file: "overlays/prod/kustomization.yaml",
      yamlPath: "images[name=registry.example.com/shop].newTag",
      ...extra,
    }),
    "shop",
  );

describe("the Git committer (a local bare repository over file://)", () => {
  it("commits the release to the kustomization's image tag, keeping comments and the other image; the message names the run; again is a no-op", async () => {
    const git = committer();
    const done = await git.commitVersion("run-a1", "v2");
    expect(done.changed).toBe(true);
    expect(await repo.head()).toBe(done.commit);
    expect(await repo.show("main", "overlays/prod/kustomization.yaml")).toBe(
      KUSTOMIZATION.replace("newTag: v1 # set by phasegate", "newTag: v2 # set by phasegate"),
    );
    expect((await repo.log())[0]).toContain("Deploy shop v2");
    expect((await repo.log())[0]).toContain("Phasegate-Run: run-a1");
    const again = await git.commitVersion("run-a1", "v2");
    expect(again).toMatchObject({ changed: false, commit: done.commit });
    expect(await git.liveVersion()).toBe("v2");
    expect(await git.target("run-a1")).toBe(done.commit);
    await git.close();
  });

  it("sets a values.yaml key (image.tag)", async () => {
    const git = committer({ file: "chart/values.yaml", yamlPath: "image.tag" });
    await git.commitVersion("run-a2", "v7");
    expect(await repo.show("main", "chart/values.yaml")).toBe(VALUES.replace("tag: v1", "tag: v7"));
    await git.close();
  });

  it("a push rejected because the branch moved is fetched, rebased and pushed again; the teammate's commit stays", async () => {
    // A post-checkout hook (through core.hooksPath in the committer's env) lands a teammate's commit right after
    // the committer's clone, once: its push is then behind the branch ("fetch first").
    const hooks = path.join(scratch, "hooks");
    const marker = path.join(scratch, "raced");
    const clone = path.join(scratch, "teammate");
    await mkdir(hooks, { recursive: true });
    await writeFile(
      path.join(hooks, "post-checkout"),
      `#!/bin/sh
[ -e "${marker}" ] && exit 0
touch "${marker}"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
git clone -q "${repo.url}" "${clone}" && cd "${clone}" &&
echo "note" > NOTES.md && git add NOTES.md &&
git -c user.name=T -c user.email=t@example.com commit -qm "Teammate's note" && git push -q origin HEAD:main
`,
    );
    await chmod(path.join(hooks, "post-checkout"), 0o755);
    const git = committer({
      env: { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "core.hooksPath", GIT_CONFIG_VALUE_0: hooks },
    });
    const done = await git.commitVersion("run-a3", "v3");
    const log = await repo.log();
    expect(log[0]).toContain("Deploy shop v3");
    expect(log[1]).toBe("Teammate's note");
    expect(await repo.head()).toBe(done.commit);
    await git.close();
  });

  it("a refused push fails with Git's message and leaves the branch as it was", async () => {
    const hook = path.join(repo.bare, "hooks", "pre-receive");
    await writeFile(
      hook,
      "#!/bin/sh\necho 'GL-HOOK-ERR: main is protected: open a merge request' >&2\nexit 1\n",
    );
    await chmod(hook, 0o755);
    const before = await repo.head();
    const git = committer();
    await expect(git.commitVersion("run-a4", "v4")).rejects.toThrow(
      /main is protected: open a merge request/,
    );
    expect(await repo.head()).toBe(before);
    await rm(hook);
    await git.close();
  });

  it("a rollback reverts the run's commit (once per rollback number); target is then the revert", async () => {
    const git = committer();
    const deployed = await git.commitVersion("run-a5", "v5");
    const reverted = await git.revertRun("run-a5", 1);
    expect(reverted.changed).toBe(true);
    expect((await repo.log())[0]).toContain(`This reverts commit ${deployed.commit}.`);
    expect(await git.liveVersion()).toBe("v3");
    expect(await git.target("run-a5")).toBe(reverted.commit);
    expect(await git.contains(deployed.commit, reverted.commit)).toBe(true);
    expect(await git.contains(reverted.commit, deployed.commit)).toBe(false);
    expect((await git.revertRun("run-a5", 1)).changed).toBe(false);
    await git.close();
  });

  it("a path the file does not have fails naming it, nothing committed", async () => {
    const before = await repo.head();
    const git = committer({ yamlPath: "images[name=registry.example.com/nope].newTag" });
    await expect(git.commitVersion("run-a6", "v6")).rejects.toThrow(
      "overlays/prod/kustomization.yaml: images[name=registry.example.com/nope].newTag: no item of images has name: registry.example.com/nope",
    );
    expect(await repo.head()).toBe(before);
    await git.close();
  });

  it("a mirror that could not be made is removed, and the next read makes one instead of failing for good", async () => {
    const tmp = path.join(scratch, "mirror-retry");
    const brokenConfig = path.join(scratch, "broken.gitconfig");
    await writeFile(brokenConfig, "[core\n");
    const outer = { TMPDIR: process.env.TMPDIR, GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL };
    const git = committer();
    try {
      process.env.TMPDIR = tmp;
      // No temp directory yet: the mirror's mkdtemp fails.
      await expect(git.liveVersion()).rejects.toThrow("ENOENT");
      await mkdir(tmp);
      // A Git configuration Git cannot read: `git clone` fails in the mirror made for it.
      process.env.GIT_CONFIG_GLOBAL = brokenConfig;
      await expect(git.liveVersion()).rejects.toThrow("bad config");
      expect(await readdir(tmp)).toEqual([]);
      delete process.env.GIT_CONFIG_GLOBAL;
      expect(await git.liveVersion()).toMatch(/^v\d+$/);
      expect((await readdir(tmp)).filter((name) => name.startsWith("phasegate-git-mirror-"))).toHaveLength(1);
    } finally {
      await git.close();
      for (const [name, value] of Object.entries(outer))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
    expect(await readdir(tmp)).toEqual([]);
  });

  it("leaves no mirror behind when its process exits without closing it (a worker stopped, a test file ended)", async () => {
    const tmp = await mkdtemp(path.join(scratch, "tmp-"));
    const child = path.join(scratch, "mirror-child.mjs");
    await writeFile(
      child,
      `import { readdirSync } from "node:fs";
import { gitRepositorySchema } from ${JSON.stringify(path.join(repoRoot, "dist/src/config/gitops-schema.js"))};
import { GitCommitter } from ${JSON.stringify(path.join(repoRoot, "dist/src/gitops/committer.js"))};
const git = new GitCommitter(gitRepositorySchema.parse(JSON.parse(process.argv[2])), "shop");
await git.liveVersion();
console.log(readdirSync(process.env.TMPDIR).join(","));`,
    );
    const config = {
      url: repo.url,
      file: "overlays/prod/kustomization.yaml",
      yamlPath: "images[name=registry.example.com/shop].newTag",
    };
    const whileRunning = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [child, JSON.stringify(config)],
        { env: { ...process.env, TMPDIR: tmp } },
        (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
      ),
    );
    expect(whileRunning).toMatch(/^phasegate-git-mirror-\w+$/);
    expect(await readdir(tmp)).toEqual([]);
  });
});
