import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";

const run = promisify(execFile);
const AUTHOR = ["-c", "user.name=Platform Team", "-c", "user.email=platform@example.com"];

/** git in `cwd`, its stdout. */
export async function gitIn(cwd: string, ...args: string[]): Promise<string> {
  return (await run("git", args, { cwd, encoding: "utf8" })).stdout;
}

/**
 * A GitOps repository for tests: a local bare repository (reached through file://) and a working clone the test
 * commits to as another team member would.
 */
export interface GitOpsRepo {
  /** The bare repository's directory (what Argo CD's and Flux's stand-ins read). */
  bare: string;
  url: string;
  branch: string;
  /** Commits `files` (path → text) as a teammate and pushes; returns the commit. */
  commit(files: Record<string, string>, message: string): Promise<string>;
  head(): Promise<string>;
  /** The file's text at a revision of the bare repository. */
  show(revision: string, file: string): Promise<string>;
  /** Subject and body of each commit, newest first. */
  log(): Promise<string[]>;
  close(): Promise<void>;
}

/** `objectFormat` sha256 makes a repository whose ids are SHA-256 (64 hex digits). */
export async function createGitOpsRepo(
  files: Record<string, string>,
  branch = "main",
  objectFormat: "sha1" | "sha256" = "sha1",
): Promise<GitOpsRepo> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "gitops-repo-"));
  const bare = path.join(dir, "repo.git");
  const work = path.join(dir, "work");
  const init = ["init", "--quiet", `--initial-branch=${branch}`, `--object-format=${objectFormat}`];
  await gitIn(dir, ...init, "--bare", bare);
  await gitIn(dir, ...init, work);
  await gitIn(work, "remote", "add", "origin", bare);
  const repo: GitOpsRepo = {
    bare,
    url: `file://${bare}`,
    branch,
    async commit(changed, message) {
      await gitIn(work, "pull", "--quiet", "--rebase", "origin", branch).catch(() => undefined);
      for (const [file, text] of Object.entries(changed)) {
        await mkdir(path.dirname(path.join(work, file)), { recursive: true });
        await writeFile(path.join(work, file), text);
      }
      await gitIn(work, "add", "-A");
      await gitIn(work, ...AUTHOR, "commit", "--quiet", "-m", message);
      await gitIn(work, "push", "--quiet", "origin", `HEAD:${branch}`);
      return (await gitIn(work, "rev-parse", "HEAD")).trim();
    },
    head: async () => (await gitIn(bare, "rev-parse", branch)).trim(),
    show: (revision, file) => gitIn(bare, "show", `${revision}:${file}`),
    log: async () =>
      (await gitIn(bare, "log", "--format=%B%x00", branch))
        .split("\0")
        .map((m) => m.trim())
        .filter(Boolean),
    close: () => rm(dir, { recursive: true, force: true }),
  };
  await repo.commit(files, "Initial manifests");
  return repo;
}

/**
 * The image a GitOps file makes the workload run, as kustomize and Helm render it: a kustomization.yaml's first
 * `images` entry (`newName` or `name`, then `newTag`), or a values.yaml's `image.repository:image.tag`.
 */
export function imageOfFile(text: string): string {
  const doc = parse(text) as {
    images?: { name: string; newName?: string; newTag?: string }[];
    image?: { repository: string; tag: string };
  };
  const first = doc.images?.[0];
  if (first) return `${first.newName ?? first.name}:${first.newTag ?? "latest"}`;
  if (doc.image) return `${doc.image.repository}:${doc.image.tag}`;
  throw new Error("the file sets no image (kustomization images or values image.repository/tag)");
}
