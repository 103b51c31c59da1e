import { rmSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { GitRepositoryConfig } from "../config/gitops-schema.js";
import type { CommitLookup, GitRevisions } from "../ports/git-revisions.js";
import { GitError, git } from "./git.js";
import { getYamlValue, setYamlValue } from "./yaml-value.js";

/** What a commit did, for the run's thread. */
export interface Committed {
  /** The commit now on the branch that carries the change (ours, or the one already there). */
  commit: string;
  /** False when the file already said so: nothing was committed. */
  changed: boolean;
  message: string;
}

/** The words every commit of a run carries, so that its deploy and rollback commits can be found again. */
const runMark = (runId: string) => `Phasegate-Run: ${runId}`;

/** Git's words when the branch moved under the push: behind it (non-fast-forward), or moved during it. */
const REJECTED_BECAUSE_MOVED =
  /\[rejected\].*\((fetch first|non-fast-forward)\)|cannot lock ref .* but expected/;

type GitRun = (args: string[], input?: string) => Promise<string>;

/** The mirrors this process made and has not closed: a cache for as long as it runs, removed when it exits. */
const mirrors = new Set<string>();
process.once("exit", () => {
  for (const mirror of mirrors) rmSync(mirror, { recursive: true, force: true });
});

/**
 * Commits a release to the file a GitOps tool applies, and reverts it. Each change is made in a fresh clone that
 * is removed afterwards: nothing is left half-done on this machine, and the remote only ever sees a complete
 * commit. Reading what is on the branch (which commit carries a run, whether a revision contains it) uses a mirror
 * kept until `close` or the process's exit.
 */
export class GitCommitter implements GitRevisions {
  private mirror: Promise<string> | undefined;

  constructor(
    private readonly config: GitRepositoryConfig,
    private readonly service: string,
  ) {}

  /** Sets the file's value to the release (no commit when it already is) and pushes. */
  async commitVersion(runId: string, version: string, signal?: AbortSignal): Promise<Committed> {
    const { file, yamlPath } = this.config;
    const value = this.config.value.replaceAll("{version}", version);
    return this.inClone(signal, async (run, dir) => {
      const edit = await this.edit(dir, value);
      if (!edit) {
        const head = (await run(["rev-parse", "HEAD"])).trim();
        return { commit: head, changed: false, message: `${file} already sets ${yamlPath} to ${value}` };
      }
      await run(["add", "--", file]);
      await this.commit(
        run,
        `Deploy ${this.service} ${version}\n\n${yamlPath} in ${file}: ${edit.before} → ${value}\n\n${runMark(runId)}`,
      );
      const commit = await this.push(run, signal);
      return {
        commit,
        changed: true,
        message: `committed ${yamlPath}=${value} to ${this.where()} as ${commit.slice(0, 12)}`,
      };
    });
  }

  /** `git revert` of the run's deploy commit; done once per rollback number (a retried rollback finds its commit). */
  async revertRun(runId: string, rollback: number, signal?: AbortSignal): Promise<Committed> {
    const mark = `Phasegate-Rollback: ${runId} ${rollback}`;
    return this.inClone(signal, async (run) => {
      const done = await this.latest(run, "HEAD", mark);
      if (done)
        return { commit: done, changed: false, message: `${done.slice(0, 12)} already reverts the run` };
      const deploy = await this.latest(run, "HEAD", runMark(runId), "Deploy ");
      if (!deploy)
        throw new Error(
          `${this.where()} has no commit of run ${runId} to revert: the deploy changed nothing`,
        );
      try {
        await run(["revert", "--no-commit", deploy]);
      } catch (error) {
        throw new Error(`git revert of ${deploy.slice(0, 12)} does not apply: ${(error as Error).message}`);
      }
      const nothing = await run(["diff", "--cached", "--quiet"]).then(
        () => true,
        () => false,
      );
      if (nothing)
        return {
          commit: deploy,
          changed: false,
          message: `${this.where()} no longer has ${deploy.slice(0, 12)}'s change`,
        };
      await this.commit(
        run,
        `Revert ${this.service} deploy of run ${runId}\n\nThis reverts commit ${deploy}.\n\n${runMark(runId)}\n${mark}`,
      );
      const commit = await this.push(run, signal);
      return {
        commit,
        changed: true,
        message: `reverted ${deploy.slice(0, 12)} in ${this.where()} with ${commit.slice(0, 12)}`,
      };
    });
  }

  /** The newest commit of the branch that names the run (its revert after a rollback); the branch's head when none. */
  async target(runId: string, signal?: AbortSignal): Promise<string> {
    const run = await this.mirrorGit(signal);
    await this.fetch(run);
    const ref = `refs/heads/${this.config.branch}`;
    return (await this.latest(run, ref, runMark(runId))) ?? (await run(["rev-parse", ref])).trim();
  }

  /** The release the branch's file carries now (`value` with `{version}` taken out), or null. */
  async liveVersion(signal?: AbortSignal): Promise<string | null> {
    const run = await this.mirrorGit(signal);
    await this.fetch(run);
    const text = await run(["show", `refs/heads/${this.config.branch}:${this.config.file}`]);
    const value = getYamlValue(text, this.config.yamlPath);
    const [prefix = "", suffix = ""] = this.config.value.split("{version}");
    if (!value.startsWith(prefix) || !value.endsWith(suffix)) return null;
    return value.slice(prefix.length, value.length - suffix.length) || null;
  }

  /** Whether `revision` (the full id of a commit a GitOps tool applied) has `commit` in its history. */
  async contains(commit: string, revision: string, signal?: AbortSignal): Promise<boolean> {
    // Only a full commit id (as long as the repository's own: 40 hex for SHA-1, 64 for SHA-256) is looked up, which
    // git never reads as a ref: a branch or tag name, even one of hex digits only (`deadbee`), or an abbreviated id
    // would be resolved in the mirror, where the branch is what phasegate pushed, whatever the tool applied.
    if (revision.length !== commit.length || !/^[0-9a-f]+$/.test(revision)) return false;
    const run = await this.mirrorGit(signal);
    const ancestor = async () => {
      try {
        await run(["merge-base", "--is-ancestor", commit, revision]);
        return true;
      } catch (error) {
        if (error instanceof GitError && error.exitCode === 1) return false;
        return null; // a revision the mirror does not have yet
      }
    };
    const first = await ancestor();
    if (first !== null) return first;
    await this.fetch(run);
    return (await ancestor()) ?? false;
  }

  /**
   * The commit whose id starts with `prefix`, fetching once when the mirror has none. Never a ref: git resolves a
   * branch or tag name before an abbreviated id, so the objects starting so are listed and the commits kept.
   */
  async commitOfPrefix(prefix: string, signal?: AbortSignal): Promise<CommitLookup> {
    if (!/^[0-9a-f]{4,63}$/.test(prefix)) return { commit: null, matches: 0 };
    const run = await this.mirrorGit(signal);
    let commits = await commitsStartingWith(run, prefix);
    if (commits.length === 0) {
      await this.fetch(run);
      commits = await commitsStartingWith(run, prefix);
    }
    const [only] = commits;
    return commits.length === 1 && only ? { commit: only } : { commit: null, matches: commits.length };
  }

  /** Removes the mirror (a later read makes a new one); again, or with the mirror already gone: nothing to do. */
  async close(): Promise<void> {
    const mirror = this.mirror;
    this.mirror = undefined;
    const dir = await mirror?.catch(() => undefined);
    if (!dir) return;
    mirrors.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }

  private where() {
    return `${this.config.file} on ${this.config.branch}`;
  }

  private runner(cwd: string, signal?: AbortSignal): GitRun {
    return (args, input) =>
      git(args, { cwd, env: this.config.env, timeoutMs: this.config.timeoutSeconds * 1000, signal, input });
  }

  private async inClone<T>(signal: AbortSignal | undefined, work: (run: GitRun, dir: string) => Promise<T>) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-git-"));
    try {
      const run = this.runner(dir, signal);
      await run([
        "clone",
        "--quiet",
        "--single-branch",
        "--branch",
        this.config.branch,
        "--",
        this.config.url,
        ".",
      ]);
      return await work(run, dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The file with the value set, written; null when it already holds it. */
  private async edit(dir: string, value: string) {
    const file = path.join(dir, this.config.file);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      throw new Error(`${this.config.file} is not on ${this.config.branch} of ${this.config.url}`);
    }
    let edited: ReturnType<typeof setYamlValue>;
    try {
      edited = setYamlValue(text, this.config.yamlPath, value);
    } catch (error) {
      throw new Error(`${this.config.file}: ${(error as Error).message}`);
    }
    if (edited.before === value) return null;
    await writeFile(file, edited.text);
    return edited;
  }

  private commit(run: GitRun, message: string) {
    const { name, email } = this.config.author;
    return run(["-c", `user.name=${name}`, "-c", `user.email=${email}`, "commit", "--quiet", "-m", message]);
  }

  /** Pushes HEAD; when the branch moved meanwhile, fetches, rebases and tries again (pushAttempts in all). */
  private async push(run: GitRun, signal?: AbortSignal): Promise<string> {
    const { branch, pushAttempts, author } = this.config;
    for (let attempt = 1; ; attempt++) {
      try {
        await run(["push", "origin", `HEAD:refs/heads/${branch}`]);
        return (await run(["rev-parse", "HEAD"])).trim();
      } catch (error) {
        if (error instanceof GitError && error.timedOutMs !== undefined)
          throw new Error(
            `${error.message}: the remote may still take the commit; a retry finds it there instead of committing again`,
          );
        const moved = error instanceof GitError && REJECTED_BECAUSE_MOVED.test(error.stderr + error.message);
        if (!moved) throw error;
        if (attempt >= pushAttempts)
          throw new Error(
            `${branch} kept moving: the push was rejected ${attempt} times (${(error as Error).message})`,
          );
        signal?.throwIfAborted();
        await run(["fetch", "--quiet", "origin", branch]);
        try {
          await run([
            "-c",
            `user.name=${author.name}`,
            "-c",
            `user.email=${author.email}`,
            "rebase",
            "--quiet",
            `origin/${branch}`,
          ]);
        } catch (rebase) {
          throw new Error(
            `${branch} moved and the commit does not rebase onto it: ${(rebase as Error).message}`,
          );
        }
      }
    }
  }

  /** The newest commit of `ref` whose message carries `trailer` as a line of its own (and, when given, `subject`). */
  private async latest(run: GitRun, ref: string, trailer: string, subject?: string) {
    const lines = (await run(["log", "--format=%H %s", "--fixed-strings", `--grep=${trailer}`, ref]))
      .trim()
      .split("\n");
    for (const line of lines.filter(Boolean)) {
      const [hash = "", ...words] = line.split(" ");
      if (subject && !words.join(" ").startsWith(subject)) continue;
      const body = await run(["show", "-s", "--format=%B", hash]);
      if (body.split("\n").includes(trailer)) return hash;
    }
    return null;
  }

  private mirrorGit(signal?: AbortSignal) {
    if (!this.mirror) {
      const made = this.newMirror();
      // A mirror that could not be made is not kept: the next read tries again.
      made.catch(() => {
        if (this.mirror === made) this.mirror = undefined;
      });
      this.mirror = made;
    }
    return this.mirror.then((dir) => this.runner(dir, signal));
  }

  /**
   * A bare clone of the branch in the temp directory; removed again when the clone fails. A clone, not `git init`:
   * it takes the remote's object format (SHA-1 or SHA-256), which a repository made by `git init` cannot fetch from.
   */
  private async newMirror(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-git-mirror-"));
    mirrors.add(dir);
    try {
      const { url, branch } = this.config;
      await this.runner(dir)([
        "clone",
        "--quiet",
        "--bare",
        "--single-branch",
        "--branch",
        branch,
        "--",
        url,
        ".",
      ]);
      return dir;
    } catch (error) {
      mirrors.delete(dir);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  private fetch(run: GitRun) {
    const { url, branch } = this.config;
    return run(["fetch", "--quiet", "--", url, `+refs/heads/${branch}:refs/heads/${branch}`]);
  }
}

/** The commits whose full id starts with `prefix` (`--disambiguate` lists objects of every type, never a ref). */
async function commitsStartingWith(run: GitRun, prefix: string): Promise<string[]> {
  const ids = (await run(["rev-parse", `--disambiguate=${prefix}`])).split("\n").filter(Boolean);
  if (ids.length === 0) return [];
  const typed = await run(["cat-file", "--batch-check=%(objectname) %(objecttype)"], `${ids.join("\n")}\n`);
  return typed
    .split("\n")
    .map((line) => line.split(" "))
    .filter(([, type]) => type === "commit")
    .map(([id = ""]) => id);
}
