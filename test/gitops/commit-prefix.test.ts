import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitRepositorySchema } from "../../src/config/gitops-schema.js";
import { GitCommitter } from "../../src/gitops/committer.js";
import { createGitOpsRepo, type GitOpsRepo, gitIn } from "../../testkit/gitops-repo.js";

/**
 * A commit found by the start of its id (a HelmRelease chart version's digits) in a real repository of some
 * thousands of objects, so that 4-digit prefixes are shared: by two commits, by a commit and a blob or tree.
 */
let repo: GitOpsRepo;
let git: GitCommitter;
/** Each object's id and type, from the bare repository. */
let objects: { id: string; type: string }[];

/** 1,500 commits on the branch, each writing a file of its own (a blob and trees each), through git fast-import. */
function importCommits(from: string): Promise<void> {
  const lines: string[] = [];
  for (let i = 1; i <= 1500; i++) {
    const message = `commit ${i}`;
    lines.push(
      `commit refs/heads/${repo.branch}`,
      "committer Platform Team <platform@example.com> 1700000000 +0000",
    );
    lines.push(`data ${message.length}`, message);
    if (i === 1) lines.push(`from ${from}`);
    lines.push(`M 100644 inline notes/${i}.txt`, `data ${String(i).length}`, String(i), "");
  }
  return new Promise((resolve, reject) => {
    const child = execFile("git", ["fast-import", "--quiet"], { cwd: repo.bare }, (error) =>
      error ? reject(error) : resolve(),
    );
    child.stdin?.end(`${lines.join("\n")}\n`);
  });
}

beforeAll(async () => {
  repo = await createGitOpsRepo({ "chart/values.yaml": "image:\n  tag: v1\n" });
  await importCommits(await repo.head());
  objects = (
    await gitIn(repo.bare, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)")
  )
    .trim()
    .split("\n")
    .map((line) => {
      const [id = "", type = ""] = line.split(" ");
      return { id, type };
    });
  git = new GitCommitter(
    gitRepositorySchema.parse({ url: repo.url, file: "chart/values.yaml", yamlPath: "image.tag" }),
    "shop",
  );
}, 60_000);

afterAll(async () => {
  await git?.close();
  await repo?.close();
});

/** The 4-digit prefixes and the types of the objects starting with each. */
function byPrefix() {
  const groups = new Map<string, string[]>();
  for (const { id, type } of objects)
    groups.set(id.slice(0, 4), [...(groups.get(id.slice(0, 4)) ?? []), type]);
  return [...groups].map(([prefix, types]) => ({
    prefix,
    commits: types.filter((t) => t === "commit").length,
    types,
  }));
}

describe("a commit looked up by the start of its id", () => {
  it("a prefix two commits share is ambiguous, whatever else starts so", async () => {
    const shared = byPrefix().find((group) => group.commits >= 2);
    expect(shared).toBeDefined();
    expect(await git.commitOfPrefix(shared?.prefix ?? "")).toEqual({
      commit: null,
      matches: shared?.commits,
    });
  });

  it("a prefix one commit shares with a blob or tree is that commit", async () => {
    const mixed = byPrefix().find((group) => group.commits === 1 && group.types.length > 1);
    expect(mixed).toBeDefined();
    const commit = objects.find((o) => o.type === "commit" && o.id.startsWith(mixed?.prefix ?? "-"))?.id;
    expect(await git.commitOfPrefix(mixed?.prefix ?? "")).toEqual({ commit });
  });

  it("a branch or tag named with hex digits is never taken for a commit: only object ids count", async () => {
    const taken = new Set(objects.map((o) => o.id.slice(0, 12)));
    const name = ["0123456789ab", "fedcba987654", "a1b2c3d4e5f6"].find((n) => !taken.has(n)) ?? "";
    await gitIn(repo.bare, "tag", name, repo.branch);
    await gitIn(repo.bare, "branch", `${name}0`, repo.branch);
    expect(await git.commitOfPrefix(name)).toEqual({ commit: null, matches: 0 });
    expect(await git.commitOfPrefix(`${name}0`)).toEqual({ commit: null, matches: 0 });
    const head = await repo.head();
    expect(await git.commitOfPrefix(head.slice(0, 12))).toEqual({ commit: head });
  });
});
