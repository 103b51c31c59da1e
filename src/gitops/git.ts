import { execFile } from "node:child_process";

export interface GitOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Written to git's stdin (then closed). */
  input?: string;
}

/** A git command that did not succeed: its exit code and what git said on stderr. */
export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    /** Set when git was killed at its time limit (a remote that does not answer). */
    readonly timedOutMs?: number,
  ) {
    const said = stderr.trim().split("\n").slice(-6).join(" / ");
    super(
      timedOutMs === undefined
        ? `git ${args[0]} failed: ${said || `exit code ${exitCode}`}`
        : `git ${args[0]} did not finish within ${timedOutMs / 1000} s${said ? `: ${said}` : ""}`,
    );
    this.name = "GitError";
  }
}

/** Runs git without a shell; never prompts (a missing credential fails instead of hanging the step). */
export function git(args: string[], options: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...options.env },
        timeout: options.timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        encoding: "utf8",
        signal: options.signal,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = typeof error.code === "number" ? error.code : null;
        const timedOut = error.killed === true && typeof error.code !== "string" && !options.signal?.aborted;
        // Node's "Command failed: git …" is not said: the command line carries the URL (and any credentials in it).
        const said = stderr || (error.message.startsWith("Command failed") ? "" : error.message);
        reject(new GitError(args, code, said, timedOut ? options.timeoutMs : undefined));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
