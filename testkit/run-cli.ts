import { execFile } from "node:child_process";
import path from "node:path";
import { cliArgv, repoRoot } from "./cli-entry.js";

export { repoRoot };
export const shopDir = path.join(repoRoot, "examples", "shop");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (compiled, as bin/phasegate.js does) as a user would, with only the given environment changes. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      cliArgv(...args),
      { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: "silent", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
